"""Queue capacity: Maximum Callers, Disallow to Join When Empty, Leave Empty (seed, Preferences).

"When all agents are logged out, the queue is considered Empty by default"; the admin adds which
other states count: Unavailable (Off Line), Paused, Busy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Mapping

from yeastar_ctl.acd.eligibility import wrapup_ends
from yeastar_ctl.acd.model import Agent, QueuePolicy
from yeastar_ctl.acd.vocabulary import DeviceStatus, EmptyCondition, FailoverReason


def members_of(queue: str, agents: Mapping[str, Agent]) -> list[Agent]:
    return [a for a in agents.values() if a.membership(queue) is not None]


def _absent(
    agent: Agent, queue: QueuePolicy, conditions: frozenset[EmptyCondition], *,
    now: datetime, queues: Mapping[str, QueuePolicy], shared_wrapup: bool, ringing: set[str],
) -> bool:
    membership = agent.membership(queue.number)
    assert membership is not None
    if not membership.static and not membership.logged_in:
        return True
    if EmptyCondition.UNAVAILABLE in conditions and (agent.device == DeviceStatus.OFFLINE or agent.do_not_disturb):
        return True
    if EmptyCondition.PAUSED in conditions and membership.paused:
        return True
    if EmptyCondition.BUSY in conditions:
        ends = wrapup_ends(agent, queue, queues, shared_wrapup)
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
    return all(
        _absent(a, queue, conditions, now=now, queues=queues, shared_wrapup=shared_wrapup, ringing=ringing_set)
        for a in members_of(queue.number, agents)
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
