"""One decision pass (engine.decide): offers, rounds, the retry interval, timers, failovers and
the routing trace. Seed, Agent Options: Agent Timeout rings an agent for N seconds; Retry
Interval waits before ringing the next agent; Maximum Waiting Time and Leave Empty send the caller
to the failover destination; a callback request keeps its place in the queue.
"""

from dataclasses import replace

import pytest
from builders import agent, at, dynamic, entry, snapshot, static, with_membership

from yeastar_ctl.acd.engine import decide
from yeastar_ctl.acd.model import Agent, Decision, Failover, Offer, QueuePolicy
from yeastar_ctl.acd.vocabulary import DeviceStatus, EmptyCondition, FailoverReason, RingStrategy

SUPPORT = QueuePolicy("6400", strategy=RingStrategy.LINEAR, agent_timeout=20, retry_interval=5, max_wait=1800)
TEAM = [agent("1001", static("6400", 1)), agent("1002", static("6400", 2)), agent("1003", static("6400", 3))]


def one_call(now_s: float = 100, queue: QueuePolicy = SUPPORT, agents: list[Agent] = TEAM, **entry_kw: object) -> Decision:
    return decide(snapshot(now_s, [queue], agents, [entry("call", queue.number, 0, **entry_kw)]))


def offers(decision: Decision) -> list[tuple[str, tuple[str, ...]]]:
    return [(o.entry_id, o.agents) for o in decision.offers]


# -- the offer and its trace ---------------------------------------------------------------------


def test_an_offer_rings_one_agent_for_the_agent_timeout_and_the_trace_says_why() -> None:
    decision = one_call()
    assert decision.offers == (Offer("call", "6400", ("1001",), timeout=20, new_round=False),)
    assert decision.failovers == ()
    assert decision.traces["call"] == (
        "1001: ring (Linear, call priority 1)",
        "1002: available, next in Linear order",
        "1003: available, next in Linear order",
    )


def test_a_call_already_ringing_gets_no_second_offer() -> None:
    decision = one_call(ringing=frozenset({"1001", "1002"}))
    assert decision.offers == ()
    assert decision.traces["call"] == ("ringing 1001, 1002",)


def test_nobody_available_means_the_caller_waits() -> None:
    decision = one_call(agents=[agent("1001", static("6400", paused=True))])
    assert decision.offers == () and decision.failovers == ()
    assert decision.traces["call"] == ("1001: skipped, paused", "no agent available: waiting")


def test_an_agent_is_offered_to_one_caller_at_a_time() -> None:
    decision = decide(snapshot(100, [SUPPORT], TEAM, [entry("first", "6400", 0), entry("second", "6400", 10)]))
    assert offers(decision) == [("first", ("1001",)), ("second", ("1002",))]
    assert decision.traces["second"][0] == "1001: skipped, offered a higher-priority call in this pass"


def test_the_same_snapshot_gives_the_same_decision_even_with_random() -> None:
    random_queue = replace(SUPPORT, strategy=RingStrategy.RANDOM)
    s = snapshot(100, [random_queue], TEAM, [entry("a", "6400", 0), entry("b", "6400", 5)], random_seed=42)
    assert decide(s) == decide(s)


# -- rounds: `tried` and new_round ---------------------------------------------------------------


def test_agents_rung_in_this_round_are_skipped_for_the_next_one() -> None:
    decision = one_call(tried=frozenset({"1001"}))
    assert offers(decision) == [("call", ("1002",))]
    assert not decision.offers[0].new_round
    assert decision.traces["call"][0] == "1001: skipped, already rung in this round"


def test_when_every_available_agent_was_rung_a_new_round_starts_from_the_top() -> None:
    decision = one_call(tried=frozenset({"1001", "1002", "1003"}))
    assert offers(decision) == [("call", ("1001",))]
    assert decision.offers[0].new_round
    assert "every available agent was rung: a new round starts" in decision.traces["call"]


