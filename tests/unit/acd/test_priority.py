"""Seed, "Set a Priority for a Call Queue": Queue Weight = Weight + Waiting Time / Acceleration,
rounded; an agent in several queues gets the highest-priority waiting call first."""

from builders import agent, at, entry, snapshot, static

from yeastar_ctl.acd.engine import decide
from yeastar_ctl.acd.model import QueuePolicy
from yeastar_ctl.acd.priority import priority

VIP = QueuePolicy("6401", strategy="linear", weight=2)  # type: ignore[arg-type]
SUPPORT = QueuePolicy("6400", strategy="linear", weight=1, acceleration=60)  # type: ignore[arg-type]
LEO = agent("1000", static("6401"), static("6400"))


def test_the_seeds_worked_example() -> None:
    # Call-1 enters Support-VIP and Call-2 enters Support simultaneously: VIP's 2 beats Support's 1.
    first = decide(snapshot(0, [VIP, SUPPORT], [LEO], [entry("call-1", "6401", 0), entry("call-2", "6400", 0)]))
    assert [(o.entry_id, o.agents) for o in first.offers] == [("call-1", ("1000",))]
    assert first.priorities == {"call-1": 2, "call-2": 1}

    # Call-3 joins VIP when Call-2 has waited 120 s: Support weighs 1 + 120/60 = 3 > 2.
    second = decide(snapshot(120, [VIP, SUPPORT], [LEO], [entry("call-2", "6400", 0), entry("call-3", "6401", 120)]))
    assert [(o.entry_id, o.agents) for o in second.offers] == [("call-2", ("1000",))]
    assert second.priorities == {"call-2": 3, "call-3": 2}
    assert any("1000: skipped, offered a higher-priority call" in line for line in second.traces["call-3"])


def test_weight_is_rounded_half_up_and_without_acceleration_never_grows() -> None:
    call = entry("c", "6400", 0)
    assert priority(call, SUPPORT, at(29)) == 1  # 1.48
    assert priority(call, SUPPORT, at(30)) == 2  # 1.5 rounds up
    assert priority(call, SUPPORT, at(90)) == 3  # 2.5 rounds up
    assert priority(call, VIP, at(100000)) == 2


def test_equal_priority_goes_to_the_longest_waiting_call() -> None:
    q1, q2 = QueuePolicy("6400", strategy="linear"), QueuePolicy("6401", strategy="linear")  # type: ignore[arg-type]
    leo = agent("1000", static("6400"), static("6401"))
    decision = decide(snapshot(50, [q1, q2], [leo], [entry("late", "6400", 20), entry("early", "6401", 10)]))
    assert [o.entry_id for o in decision.offers] == ["early"]
