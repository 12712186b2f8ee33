"""Agents' login and pause state per queue, folded from the agent event rows.

The event rows are the record (reports read them) and the state: replaying them gives the state
after a restart, so nothing else has to be kept in step. A row with no queue applies to every
queue the agent belongs to at that moment; an all-queue logout ("log out of all") only to the
queues the agent is logged in to, so it never touches a static agent's queue.
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


@dataclass(frozen=True)
class AgentHistory:
    states: dict[tuple[str, str], AgentQueueState]  # (agent, queue) -> state
    # The queues an agent was logged in to just before their last "log out of all" (*78).
    last_queues: dict[str, frozenset[str]]


def fold_events(events: Iterable[AgentEvent], queues_of: Mapping[str, Iterable[str]]) -> AgentHistory:
    """Replay rows in time order; `queues_of` expands all-queue rows to the agent's queues."""
    states: dict[tuple[str, str], AgentQueueState] = {}
    last_queues: dict[str, frozenset[str]] = {}
    for event in events:
        agent = event.agent_extension
        if event.queue_number:
            queues = [event.queue_number]
        else:
            queues = list(queues_of.get(agent, ()))
            if event.kind == AgentEventKind.LOGOUT:
                # "Log out of all" ends the queues the agent is logged in to and nothing else: a
                # static agent is always in their queue, so a pause there outlives it.
                queues = [q for q in queues if states.get((agent, q), LOGGED_OUT).logged_in]
                last_queues[agent] = frozenset(queues)
        for queue in queues:
            key = (agent, queue)
            states[key] = apply_event(states.get(key, LOGGED_OUT), event.kind, event.at, event.reason_code)
    return AgentHistory(states, last_queues)


async def load_agent_history(session: AsyncSession, queues_of: Mapping[str, Iterable[str]]) -> AgentHistory:
    rows = await session.scalars(select(AgentEvent).order_by(AgentEvent.at, AgentEvent.id))
    return fold_events(rows, queues_of)


async def load_agent_states(
    session: AsyncSession, queues_of: Mapping[str, Iterable[str]]
) -> dict[tuple[str, str], AgentQueueState]:
    return (await load_agent_history(session, queues_of)).states


async def pause_agent(
    session: AsyncSession, *, agent: str, queue: str, at: datetime, source: AgentEventSource | str,
    reason_code: str | None = None,
) -> None:
    await record_agent_event(
        session, at=at, agent_extension=agent, queue_number=queue, kind=AgentEventKind.PAUSE,
        source=source, reason_code=reason_code,
    )