def test_a_round_counts_only_agents_who_can_take_the_call_now() -> None:
    agents = [TEAM[0], agent("1002", static("6400", 2), device=DeviceStatus.IN_USE), TEAM[2]]
    decision = one_call(agents=agents, tried=frozenset({"1001", "1003"}))
    assert offers(decision) == [("call", ("1001",))]
    assert decision.offers[0].new_round


def test_rrmemory_goes_round_with_tried_and_the_remembered_agent() -> None:
    rr = replace(SUPPORT, strategy=RingStrategy.RRMEMORY)
    s = snapshot(100, [rr], TEAM, [entry("call", "6400", 0, tried=frozenset({"1002", "1003"}))], rr_last={"6400": "1003"})
    assert offers(decide(s)) == [("call", ("1001",))]
    s = snapshot(100, [rr], TEAM, [entry("call", "6400", 0, tried=frozenset({"1002"}))], rr_last={"6400": "1002"})
    assert offers(decide(s)) == [("call", ("1003",))]


def test_ring_all_has_no_rounds() -> None:
    decision = one_call(queue=replace(SUPPORT, strategy=RingStrategy.RING_ALL), tried=frozenset({"1001", "1002", "1003"}))
    assert offers(decision) == [("call", ("1001", "1002", "1003"))]
    assert not decision.offers[0].new_round


# -- retry interval and timers -------------------------------------------------------------------


def test_during_the_retry_interval_nobody_is_rung_and_the_core_wakes_up_when_it_ends() -> None:
    decision = one_call(now_s=100, tried=frozenset({"1001"}), retry_until=at(105))
    assert decision.offers == ()
    assert decision.traces["call"] == ("retry interval until 09:01:45",)
    assert decision.next_wakeup == at(105)


def test_when_the_retry_interval_ends_the_next_agent_is_rung() -> None:
    decision = one_call(now_s=105, tried=frozenset({"1001"}), retry_until=at(105))
    assert offers(decision) == [("call", ("1002",))]


def test_a_caller_in_its_retry_interval_leaves_the_agents_to_others() -> None:
    decision = decide(snapshot(100, [SUPPORT], TEAM[:1], [
        entry("retrying", "6400", 0, retry_until=at(103)), entry("later", "6400", 50),
    ]))
    assert offers(decision) == [("later", ("1001",))]


def test_next_wakeup_is_the_maximum_waiting_time_when_nothing_else_is_due() -> None:
    assert one_call(now_s=100).next_wakeup == at(1800)
    assert decide(snapshot(100, [SUPPORT], TEAM, [])).next_wakeup is None


def test_next_wakeup_is_the_earliest_of_deadlines_retry_intervals_and_wrap_ups() -> None:
    wrapping_up = [agent("1001", static("6400", last_call_ended_at=at(95)))]  # free at 105
    short_wait = replace(SUPPORT, number="6401", max_wait=120)
    decision = decide(snapshot(100, [SUPPORT, short_wait], wrapping_up, [
        entry("wrap", "6400", 0), entry("retry", "6400", 10, retry_until=at(103)), entry("deadline", "6401", 0),
    ]))
    assert decision.next_wakeup == at(103)
    later = decide(snapshot(104, [SUPPORT, short_wait], wrapping_up, [entry("wrap", "6400", 0), entry("deadline", "6401", 0)]))
    assert later.next_wakeup == at(105)
    last = decide(snapshot(106, [SUPPORT, short_wait], [], [entry("deadline", "6401", 0)]))
    assert last.next_wakeup == at(120)


# -- failovers -----------------------------------------------------------------------------------


def test_at_the_maximum_waiting_time_the_caller_goes_to_the_failover_destination() -> None:
    assert one_call(now_s=1799).failovers == ()
    decision = one_call(now_s=1800)
    assert decision.failovers == (Failover("call", "6400", FailoverReason.TIMED_OUT),)
    assert str(FailoverReason.TIMED_OUT) == "timed out"
    assert decision.offers == () and decision.priorities == {}
    assert decision.traces["call"] == ("waited until 09:30:00: the maximum waiting time is reached",)


