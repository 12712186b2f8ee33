"""The rule that turns agent event rows into login and pause state: pure, no database.

The projection (``agent_projection``) applies it one row at a time as rows are written;
``fold_events`` replays a whole history with it, for the migration's backfill, for rebuilding
one agent whose rows arrived out of time order, and as the reference the tests hold the
projection to. A row with no queue applies to every dynamic queue of the agent; an all-queue
logout ("log out of all") only to the queues the agent is logged in to, so it never touches a
static agent's queue, and it remembers them as the agent's "last queues" (*78).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable, Mapping, Protocol

from yeastar_ctl.db.enums import AgentEventKind


@dataclass(frozen=True)
class AgentQueueState:
    logged_in: bool = False
    login_at: datetime | None = None
    paused: bool = False
    pause_reason: str | None = None


LOGGED_OUT = AgentQueueState()


def apply_event(
    state: AgentQueueState, kind: AgentEventKind | str, at: datetime, reason: str | None
) -> AgentQueueState:
    # Plain constructors rather than dataclasses.replace: the backfill runs this a million times.
    if kind == AgentEventKind.LOGIN:
        return AgentQueueState(True, at, state.paused, state.pause_reason)
    if kind == AgentEventKind.LOGOUT:
        return LOGGED_OUT
    if kind == AgentEventKind.PAUSE:
        return AgentQueueState(state.logged_in, state.login_at, True, reason)
    if kind == AgentEventKind.PAUSE_REASON_CHANGE:
        return AgentQueueState(state.logged_in, state.login_at, state.paused, reason)
    if kind == AgentEventKind.UNPAUSE:
        return AgentQueueState(state.logged_in, state.login_at, False, None)
    return state


class AgentEventFacts(Protocol):
    """What the fold reads of a row: an ``AgentEvent`` or a plain result row of its columns."""

    @property
    def at(self) -> datetime: ...
    @property
    def agent_extension(self) -> str: ...
    @property
    def queue_number(self) -> str | None: ...
    @property
    def kind(self) -> AgentEventKind | str: ...
    @property
    def reason_code(self) -> str | None: ...


@dataclass(frozen=True)
class AgentHistory:
    states: dict[tuple[str, str], AgentQueueState]  # (agent, queue) -> state
    # The queues an agent was logged in to just before their last "log out of all" (*78).
    last_queues: dict[str, frozenset[str]]
    # (agent, queue) -> time of the last event applied to that state.
    updated_at: dict[tuple[str, str], datetime] = field(default_factory=dict)


def fold_events(events: Iterable[AgentEventFacts], queues_of: Mapping[str, Iterable[str]]) -> AgentHistory:
    """Replay rows in time order; `queues_of` expands all-queue rows to the agent's dynamic queues.

    An all-queue logout that ends no queue leaves the agent with no last queues: it is absent
    from ``last_queues`` (every reader treats absent as empty, and the projection stores none).
    """
    states: dict[tuple[str, str], AgentQueueState] = {}
    updated_at: dict[tuple[str, str], datetime] = {}
    last_queues: dict[str, frozenset[str]] = {}
    for event in events:
        # Each field read once: the backfill folds a million result rows, and an all-queue row
        # is applied to each of the agent's queues.
        agent, queue_number, kind, at, reason = (
            event.agent_extension, event.queue_number, event.kind, event.at, event.reason_code
        )
        if queue_number:
            queues: Iterable[str] = (queue_number,)
        else:
            queues = queues_of.get(agent, ())
            if kind == AgentEventKind.LOGOUT:
                # "Log out of all" ends the queues the agent is logged in to and nothing else: a
                # static agent is always in their queue, so a pause there outlives it.
                queues = [q for q in queues if states.get((agent, q), LOGGED_OUT).logged_in]
                if queues:
                    last_queues[agent] = frozenset(queues)
                else:
                    last_queues.pop(agent, None)
        for queue in queues:
            key = (agent, queue)
            states[key] = apply_event(states.get(key, LOGGED_OUT), kind, at, reason)
            updated_at[key] = at
    return AgentHistory(states, last_queues, updated_at)
