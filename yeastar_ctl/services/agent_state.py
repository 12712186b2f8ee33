"""Agents' login and pause state per queue, folded from the agent event rows.

The event rows are the record (reports read them) and the state: replaying them gives the state
after a restart, so nothing else has to be kept in step. A row with no queue applies to every
queue the agent belongs to at that moment (e.g. "log out of all").
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.enums import AgentEventKind, AgentEventSource
from yeastar_ctl.db.models import AgentEvent
from yeastar_ctl.services.call_events import record_agent_event


@dataclass(frozen=True)
class AgentQueueState:
    logged_in: bool = False
    login_at: datetime | None = None
    paused: bool = False
    pause_reason: str | None = None


LOGGED_OUT = AgentQueueState()


def apply_event(state: AgentQueueState, kind: AgentEventKind, at: datetime, reason: str | None) -> AgentQueueState:
    if kind == AgentEventKind.LOGIN:
        return replace(state, logged_in=True, login_at=at)
    if kind == AgentEventKind.LOGOUT:
        return AgentQueueState()
    if kind == AgentEventKind.PAUSE:
        return replace(state, paused=True, pause_reason=reason)
    if kind == AgentEventKind.PAUSE_REASON_CHANGE:
        return replace(state, pause_reason=reason)
    if kind == AgentEventKind.UNPAUSE:
        return replace(state, paused=False, pause_reason=None)
    return state


def fold_events(
    events: Iterable[AgentEvent], queues_of: Mapping[str, Iterable[str]]
) -> dict[tuple[str, str], AgentQueueState]:
    """(agent, queue) -> state, from rows in time order; `queues_of` expands all-queue rows."""
    states: dict[tuple[str, str], AgentQueueState] = {}
    for event in events:
        queues = [event.queue_number] if event.queue_number else list(queues_of.get(event.agent_extension, ()))
        for queue in queues:
            key = (event.agent_extension, queue)
            states[key] = apply_event(states.get(key, LOGGED_OUT), event.kind, event.at, event.reason_code)
    return states


async def load_agent_states(
    session: AsyncSession, queues_of: Mapping[str, Iterable[str]]
) -> dict[tuple[str, str], AgentQueueState]:
    rows = await session.scalars(select(AgentEvent).order_by(AgentEvent.at, AgentEvent.id))
    return fold_events(rows, queues_of)


async def pause_agent(
    session: AsyncSession, *, agent: str, queue: str, at: datetime, source: AgentEventSource | str,
    reason_code: str | None = None,
) -> None:
    await record_agent_event(
        session, at=at, agent_extension=agent, queue_number=queue, kind=AgentEventKind.PAUSE,
        source=source, reason_code=reason_code,
    )
