"""Agents' login and pause state per queue.

The event rows (``agent_events``) are the record, which reports read; the current state is
their fold (``agent_fold``), kept as the ``agent_queue_states`` projection in the same
transaction as each row (``agent_projection``), so it survives restarts and reading it costs one
SELECT however long the history. A row with no queue applies to every dynamic queue the agent
belongs to when it is written; an all-queue logout ("log out of all") only to the queues the
agent is logged in to, so it never touches a static agent's queue.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterable, Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.enums import AgentEventKind, AgentEventSource
from yeastar_ctl.services.agent_fold import (
    LOGGED_OUT,
    AgentEventFacts,
    AgentHistory,
    AgentQueueState,
    apply_event,
    fold_events,
)
from yeastar_ctl.services.agent_projection import load_projection
from yeastar_ctl.services.call_events import record_agent_event

__all__ = [
    "LOGGED_OUT",
    "AgentEventFacts",
    "AgentHistory",
    "AgentQueueState",
    "apply_event",
    "fold_events",
    "load_agent_history",
    "load_agent_states",
    "pause_agent",
]


async def load_agent_history(
    session: AsyncSession, queues_of: Mapping[str, Iterable[str]] | None = None
) -> AgentHistory:
    """Every agent's state per queue and last queues, from the projection.

    ``queues_of`` is not used: the projection expanded all-queue rows when they were written.
    It is still accepted so callers written for the replay keep working; new code omits it.
    """
    return await load_projection(session)


async def load_agent_states(
    session: AsyncSession, queues_of: Mapping[str, Iterable[str]] | None = None
) -> dict[tuple[str, str], AgentQueueState]:
    """(agent, queue) -> state for every pair any event touched; ``queues_of`` is not used."""
    return (await load_projection(session)).states


async def pause_agent(
    session: AsyncSession, *, agent: str, queue: str, at: datetime, source: AgentEventSource | str,
    reason_code: str | None = None,
) -> None:
    await record_agent_event(
        session, at=at, agent_extension=agent, queue_number=queue, kind=AgentEventKind.PAUSE,
        source=source, reason_code=reason_code,
    )
