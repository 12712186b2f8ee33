"""Seed, "Set up Skill-based Routing for a Queue" (decided in engine.py): levels 1-99, 1 the
highest; a call goes to the highest level first and down from there; within a level the "Ring
Strategy of Equal Skill Level"; with unique levels strictly in level order, whatever the strategy.
"""

from builders import agent, dynamic, entry, snapshot, static

from yeastar_ctl.acd.engine import decide
from yeastar_ctl.acd.model import Agent, Decision, QueuePolicy
from yeastar_ctl.acd.vocabulary import DeviceStatus, RingStrategy


def skills(equal: RingStrategy, **kw: object) -> QueuePolicy:
    # The plain Ring Strategy is left at Ring All: with skills the equal-level strategy rules.
    return QueuePolicy("6401", strategy=RingStrategy.RING_ALL, skill_based=True, equal_skill_strategy=equal, **kw)  # type: ignore[arg-type]


def call(queue: QueuePolicy, agents: list[Agent], *, tried: frozenset[str] = frozenset(), seed: int = 0, rr_last: str | None = None) -> Decision:
    return decide(snapshot(
        100, [queue], agents, [entry("call", queue.number, 90, tried=tried)],
        random_seed=seed, rr_last={queue.number: rr_last} if rr_last else {},
    ))


def rung(decision: Decision) -> tuple[str, ...]:
    (offer,) = decision.offers
    return offer.agents


# Two experts at level 1, one at level 2, one at level 5; list order mixes the levels up.
TEAM = [
    agent("1001", static("6401", 1, skill=2)),
    agent("1002", static("6401", 2, skill=1)),
    agent("1003", static("6401", 3, skill=5)),
    agent("1004", static("6401", 4, skill=1)),
]


def test_level_1_is_rung_before_level_2_whatever_the_list_order() -> None:
    assert rung(call(skills(RingStrategy.LINEAR), TEAM)) == ("1002",)


def test_ring_all_of_equal_skill_rings_the_whole_top_level_at_once_and_nobody_below() -> None:
    decision = call(skills(RingStrategy.RING_ALL), TEAM)
    assert rung(decision) == ("1002", "1004")
    assert "1001: waits, skill level 2 is below level 1" in decision.traces["call"]
    assert "1003: waits, skill level 5 is below level 1" in decision.traces["call"]


def test_within_a_level_the_equal_skill_strategy_decides() -> None:
    team = [
        agent("1001", static("6401", 1, skill=1, calls_completed=9)),
        agent("1002", static("6401", 2, skill=1, calls_completed=4)),
        agent("1003", static("6401", 3, skill=2, calls_completed=0)),  # fewest, but level 2
    ]
    assert rung(call(skills(RingStrategy.FEWEST_CALLS), team)) == ("1002",)


def test_rrmemory_of_equal_skill_goes_round_the_level_only() -> None:
    queue = skills(RingStrategy.RRMEMORY)
    assert rung(call(queue, TEAM, rr_last="1002")) == ("1004",)
    assert rung(call(queue, TEAM, rr_last="1004")) == ("1002",)  # wraps within level 1, not to 1001


def test_random_of_equal_skill_picks_among_the_top_level_only() -> None:
    firsts = {rung(call(skills(RingStrategy.RANDOM), TEAM, seed=seed))[0] for seed in range(30)}
    assert firsts == {"1002", "1004"}


UNIQUE = [
    agent("1001", static("6401", 1, skill=30)),
    agent("1002", dynamic("6401", -100, skill=2)),
    agent("1003", static("6401", 2, skill=7)),
]


def test_unique_levels_ring_strictly_in_level_order_even_with_random() -> None:
    queue = skills(RingStrategy.RANDOM)
    for seed in range(20):
        assert rung(call(queue, UNIQUE, seed=seed)) == ("1002",)
        assert rung(call(queue, UNIQUE, seed=seed, tried=frozenset({"1002"}))) == ("1003",)
        assert rung(call(queue, UNIQUE, seed=seed, tried=frozenset({"1002", "1003"}))) == ("1001",)


def test_unique_levels_ring_one_agent_at_a_time_even_with_ring_all() -> None:
    assert rung(call(skills(RingStrategy.RING_ALL), UNIQUE)) == ("1002",)


def test_when_the_top_level_is_unavailable_the_call_goes_down_a_level() -> None:
    team = [
        agent("1002", static("6401", 2, skill=1), device=DeviceStatus.IN_USE),
        agent("1004", static("6401", 4, skill=1, paused=True)),
        *[a for a in TEAM if a.extension in {"1001", "1003"}],
    ]
    decision = call(skills(RingStrategy.LINEAR), team)
    assert rung(decision) == ("1001",)
    assert "1003: waits, skill level 5 is below level 2" in decision.traces["call"]


def test_after_the_top_level_was_tried_the_call_goes_to_the_next_level_then_a_new_round_starts() -> None:
    queue = skills(RingStrategy.LINEAR)

    second = call(queue, TEAM, tried=frozenset({"1002", "1004"}))
    assert rung(second) == ("1001",) and not second.offers[0].new_round
    assert "1002: skipped, already rung in this round" in second.traces["call"]

    third = call(queue, TEAM, tried=frozenset({"1002", "1004", "1001"}))
    assert rung(third) == ("1003",) and not third.offers[0].new_round

    again = call(queue, TEAM, tried=frozenset({"1001", "1002", "1003", "1004"}))
    assert rung(again) == ("1002",)  # back to level 1
    assert again.offers[0].new_round
    assert "every available agent was rung: a new round starts" in again.traces["call"]


def test_ring_all_of_equal_skill_goes_down_a_whole_level_at_a_time() -> None:
    team = [*TEAM, agent("1005", static("6401", 5, skill=2))]
    decision = call(skills(RingStrategy.RING_ALL), team, tried=frozenset({"1002", "1004"}))
    assert rung(decision) == ("1001", "1005")


def test_only_one_untried_expert_left_is_rung_before_the_next_level() -> None:
    decision = call(skills(RingStrategy.LINEAR), TEAM, tried=frozenset({"1002"}))
    assert rung(decision) == ("1004",)


def test_the_trace_names_the_strategy_and_the_level() -> None:
    decision = call(skills(RingStrategy.LINEAR), TEAM)
    assert "1002: ring (Linear, skill level 1, call priority 1)" in decision.traces["call"]
    assert "1004: available, next in Linear order" in decision.traces["call"]


def test_a_skill_level_applies_only_in_its_own_queue() -> None:
    other = QueuePolicy("6402", skill_based=True, equal_skill_strategy=RingStrategy.LINEAR)
    team = [
        agent("1001", static("6401", 1, skill=1), static("6402", 1, skill=9)),
        agent("1002", static("6401", 2, skill=9), static("6402", 2, skill=1)),
    ]
    assert rung(call(skills(RingStrategy.LINEAR), team)) == ("1001",)
    assert rung(call(other, team)) == ("1002",)
