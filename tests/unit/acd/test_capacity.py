"""Seed, Queue Preferences > Queue capacity: Maximum Callers in Queue (0 = unlimited), Leave
Empty and Disallow to Join When Empty, where the admin picks which states make the queue
"Empty" (Unavailable (Off Line), Paused, Busy) and "when all agents are logged out, the queue is
considered Empty by default".
"""

from dataclasses import replace

import pytest
from builders import agent, at, dynamic, static, with_membership

from yeastar_ctl.acd.capacity import JoinVerdict, check_join, queue_is_empty
from yeastar_ctl.acd.model import Agent, QueuePolicy
from yeastar_ctl.acd.vocabulary import DeviceStatus, EmptyCondition, FailoverReason

UNAVAILABLE, PAUSED, BUSY = EmptyCondition.UNAVAILABLE, EmptyCondition.PAUSED, EmptyCondition.BUSY
EVERY = frozenset({UNAVAILABLE, PAUSED, BUSY})
SUPPORT = QueuePolicy("6400", wrapup=10)


def empty(agents: list[Agent], conditions: frozenset[EmptyCondition], *, ringing: frozenset[str] = frozenset(), now_s: float = 100) -> bool:
    return queue_is_empty(
        SUPPORT, conditions, {a.extension: a for a in agents},
        now=at(now_s), queues={"6400": SUPPORT}, shared_wrapup=False, ringing=ringing,
    )


def logged_out(extension: str) -> Agent:
    return with_membership(agent(extension, dynamic("6400", 0)), "6400", logged_in=False)


# -- what "empty" means --------------------------------------------------------------------------


def test_all_agents_logged_out_is_always_empty() -> None:
    assert empty([logged_out("1001"), logged_out("1002")], frozenset())
    assert empty([logged_out("1001")], EVERY)
    assert empty([], frozenset())  # nobody in the queue at all


def test_one_available_agent_means_not_empty_whatever_the_conditions() -> None:
    assert not empty([logged_out("1001"), agent("1002", static("6400"))], EVERY)


def test_a_static_agent_never_counts_as_logged_out() -> None:
    assert not empty([agent("1001", static("6400", logged_in=False))], frozenset())


# Each state makes the queue empty only when the admin picked its condition.
STATES = {
    "offline": (agent("1001", static("6400"), device=DeviceStatus.OFFLINE), UNAVAILABLE),
    "paused": (agent("1001", static("6400", paused=True)), PAUSED),
    "on a call": (agent("1001", static("6400"), device=DeviceStatus.IN_USE), BUSY),
    "phone ringing": (agent("1001", static("6400"), device=DeviceStatus.RINGING), BUSY),
    "in wrap-up": (agent("1001", static("6400", last_call_ended_at=at(95))), BUSY),
}


@pytest.mark.parametrize("state", STATES)
def test_each_state_counts_as_absent_only_under_its_condition(state: str) -> None:
    only, condition = STATES[state]
    assert empty([only], frozenset({condition}))
    assert empty([only], EVERY)
    assert not empty([only], EVERY - {condition})
    assert not empty([only], frozenset())


def test_an_agent_ringing_for_a_queue_call_counts_as_busy() -> None:
    leo = agent("1001", static("6400"))
    assert empty([leo], frozenset({BUSY}), ringing=frozenset({"1001"}))
    assert not empty([leo], frozenset({PAUSED, UNAVAILABLE}), ringing=frozenset({"1001"}))


def test_wrap_up_counts_as_busy_only_until_it_ends() -> None:
    leo = agent("1001", static("6400", last_call_ended_at=at(95)))
    assert empty([leo], frozenset({BUSY}), now_s=104)
    assert not empty([leo], frozenset({BUSY}), now_s=105)


def test_the_queue_is_empty_when_every_agent_is_absent_for_one_of_the_picked_reasons() -> None:
    agents = [
        agent("1001", static("6400"), device=DeviceStatus.OFFLINE),
        agent("1002", static("6400", paused=True)),
        logged_out("1003"),
    ]
    assert empty(agents, frozenset({UNAVAILABLE, PAUSED}))
    assert not empty(agents, frozenset({UNAVAILABLE}))
    assert not empty(agents, frozenset({PAUSED}))


def test_only_this_queues_pause_counts() -> None:
    leo = agent("1001", static("6400"), static("6401", paused=True))
    assert not empty([leo], frozenset({PAUSED}))


# -- joining -------------------------------------------------------------------------------------


def join(queue: QueuePolicy, waiting: int, agents: list[Agent], *, ringing: frozenset[str] = frozenset()) -> JoinVerdict:
    return check_join(
        queue, waiting, {a.extension: a for a in agents},
        now=at(100), queues={queue.number: queue}, shared_wrapup=False, ringing=ringing,
    )


LEO = agent("1001", static("6400"))


def test_maximum_callers_0_is_unlimited() -> None:
    verdict = join(QueuePolicy("6400", max_callers=0), 10_000, [LEO])
    assert verdict.allowed and verdict.reason is None and verdict.trace == "joined"


def test_a_full_queue_sends_the_new_caller_to_the_failover_destination() -> None:
    queue = QueuePolicy("6400", max_callers=2)
    assert join(queue, 1, [LEO]).allowed
    full = join(queue, 2, [LEO])
    assert not full.allowed
    assert full.reason == FailoverReason.QUEUE_FULL
    assert full.trace == "2 callers waiting, the maximum is 2"


def test_without_disallow_join_when_empty_a_caller_joins_a_queue_with_nobody_in_it() -> None:
    assert join(QueuePolicy("6400"), 0, [logged_out("1001")]).allowed


def test_disallow_join_when_empty_refuses_when_all_agents_are_logged_out() -> None:
    verdict = join(QueuePolicy("6400", join_empty_disallowed=frozenset()), 0, [logged_out("1001")])
    assert not verdict.allowed
    assert verdict.reason == FailoverReason.JOIN_EMPTY
    assert verdict.trace == "no agent can take calls and joining an empty queue is disallowed"


@pytest.mark.parametrize("state", STATES)
def test_disallow_join_when_empty_follows_the_picked_conditions(state: str) -> None:
    only, condition = STATES[state]
    assert not join(QueuePolicy("6400", join_empty_disallowed=frozenset({condition})), 0, [only]).allowed
    assert join(QueuePolicy("6400", join_empty_disallowed=EVERY - {condition}), 0, [only]).allowed


def test_an_agent_rung_for_another_caller_makes_a_busy_queue_refuse_joins() -> None:
    queue = QueuePolicy("6400", join_empty_disallowed=frozenset({BUSY}))
    assert not join(queue, 1, [LEO], ringing=frozenset({"1001"})).allowed
    assert join(queue, 1, [LEO]).allowed


def test_a_full_queue_is_reported_before_an_empty_one() -> None:
    queue = QueuePolicy("6400", max_callers=1, join_empty_disallowed=frozenset())
    assert join(queue, 1, [logged_out("1001")]).reason == FailoverReason.QUEUE_FULL


def test_do_not_disturb_counts_as_unavailable_for_empty() -> None:
    queue = QueuePolicy("6400")
    leo = replace(agent("1000", static("6400")), do_not_disturb=True)
    agents = {"1000": leo}
    assert queue_is_empty(queue, frozenset({EmptyCondition.UNAVAILABLE}), agents, now=at(0), queues={"6400": queue}, shared_wrapup=False)
    assert not queue_is_empty(queue, frozenset({EmptyCondition.PAUSED}), agents, now=at(0), queues={"6400": queue}, shared_wrapup=False)
