"""Carry out an agent's state change (from a feature code, later the portal, API and presence
rules): validate it against the configuration and the current state, then record it as agent
event rows. Nothing is written when a check fails.

Seed rules applied here: static agents are always in their queues and cannot log out; a pause
may carry a reason; dialing the pause code while paused with the same reason (or none) unpauses,
with another reason it changes the reason (a "change pause reason", not a new pause); a code that
carries another agent (`*07<agent>*<queue>`) works for that agent or for a manager of the queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.agents.codes import Action, Command
from yeastar_ctl.db.enums import AgentEventKind, AgentEventSource, MemberKind, PresenceAction
from yeastar_ctl.services.agent_state import AgentQueueState, LOGGED_OUT, load_agent_history
from yeastar_ctl.services.call_events import record_agent_event
from yeastar_ctl.services.config_snapshot import ConfigSnapshot, MemberConfig, QueueConfig, load_config_snapshot
from yeastar_ctl.services.errors import ServiceError


class Refusal(StrEnum):
    NOT_PERMITTED = "not permitted"
    NOT_A_MEMBER = "not a member of the queue"
    STATIC_AGENT = "static agents are always in the queue"
    NOT_LOGGED_IN = "not logged in"
    UNKNOWN = "unknown"
    NOTHING_TO_DO = "nothing to do"


class AgentCommandRefused(ServiceError):
    def __init__(self, refusal: Refusal, detail: str) -> None:
        self.refusal = refusal
        self.detail = detail
        super().__init__(f"{refusal.value}: {detail}")


@dataclass(frozen=True)
class StateChange:
    agent: str
    queue: str | None  # None: an all-queue row ("log out of all")
    kind: AgentEventKind
    reason: str | None = None


def _member(queue: QueueConfig, agent: str) -> MemberConfig | None:
    return next((m for m in queue.members if m.extension == agent), None)


def plan(
    snapshot: ConfigSnapshot,
    states: dict[tuple[str, str], AgentQueueState],
    last_queues: dict[str, frozenset[str]],
    *,
    caller: str,
    command: Command,
) -> list[StateChange]:
    """The changes `command` dialed by `caller` makes; raises AgentCommandRefused."""
    agent = command.agent or caller
    if command.action in (Action.LOGIN_ALL, Action.LOGOUT_ALL, Action.LOGIN_LAST):
        return _plan_all(snapshot, states, last_queues, agent, command.action)
    assert command.queue is not None
    queue = snapshot.queue(command.queue)
    if queue is None:
        raise AgentCommandRefused(Refusal.UNKNOWN, f"queue {command.queue}")
    if agent != caller and not any(m.extension == caller for m in queue.managers):
        raise AgentCommandRefused(Refusal.NOT_PERMITTED, f"{caller} is neither {agent} nor a manager of {queue.number}")
    member = _member(queue, agent)
    if member is None:
        raise AgentCommandRefused(Refusal.NOT_A_MEMBER, f"{agent} in {queue.number}")
    static = member.kind == MemberKind.STATIC
    state = states.get((agent, queue.number), LOGGED_OUT)
    if command.action == Action.LOGIN_TOGGLE:
        if static:
            raise AgentCommandRefused(Refusal.STATIC_AGENT, f"{agent} in {queue.number}")
        kind = AgentEventKind.LOGOUT if state.logged_in else AgentEventKind.LOGIN
        return [StateChange(agent, queue.number, kind)]
    if not static and not state.logged_in:
        raise AgentCommandRefused(Refusal.NOT_LOGGED_IN, f"{agent} in {queue.number}")
    if command.reason is not None and command.reason not in {r.code for r in snapshot.pause_reasons}:
        raise AgentCommandRefused(Refusal.UNKNOWN, f"pause reason {command.reason}")
    if not state.paused:
        return [StateChange(agent, queue.number, AgentEventKind.PAUSE, command.reason)]
    if command.reason is None or command.reason == state.pause_reason:
        return [StateChange(agent, queue.number, AgentEventKind.UNPAUSE)]
    return [StateChange(agent, queue.number, AgentEventKind.PAUSE_REASON_CHANGE, command.reason)]


def _plan_all(
    snapshot: ConfigSnapshot,
    states: dict[tuple[str, str], AgentQueueState],
    last_queues: dict[str, frozenset[str]],
    agent: str,
    action: Action,
) -> list[StateChange]:
    dynamic = [q.number for q in snapshot.queues_of(agent) if (m := _member(q, agent)) and m.kind == MemberKind.DYNAMIC]
    logged_in = [q for q in dynamic if states.get((agent, q), LOGGED_OUT).logged_in]
    if not snapshot.queues_of(agent):
        raise AgentCommandRefused(Refusal.NOT_A_MEMBER, f"{agent} is in no queue")
    if action == Action.LOGOUT_ALL:
        if not logged_in:
            raise AgentCommandRefused(Refusal.NOTHING_TO_DO, f"{agent} is logged in to no queue")
        # One all-queue row: the fold remembers which queues it ended ("last queues", *78).
        return [StateChange(agent, None, AgentEventKind.LOGOUT)]
    wanted = dynamic if action == Action.LOGIN_ALL else [q for q in dynamic if q in last_queues.get(agent, frozenset())]
    changes = [StateChange(agent, q, AgentEventKind.LOGIN) for q in wanted if q not in logged_in]
    if not changes:
        raise AgentCommandRefused(Refusal.NOTHING_TO_DO, f"{agent}: no queue to log in to")
    return changes


async def execute(
    session: AsyncSession, *, caller: str, command: Command, at: datetime, source: AgentEventSource | str,
) -> list[StateChange]:
    """Validate and record; the caller owns the transaction."""
    snapshot = await load_config_snapshot(session)
    history = await load_agent_history(session)
    changes = plan(snapshot, history.states, history.last_queues, caller=caller, command=command)
    await record_changes(session, changes, at=at, source=source)
    return changes


async def record_changes(
    session: AsyncSession, changes: list[StateChange], *, at: datetime, source: AgentEventSource | str,
) -> None:
    for change in changes:
        await record_agent_event(
            session, at=at, agent_extension=change.agent, kind=change.kind, source=source,
            queue_number=change.queue, reason_code=change.reason,
        )


def plan_presence(
    snapshot: ConfigSnapshot,
    states: dict[tuple[str, str], AgentQueueState],
    last_queues: dict[str, frozenset[str]],
    *,
    agent: str,
    action: PresenceAction,
    reason: str | None,
) -> list[StateChange]:
    """Seed, "Agent Status Auto Switch": Log In (dynamic agents log in to all their queues, static
    agents resume), Log in to Last Queues, Log Out (dynamic agents only), Pause (optional reason),
    Do Nothing. Applies what can apply and skips what is already so; never refuses."""
    changes: list[StateChange] = []
    for queue in snapshot.queues_of(agent):
        member = _member(queue, agent)
        assert member is not None
        static = member.kind == MemberKind.STATIC
        state = states.get((agent, queue.number), LOGGED_OUT)
        taking_part = static or state.logged_in
        if action in (PresenceAction.LOG_IN, PresenceAction.LOG_IN_LAST):
            if static and state.paused:
                changes.append(StateChange(agent, queue.number, AgentEventKind.UNPAUSE))
            wanted = action == PresenceAction.LOG_IN or queue.number in last_queues.get(agent, frozenset())
            if not static and not state.logged_in and wanted:
                changes.append(StateChange(agent, queue.number, AgentEventKind.LOGIN))
        elif action == PresenceAction.PAUSE and taking_part and not state.paused:
            changes.append(StateChange(agent, queue.number, AgentEventKind.PAUSE, reason))
    if action == PresenceAction.LOG_OUT and any(
        states.get((agent, q), LOGGED_OUT).logged_in for q in snapshot.dynamic_queues_of().get(agent, [])
    ):
        changes.append(StateChange(agent, None, AgentEventKind.LOGOUT))
    return changes