def test_a_caller_whose_queue_was_deleted_fails_over() -> None:
    decision = decide(snapshot(100, [SUPPORT], TEAM, [entry("call", "6409", 0)]))
    assert decision.failovers == (Failover("call", "6409", FailoverReason.QUEUE_EMPTY),)
    assert decision.traces["call"] == ("queue 6409 no longer exists",)


LEAVE_EMPTY = {
    EmptyCondition.UNAVAILABLE: agent("1001", static("6400"), device=DeviceStatus.OFFLINE),
    EmptyCondition.PAUSED: agent("1001", static("6400", paused=True)),
    EmptyCondition.BUSY: agent("1001", static("6400"), device=DeviceStatus.IN_USE),
}


@pytest.mark.parametrize("condition", list(LEAVE_EMPTY))
def test_leave_empty_pulls_waiting_callers_out_under_each_picked_condition(condition: EmptyCondition) -> None:
    only = LEAVE_EMPTY[condition]
    picked = replace(SUPPORT, leave_when_empty=frozenset({condition}))
    decision = one_call(queue=picked, agents=[only])
    assert decision.failovers == (Failover("call", "6400", FailoverReason.QUEUE_EMPTY),)
    assert decision.traces["call"] == ("no agent can take calls (Leave Empty)",)
    others = replace(SUPPORT, leave_when_empty=frozenset(set(EmptyCondition) - {condition}))
    assert one_call(queue=others, agents=[only]).failovers == ()


def test_leave_empty_with_everybody_logged_out_whatever_the_conditions() -> None:
    gone = [with_membership(agent("1004", dynamic("6400", 0)), "6400", logged_in=False)]
    assert one_call(queue=replace(SUPPORT, leave_when_empty=frozenset()), agents=gone).failovers != ()
    assert one_call(agents=gone).failovers == ()  # Leave Empty off: the caller keeps waiting


def test_leave_empty_does_not_pull_out_a_caller_whose_call_is_ringing_an_agent() -> None:
    busy_empty = replace(SUPPORT, leave_when_empty=frozenset({EmptyCondition.BUSY}))
    ringing = [agent("1001", static("6400"), device=DeviceStatus.RINGING)]
    decision = decide(snapshot(100, [busy_empty], ringing, [
        entry("ringing", "6400", 0, ringing=frozenset({"1001"})), entry("waiting", "6400", 10),
    ]))
    # The one agent is busy ringing for the first caller: the queue is empty for the second.
    assert decision.failovers == (Failover("waiting", "6400", FailoverReason.QUEUE_EMPTY),)


# -- callback requests ---------------------------------------------------------------------------


def test_a_callback_request_keeps_its_place_in_the_queue() -> None:
    accelerated = replace(SUPPORT, acceleration=60)
    decision = decide(snapshot(120, [accelerated], TEAM[:1], [
        entry("caller", "6400", 60), entry("callback", "6400", 0, callback=True),
    ]))
    assert offers(decision) == [("callback", ("1001",))]
    assert decision.priorities == {"callback": 3, "caller": 2}  # its wait counts from when it joined


def test_leave_empty_does_not_pull_out_a_callback_request() -> None:
    paused = [agent("1001", static("6400", paused=True))]
    queue = replace(SUPPORT, leave_when_empty=frozenset({EmptyCondition.PAUSED}))
    decision = decide(snapshot(100, [queue], paused, [entry("callback", "6400", 0, callback=True), entry("caller", "6400", 0)]))
    assert decision.failovers == (Failover("caller", "6400", FailoverReason.QUEUE_EMPTY),)
    assert "callback" in decision.priorities


def test_a_callback_request_is_cancelled_at_its_own_timeout() -> None:
    # Callback Timeout "Custom", shorter than the queue's Maximum Waiting Time.
    before = one_call(now_s=599, agents=[], callback=True, deadline=at(600))
    assert before.failovers == () and before.next_wakeup == at(600)
    after = one_call(now_s=600, agents=[], callback=True, deadline=at(600))
    assert after.failovers == (Failover("call", "6400", FailoverReason.TIMED_OUT),)
