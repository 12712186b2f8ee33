"""Queue capacity: Maximum Callers, Disallow to Join When Empty, Leave Empty (seed, Preferences).

"When all agents are logged out, the queue is considered Empty by default"; the admin adds which
other states count: Unavailable (Off Line), Paused, Busy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Container, Iterable, Mapping

from yeastar_ctl.acd.eligibility import queue_wrapup_ends, shared_wrapup_ends
from yeastar_ctl.acd.model import Agent, Membership, QueuePolicy
from yeastar_ctl.acd.vocabulary import DeviceStatus, EmptyCondition, FailoverReason


def _absent(
    agent: Agent, membership: Membership, queue: QueuePolicy, conditions: frozenset[EmptyCondition], *,
    now: datetime, queues: Mapping[str, QueuePolicy], shared_wrapup: bool, ringing: Container[str],
) -> bool:
    """`membership`: the agent's membership of `queue`."""
    if not membership.static and not membership.logged_in:
        return True
    if EmptyCondition.UNAVAILABLE in conditions and (agent.device == DeviceStatus.OFFLINE or agent.do_not_disturb):
        return True
    if EmptyCondition.PAUSED in conditions and membership.paused:
        return True
    if EmptyCondition.BUSY in conditions:
        ends = shared_wrapup_ends(agent, queues) if shared_wrapup else queue_wrapup_ends(membership, queue)  # wrapup_ends
        if agent.device in (DeviceStatus.IN_USE, DeviceStatus.RINGING) or agent.extension in ringing:
            return True
        if ends is not None and now < ends:
            return True
    return False


def queue_is_empty(
    queue: QueuePolicy, conditions: frozenset[EmptyCondition], agents: Mapping[str, Agent], *,
    now: datetime, queues: Mapping[str, QueuePolicy], shared_wrapup: bool, ringing: Iterable[str] = (),
) -> bool:
    ringing_set = set(ringing)
    return members_absent(
        queue, conditions, ((a, m) for a in agents.values() if (m := a.membership(queue.number)) is not None),
        now=now, queues=queues, shared_wrapup=shared_wrapup, ringing=ringing_set,
    )


def members_absent(
    queue: QueuePolicy, conditions: frozenset[EmptyCondition], members: Iterable[tuple[Agent, Membership]], *,
    now: datetime, queues: Mapping[str, QueuePolicy], shared_wrapup: bool, ringing: Container[str],
) -> bool:
    """`queue_is_empty`, given the queue's members, each with its membership of the queue: a
    decision pass has them at hand."""
    return all(
        _absent(a, m, queue, conditions, now=now, queues=queues, shared_wrapup=shared_wrapup, ringing=ringing)
        for a, m in members
    )


@dataclass(frozen=True)
class JoinVerdict:
    allowed: bool
    reason: FailoverReason | None
    trace: str


def check_join(
    queue: QueuePolicy, waiting: int, agents: Mapping[str, Agent], *,
    now: datetime, queues: Mapping[str, QueuePolicy], shared_wrapup: bool, ringing: Iterable[str] = (),
) -> JoinVerdict:
    """May a new caller join `queue`, where `waiting` callers already wait?"""
    if queue.max_callers and waiting >= queue.max_callers:
        return JoinVerdict(False, FailoverReason.QUEUE_FULL, f"{waiting} callers waiting, the maximum is {queue.max_callers}")
    if queue.join_empty_disallowed is not None and queue_is_empty(
        queue, queue.join_empty_disallowed, agents, now=now, queues=queues, shared_wrapup=shared_wrapup, ringing=ringing,
    ):
        return JoinVerdict(False, FailoverReason.JOIN_EMPTY, "no agent can take calls and joining an empty queue is disallowed")
    return JoinVerdict(True, None, "joined")
