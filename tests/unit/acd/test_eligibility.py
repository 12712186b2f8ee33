"""Who may be rung for a queue call right now, and why not, in the words the queue panel shows.

Seed: static agents always stay in the queue; dynamic agents get calls only when logged in and
unpaused; nobody during wrap-up ("the next call will come after this period"), and an agent on
a call only with Ring In Use. Shared wrap-up: "the wrap-up time configured in that queue will be
applied across all queues associated with this agent".
"""

from dataclasses import replace
from datetime import datetime

import pytest
from builders import agent, at, dynamic, entry, snapshot, static, with_membership

from yeastar_ctl.acd.eligibility import unavailable_reason, wrapup_ends
from yeastar_ctl.acd.engine import decide
from yeastar_ctl.acd.model import Agent, QueuePolicy
from yeastar_ctl.acd.vocabulary import DeviceStatus, RingStrategy

SUPPORT = QueuePolicy("6400", strategy=RingStrategy.LINEAR, wrapup=10)
SALES = QueuePolicy("6401", strategy=RingStrategy.LINEAR, wrapup=60)
QUEUES = {q.number: q for q in (SUPPORT, SALES)}


def reason(a: Agent, queue: QueuePolicy = SUPPORT, *, now_s: float = 100, shared: bool = False, ringing_elsewhere: bool = False) -> str | None:
    membership = a.membership(queue.number)
    assert membership is not None
    return unavailable_reason(
        a, membership, queue, now=at(now_s), queues=QUEUES, shared_wrapup=shared, ringing_elsewhere=ringing_elsewhere,
    )


def test_a_static_agent_takes_calls_without_logging_in() -> None:
    assert reason(agent("1001", static("6400"))) is None


def test_a_dynamic_agent_takes_calls_only_when_logged_in() -> None:
    logged_in = agent("1002", dynamic("6400", login_s=0))
    assert reason(logged_in) is None
    assert reason(with_membership(logged_in, "6400", logged_in=False)) == "not logged in"


def test_a_paused_agent_is_skipped_with_the_pause_reason() -> None:
    assert reason(agent("1001", static("6400", paused=True))) == "paused"
    assert reason(agent("1001", static("6400", paused=True, pause_reason="Lunch"))) == "paused (Lunch)"


def test_a_pause_in_another_queue_does_not_count_here() -> None:
    assert reason(agent("1001", static("6400"), static("6401", paused=True))) is None


def test_an_unregistered_phone_is_skipped() -> None:
    assert reason(agent("1001", static("6400"), device=DeviceStatus.OFFLINE)) == "phone offline"


def test_an_agent_ringing_for_another_call_is_skipped_even_with_ring_in_use() -> None:
    ring_in_use = QueuePolicy("6400", ring_in_use=True)
    assert reason(agent("1001", static("6400")), ring_in_use, ringing_elsewhere=True) == "ringing for another call"


@pytest.mark.parametrize("device", [DeviceStatus.IN_USE, DeviceStatus.RINGING])
def test_an_agent_on_a_call_is_rung_only_with_ring_in_use(device: DeviceStatus) -> None:
    busy = agent("1001", static("6400"), device=device)
    assert reason(busy) == "on a call (Ring In Use is off)"
    assert reason(busy, QueuePolicy("6400", ring_in_use=True)) is None


# -- wrap-up -------------------------------------------------------------------------------------


def test_wrap_up_blocks_the_queue_whose_call_ended_until_it_is_over() -> None:
    leo = agent("1001", static("6400", last_call_ended_at=at(95)))  # SUPPORT's wrap-up is 10 s
    assert reason(leo, now_s=100) == "in wrap-up until 09:01:45"
    assert reason(leo, now_s=104.9) is not None
    assert reason(leo, now_s=105) is None


def test_per_queue_wrap_up_leaves_the_agents_other_queues_free() -> None:
    leo = agent("1001", static("6400"), static("6401", last_call_ended_at=at(90)))  # a SALES call, 60 s
    assert reason(leo, SALES, now_s=100) == "in wrap-up until 09:02:30"
    assert reason(leo, SUPPORT, now_s=100) is None


def test_shared_wrap_up_applies_the_wrap_up_of_the_queue_whose_call_ended_to_every_queue() -> None:
    leo = agent("1001", static("6400"), static("6401", last_call_ended_at=at(90)))
    assert reason(leo, SUPPORT, now_s=100, shared=True) == "in wrap-up until 09:02:30"  # SALES' 60 s
    assert reason(leo, SUPPORT, now_s=150, shared=True) is None


