"""Seed, Agent Options > Agent Auto Pause: pause an agent whose consecutive missed calls in the
queue reach the queue's threshold; not with Ring All; the count is cleared when the agent makes
or answers a queue call, is paused or logs out (and when the PBX restarts: it lives in memory).
"""

import pytest

from yeastar_ctl.acd.auto_pause import MissCounts
from yeastar_ctl.acd.model import QueuePolicy
from yeastar_ctl.acd.vocabulary import RingStrategy

SUPPORT = QueuePolicy("6400", strategy=RingStrategy.LINEAR, auto_pause_threshold=3)
SALES = QueuePolicy("6401", strategy=RingStrategy.RRMEMORY, auto_pause_threshold=2)


def misses(counts: MissCounts, agent: str, queue: QueuePolicy, *results: str) -> tuple[MissCounts, list[bool]]:
    paused = []
    for result in results:
        counts, pause = counts.after_ring(agent, queue, result)
        paused.append(pause)
    return counts, paused


def test_the_agent_is_paused_at_the_thresholds_consecutive_miss() -> None:
    counts, paused = misses(MissCounts(), "1001", SUPPORT, "no_answer", "no_answer", "no_answer")
    assert paused == [False, False, True]
    assert counts.of("1001", "6400") == 0  # the pause clears the count


def test_a_declined_call_is_a_miss() -> None:
    _, paused = misses(MissCounts(), "1001", SALES, "busy", "no_answer")
    assert paused == [False, True]


@pytest.mark.parametrize("result", ["answered", "failed", "cancelled"])
def test_other_ring_results_are_not_the_agents_miss(result: str) -> None:
    counts, _ = misses(MissCounts(), "1001", SUPPORT, "no_answer")
    after, paused = misses(counts, "1001", SUPPORT, result, result, result)
    assert paused == [False, False, False]
    assert after.of("1001", "6400") == 1  # neither counted nor reset


def test_the_count_is_per_agent_and_per_queue_with_each_queues_threshold() -> None:
    counts, _ = misses(MissCounts(), "1001", SUPPORT, "no_answer", "no_answer")
    counts, _ = misses(counts, "1002", SUPPORT, "no_answer")
    counts, on_sales = misses(counts, "1001", SALES, "no_answer")
    assert (counts.of("1001", "6400"), counts.of("1002", "6400"), counts.of("1001", "6401")) == (2, 1, 1)
    assert on_sales == [False]
    _, pause_on_sales = misses(counts, "1001", SALES, "no_answer")
    assert pause_on_sales == [True]  # SALES pauses at 2


def test_ring_all_never_counts() -> None:
    ring_all = QueuePolicy("6400", strategy=RingStrategy.RING_ALL, auto_pause_threshold=1)
    counts, paused = misses(MissCounts(), "1001", ring_all, "no_answer", "no_answer")
    assert paused == [False, False] and counts.of("1001", "6400") == 0


def test_with_skill_based_routing_the_equal_skill_strategy_is_the_ring_strategy() -> None:
    linear_tiers = QueuePolicy(
        "6400", strategy=RingStrategy.RING_ALL, skill_based=True, equal_skill_strategy=RingStrategy.LINEAR, auto_pause_threshold=1,
    )
    assert misses(MissCounts(), "1001", linear_tiers, "no_answer")[1] == [True]
    ring_all_tiers = QueuePolicy(
        "6400", strategy=RingStrategy.LINEAR, skill_based=True, equal_skill_strategy=RingStrategy.RING_ALL, auto_pause_threshold=1,
    )
    assert misses(MissCounts(), "1001", ring_all_tiers, "no_answer")[1] == [False]


def test_no_threshold_means_auto_pause_is_off() -> None:
    off = QueuePolicy("6400", strategy=RingStrategy.LINEAR)
    counts, paused = misses(MissCounts(), "1001", off, *["no_answer"] * 10)
    assert not any(paused) and counts.of("1001", "6400") == 0


def test_cleared_resets_every_queue_of_that_agent_only() -> None:
    counts, _ = misses(MissCounts(), "1001", SUPPORT, "no_answer", "no_answer")
    counts, _ = misses(counts, "1001", SALES, "no_answer")
    counts, _ = misses(counts, "1002", SUPPORT, "no_answer")
    cleared = counts.cleared("1001")
    assert (cleared.of("1001", "6400"), cleared.of("1001", "6401"), cleared.of("1002", "6400")) == (0, 0, 1)


def test_misses_must_be_consecutive_an_answered_call_in_between_starts_over() -> None:
    counts, _ = misses(MissCounts(), "1001", SUPPORT, "no_answer", "no_answer")
    counts = counts.cleared("1001")  # the agent answered a queue call
    counts, paused = misses(counts, "1001", SUPPORT, "no_answer", "no_answer")
    assert paused == [False, False] and counts.of("1001", "6400") == 2


def test_the_counts_are_values_a_miss_never_changes_the_old_counts() -> None:
    before = MissCounts()
    after, _ = before.after_ring("1001", SUPPORT, "no_answer")
    assert before.of("1001", "6400") == 0 and after.of("1001", "6400") == 1
