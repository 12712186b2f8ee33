"""Wallboard and Queue Panel numbers from hand-made live state and period totals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from yeastar_ctl.acd.model import Agent, Membership, QueuePolicy, Snapshot, WaitingEntry
from yeastar_ctl.acd.vocabulary import DeviceStatus
from yeastar_ctl.reports.values import AgentTotals, CallTotals
from yeastar_ctl.services.wallboard_metrics import (
    ALL,
    AgentStatus,
    BoardInputs,
    CallbackCounts,
    OpenCall,
    active_calls,
    agent_rows,
    queue_boards,
    waiting_calls,
)

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def ago(seconds: int) -> datetime:
    return NOW - timedelta(seconds=seconds)


def member(queue: str, **kw: object) -> Membership:
    return Membership(queue=queue, static=bool(kw.pop("static", False)), logged_in=bool(kw.pop("logged_in", True)),
                      **kw)  # type: ignore[arg-type]


SNAPSHOT = Snapshot(
    now=NOW,
    queues={"6400": QueuePolicy("6400", wrapup=30), "6401": QueuePolicy("6401")},
    agents={
        "1001": Agent("1001", DeviceStatus.IDLE, (member("6400", static=True), member("6401"))),
        "1002": Agent("1002", DeviceStatus.IN_USE, (member("6400"),)),
        "1003": Agent("1003", DeviceStatus.IDLE, (member("6400", paused=True, pause_reason="Lunch"),)),
        "1004": Agent("1004", DeviceStatus.IDLE, (member("6400", logged_in=False),)),
        "1005": Agent("1005", DeviceStatus.IDLE, (member("6400", last_call_ended_at=ago(10)),)),
        "1006": Agent("1006", DeviceStatus.OFFLINE, (member("6400"),)),
        "1007": Agent("1007", DeviceStatus.IDLE, (member("6400"),), do_not_disturb=True),
        "1008": Agent("1008", DeviceStatus.IDLE, (member("6400"),)),
    },
    entries=(
        WaitingEntry("c2", "6400", ago(40), ringing=frozenset({"1008"})),
        WaitingEntry("c1", "6400", ago(95)),
        WaitingEntry("c3", "6401", ago(5), callback=True),
    ),
)
# Finished calls of the period: 6400 had 4 (2 answered waiting 10 s and 20 s and talking 60 s
# and 120 s, 1 missed after 50 s, 1 abandoned after 30 s), one of them answered within SLA.
PERIOD = {
    "6400": CallTotals(calls=4, answered=2, missed=1, abandoned=1, ring_total=110, ring_answered=30,
                       talk_answered=180, max_wait=50, within_sla=1),
    "6401": CallTotals(calls=1, answered=1, ring_total=4, ring_answered=4, talk_answered=30, max_wait=4,
                       within_sla=1),
}
OPEN = (
    OpenCall("c1", "6400", "5550101", "Ann", ago(95)),
    OpenCall("c2", "6400", "5550102", None, ago(40)),
    OpenCall("t1", "6400", "5550103", None, ago(300), answered_at=ago(70), agent="1002"),
)


def inputs(live: Snapshot | None = SNAPSHOT, queues: tuple[str, ...] = ("6400", "6401")) -> BoardInputs:
    return BoardInputs(
        now=NOW, queues=queues, queue_names={"6400": "Sales", "6401": "Support"},
        members={"6400": ("1001", "1002", "1003", "1004", "1005", "1006", "1007", "1008"), "6401": ("1001",)},
        agent_names={"1001": "Ann Agent"}, period=PERIOD,
        callbacks={"6400": CallbackCounts(failed=1, succeeded=2, requested=4)},
        agent_period={("6400", "1002"): AgentTotals(answered=2, missed=1, talk=180)},
        open_calls=OPEN, live=live,
    )


def test_each_agent_gets_one_status_per_queue() -> None:
    rows = {(r.queue, r.extension): r for r in agent_rows(inputs())}
    assert {k: (r.status, r.detail) for k, r in rows.items() if k[0] == "6400"} == {
        ("6400", "1001"): (AgentStatus.AVAILABLE, ""),
        ("6400", "1002"): (AgentStatus.ON_CALL, ""),
        ("6400", "1003"): (AgentStatus.PAUSED, "Lunch"),
        ("6400", "1004"): (AgentStatus.LOGGED_OUT, ""),
        ("6400", "1005"): (AgentStatus.WRAP_UP, "until 10:00:20"),
        ("6400", "1006"): (AgentStatus.UNAVAILABLE, "phone offline"),
        ("6400", "1007"): (AgentStatus.UNAVAILABLE, "Do Not Disturb"),
        ("6400", "1008"): (AgentStatus.RINGING, ""),
    }
    busy = rows[("6400", "1002")]
    assert (busy.active_calls, busy.max_talking, busy.answered, busy.missed, busy.talk_total) == (1, 70, 2, 1, 180)
    assert rows[("6401", "1001")].name == "Ann Agent" and rows[("6401", "1001")].status == AgentStatus.AVAILABLE


def test_queue_boards_count_live_state_and_use_the_report_formulas() -> None:
    sales, support, together = queue_boards(inputs())
    assert (sales.waiting_calls, sales.longest_wait, sales.active_calls) == (2, 95, 1)
    assert (sales.agents, sales.logged_in, sales.available, sales.busy, sales.paused, sales.unavailable,
            sales.logged_out) == (8, 7, 1, 3, 1, 2, 1)
    assert (sales.avg_wait, sales.avg_talk, sales.max_wait) == ("00:00:15", "00:01:30", "00:00:50")
    assert (sales.answered_rate, sales.missed_rate, sales.abandon_rate, sales.sla) == ("50%", "25%", "25%", "25%")
    assert (sales.callbacks.requested, sales.callbacks.failed, sales.callbacks.pending) == (4, 1, 1)
    assert sales.label == "Sales [6400]" and support.waiting_calls == 1
    # All: 1001 is in both queues and counted once; totals add up across queues.
    assert together.queue == ALL and together.agents == 8 and together.available == 1
    assert (together.waiting_calls, together.longest_wait, together.period.calls, together.sla) == (3, 95, 5, "40%")


def test_one_queue_has_no_all_board() -> None:
    assert [b.queue for b in queue_boards(inputs(queues=("6401",)))] == ["6401"]


def test_waiting_calls_in_line_order_with_caller_and_position() -> None:
    waiting = waiting_calls(inputs())
    assert [(w.id, w.caller, w.wait, w.position, w.callback, w.ringing) for w in waiting] == [
        ("c1", "Ann <5550101>", 95, 1, False, ()),
        ("c2", "5550102", 40, 2, False, ("1008",)),
        ("c3", "c3", 5, 1, True, ()),  # no row (yet): the call id stands in for the caller
    ]
    assert [c.id for c in active_calls(inputs())] == ["t1"]


def test_without_live_state_waiting_calls_come_from_open_rows_and_agents_are_unknown() -> None:
    board = queue_boards(inputs(live=None, queues=("6400",)))[0]
    assert (board.waiting_calls, board.longest_wait, board.active_calls) == (2, 95, 1)
    assert (board.logged_in, board.available, board.agents) == (0, 0, 8)
    assert {r.status for r in agent_rows(inputs(live=None))} == {AgentStatus.UNKNOWN}