def test_shared_wrap_up_is_that_of_the_call_that_ended_last() -> None:
    # A SALES call (60 s wrap-up) ended at 80, then a SUPPORT call (10 s) at 100: 10 s apply.
    leo = agent("1001", static("6400", last_call_ended_at=at(100)), static("6401", last_call_ended_at=at(80)))
    assert wrapup_ends(leo, SALES, QUEUES, shared=True) == at(110)
    assert wrapup_ends(leo, SUPPORT, QUEUES, shared=True) == at(110)
    assert wrapup_ends(leo, SALES, QUEUES, shared=False) == at(140)
    assert wrapup_ends(leo, SUPPORT, QUEUES, shared=False) == at(110)


def test_no_call_yet_means_no_wrap_up() -> None:
    leo = agent("1001", static("6400"), static("6401"))
    assert wrapup_ends(leo, SUPPORT, QUEUES, shared=False) is None
    assert wrapup_ends(leo, SUPPORT, QUEUES, shared=True) is None


# -- in the routing trace ------------------------------------------------------------------------


def _trace(agents: list[Agent], *, now_s: float = 100, **kw: object) -> tuple[tuple[str, ...], datetime | None, list[tuple[str, ...]]]:
    decision = decide(snapshot(now_s, [SUPPORT, SALES], agents, [entry("call", "6400", 90)], **kw))
    return decision.traces["call"], decision.next_wakeup, [o.agents for o in decision.offers]


def test_the_trace_says_in_words_why_each_agent_was_skipped() -> None:
    agents = [
        agent("1001", static("6400", 1, paused=True, pause_reason="Lunch")),
        agent("1002", static("6400", 2), device=DeviceStatus.OFFLINE),
        agent("1003", static("6400", 3), device=DeviceStatus.IN_USE),
        agent("1004", static("6400", 4, last_call_ended_at=at(95))),
        with_membership(agent("1005", dynamic("6400", 0)), "6400", logged_in=False),
        agent("1006", static("6400", 6)),
    ]
    trace, _, offers = _trace(agents)
    assert offers == [("1006",)]
    assert trace[:5] == (
        "1001: skipped, paused (Lunch)",
        "1002: skipped, phone offline",
        "1003: skipped, on a call (Ring In Use is off)",
        "1004: skipped, in wrap-up until 09:01:45",
        "1005: skipped, not logged in",
    )


def test_an_agent_ringing_for_another_waiting_call_is_skipped() -> None:
    agents = [agent("1001", static("6400", 1)), agent("1002", static("6400", 2))]
    decision = decide(snapshot(100, [SUPPORT], agents, [
        entry("first", "6400", 0, ringing=frozenset({"1001"})), entry("second", "6400", 50),
    ]))
    assert [(o.entry_id, o.agents) for o in decision.offers] == [("second", ("1002",))]
    assert "1001: skipped, ringing for another call" in decision.traces["second"]


def test_the_end_of_a_wrap_up_is_when_the_core_must_look_again() -> None:
    trace, wakeup, offers = _trace([agent("1001", static("6400", last_call_ended_at=at(95)))])
    assert offers == []
    assert trace[-1] == "no agent available: waiting"
    assert wakeup == at(105)


def test_the_wrap_up_ends_exactly_at_the_end_of_the_call_plus_the_wrap_up_time() -> None:
    leo = agent("1001", static("6400", last_call_ended_at=at(95)))  # SUPPORT: 10 s of wrap-up
    _, wakeup, offers = _trace([leo], now_s=104.999999)
    assert offers == [] and wakeup == at(105)
    _, _, offers = _trace([leo], now_s=105)
    assert offers == [("1001",)]
    shared = agent("1001", static("6400", last_call_ended_at=at(95)))
    _, wakeup, offers = _trace([shared], now_s=104.999999, shared_wrapup=True)
    assert offers == [] and wakeup == at(105)
    _, _, offers = _trace([shared], now_s=105, shared_wrapup=True)
    assert offers == [("1001",)]


def test_shared_wrap_up_holds_the_other_queues_call_until_it_ends() -> None:
    # The seed's example: call-1 ended in Queue-1 (SALES), call-2 waits in Queue-2 (SUPPORT).
    leo = agent("1001", static("6400"), static("6401", last_call_ended_at=at(90)))
    trace, wakeup, offers = _trace([leo], shared_wrapup=True)
    assert offers == [] and wakeup == at(150)
    assert "1001: skipped, in wrap-up until 09:02:30" in trace
    _, _, later = _trace([leo], now_s=150, shared_wrapup=True)
    assert later == [("1001",)]
    _, _, unshared = _trace([leo])
    assert unshared == [("1001",)]


def test_an_agent_on_do_not_disturb_gets_no_queue_calls() -> None:
    leo = replace(agent("1000", static("6400")), do_not_disturb=True)
    assert reason(leo) == "presence is Do Not Disturb"
