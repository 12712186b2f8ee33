"""Seed, Queue > Basic > Ring Strategy: the order in which a queue's available agents are rung.

Each test places calls one after the other, as the PBX would: every call is answered by the
agent it was offered to, the next call comes a minute later (after the wrap-up), and Rrmemory
is told the last agent tried, as the distributor feeds it back from the previous offer.
"""

import random

from builders import agent, at, dynamic, entry, snapshot, static, with_membership
from hypothesis import given, settings
from hypothesis import strategies as st

from yeastar_ctl.acd.engine import decide
from yeastar_ctl.acd.model import Agent, Membership, QueuePolicy
from yeastar_ctl.acd.strategies import Candidate, QueueOrder, list_key, list_order, order_candidates
from yeastar_ctl.acd.vocabulary import DeviceStatus, RingStrategy

RING_ALL = QueuePolicy("6400", strategy=RingStrategy.RING_ALL)
LEAST_RECENT = QueuePolicy("6400", strategy=RingStrategy.LEAST_RECENT)
FEWEST_CALLS = QueuePolicy("6400", strategy=RingStrategy.FEWEST_CALLS)
RANDOM = QueuePolicy("6400", strategy=RingStrategy.RANDOM)
RRMEMORY = QueuePolicy("6400", strategy=RingStrategy.RRMEMORY)
LINEAR = QueuePolicy("6400", strategy=RingStrategy.LINEAR)


def offered(queue: QueuePolicy, agents: list[Agent], *, rr_last: str | None = None, seed: int = 0) -> tuple[str, ...]:
    """Who one new call in `queue` rings now."""
    decision = decide(snapshot(
        100, [queue], agents, [entry("call", queue.number, 100)],
        rr_last={queue.number: rr_last} if rr_last else {}, random_seed=seed,
    ))
    (offer,) = decision.offers
    return offer.agents


def calls_in_a_row(queue: QueuePolicy, agents: list[Agent], calls: int) -> list[str]:
    """Who takes each of `calls` consecutive calls; each is answered and lasts 30 s."""
    team = {a.extension: a for a in agents}
    rr_last: dict[str, str] = {}
    taken: list[str] = []
    for n in range(calls):
        t = 60 * n
        decision = decide(snapshot(t, [queue], list(team.values()), [entry(f"call-{n}", queue.number, t)], rr_last=rr_last))
        (offer,) = decision.offers
        who = offer.agents[0]
        taken.append(who)
        rr_last = {queue.number: offer.agents[-1]}
        done = team[who].membership(queue.number)
        assert done is not None
        team[who] = with_membership(team[who], queue.number, last_call_ended_at=at(t + 30), calls_completed=done.calls_completed + 1)
    return taken


# -- Ring All ------------------------------------------------------------------------------------


def test_ring_all_rings_every_available_agent_at_once() -> None:
    agents = [
        agent("1001", static("6400", 1)),
        agent("1002", static("6400", 2), device=DeviceStatus.IN_USE),
        agent("1003", dynamic("6400", login_s=-60)),
        agent("1004", static("6400", 3)),
    ]
    decision = decide(snapshot(100, [RING_ALL], agents, [entry("call", "6400", 100)]))
    (offer,) = decision.offers
    assert offer.agents == ("1001", "1004", "1003")  # one offer: static list, then dynamic
    assert not offer.new_round


def test_ring_all_rings_everybody_again_on_every_attempt() -> None:
    agents = [agent("1001", static("6400", 1)), agent("1002", static("6400", 2))]
    decision = decide(snapshot(100, [RING_ALL], agents, [entry("call", "6400", 0, tried=frozenset({"1001", "1002"}))]))
    assert decision.offers[0].agents == ("1001", "1002")
    assert not decision.offers[0].new_round


# -- Least Recent --------------------------------------------------------------------------------


def test_least_recent_rings_the_agent_whose_last_call_ended_longest_ago_never_called_first() -> None:
    agents = [
        agent("1001", static("6400", 1, last_call_ended_at=at(-100))),
        agent("1002", static("6400", 2)),  # never had a call from this queue
        agent("1003", static("6400", 3, last_call_ended_at=at(-200))),
    ]
    assert calls_in_a_row(LEAST_RECENT, agents, 5) == ["1002", "1003", "1001", "1002", "1003"]


def test_least_recent_counts_only_calls_from_this_queue() -> None:
    # 1001's last call from 6400 is older, even though it just finished a call from 6401.
    agents = [
        agent("1001", static("6400", 1, last_call_ended_at=at(-300)), static("6401", last_call_ended_at=at(50))),
        agent("1002", static("6400", 2, last_call_ended_at=at(-100))),
    ]
    assert offered(LEAST_RECENT, agents) == ("1001",)


def test_least_recent_ties_go_in_list_order() -> None:
    agents = [agent("1002", static("6400", 2)), agent("1001", static("6400", 1)), agent("1003", dynamic("6400", -10))]
    assert offered(LEAST_RECENT, agents) == ("1001",)


# -- Fewest Calls --------------------------------------------------------------------------------


def test_fewest_calls_rings_the_agent_with_the_fewest_completed_calls() -> None:
    agents = [
        agent("1001", static("6400", 1, calls_completed=3)),
        agent("1002", static("6400", 2, calls_completed=1)),
        agent("1003", static("6400", 3, calls_completed=2)),
    ]
    # 1002 (1) -> 1002 and 1003 tie at 2, list order -> 1003 (2) -> everybody at 3, list order.
    assert calls_in_a_row(FEWEST_CALLS, agents, 4) == ["1002", "1002", "1003", "1001"]


def test_fewest_calls_skips_an_agent_who_cannot_take_the_call() -> None:
    agents = [
        agent("1001", static("6400", 1, calls_completed=0), device=DeviceStatus.IN_USE),
        agent("1002", static("6400", 2, calls_completed=7)),
    ]
    assert offered(FEWEST_CALLS, agents) == ("1002",)


# -- Random --------------------------------------------------------------------------------------

TEAM = [agent(f"100{n}", static("6400", n)) for n in range(1, 5)]


def test_random_is_the_same_for_the_same_seed() -> None:
    assert {offered(RANDOM, TEAM, seed=7) for _ in range(5)} == {offered(RANDOM, TEAM, seed=7)}
    candidates = list_order([(a.extension, a.memberships[0]) for a in TEAM])
    orders = {
        tuple(c[0] for c in order_candidates(RingStrategy.RANDOM, candidates, all_members=candidates, rr_last=None, rng=random.Random(7)))
        for _ in range(5)
    }
    assert len(orders) == 1


def test_random_over_several_seeds_every_agent_comes_first() -> None:
    firsts = {offered(RANDOM, TEAM, seed=seed)[0] for seed in range(40)}
    assert firsts == {"1001", "1002", "1003", "1004"}


def test_random_rings_one_agent_and_only_an_available_one() -> None:
    team = [*TEAM[:3], agent("1004", static("6400", 4, paused=True))]
    for seed in range(20):
        ring = offered(RANDOM, team, seed=seed)
        assert len(ring) == 1 and ring[0] != "1004"


# -- Rrmemory ------------------------------------------------------------------------------------

# The static list (1001, 1002), then the dynamic agents in login order (1004 before 1003).
MIXED = [
    agent("1002", static("6400", 2)),
    agent("1003", dynamic("6400", login_s=-20)),
    agent("1001", static("6400", 1)),
    agent("1004", dynamic("6400", login_s=-40)),
]


def test_rrmemory_goes_on_after_the_last_agent_tried_static_list_then_dynamic_in_login_order_and_wraps() -> None:
    assert calls_in_a_row(RRMEMORY, MIXED, 6) == ["1001", "1002", "1004", "1003", "1001", "1002"]


def test_rrmemory_without_memory_starts_at_the_top_of_the_static_list() -> None:
    assert offered(RRMEMORY, MIXED) == ("1001",)
    assert offered(RRMEMORY, MIXED, rr_last="9999") == ("1001",)  # no longer a member


def test_rrmemory_skips_an_unavailable_agent_but_keeps_its_place_in_the_circle() -> None:
    team = [with_membership(a, "6400", paused=True) if a.extension == "1002" else a for a in MIXED]
    assert offered(RRMEMORY, team, rr_last="1001") == ("1004",)
    # The memory may be an agent who is unavailable now: the next one after it is rung.
    assert offered(RRMEMORY, team, rr_last="1002") == ("1004",)


def test_rrmemory_with_static_agents_only_follows_the_static_list() -> None:
    team = [agent("1003", static("6400", 3)), agent("1001", static("6400", 1)), agent("1002", static("6400", 2))]
    assert calls_in_a_row(RRMEMORY, team, 4) == ["1001", "1002", "1003", "1001"]


def test_rrmemory_with_dynamic_agents_only_follows_the_login_order() -> None:
    team = [agent("1001", dynamic("6400", -10)), agent("1002", dynamic("6400", -30)), agent("1003", dynamic("6400", -20))]
    assert calls_in_a_row(RRMEMORY, team, 4) == ["1002", "1003", "1001", "1002"]


# -- Linear --------------------------------------------------------------------------------------


def test_linear_with_static_agents_only_rings_in_the_list_order() -> None:
    # Static agents' "login" times (when the control plane started) do not matter here.
    team = [
        agent("1001", static("6400", 2, login_at=at(-100))),
        agent("1002", static("6400", 1, login_at=at(-50))),
    ]
    assert offered(LINEAR, team) == ("1002",)


def test_linear_with_dynamic_agents_only_rings_in_login_order() -> None:
    team = [agent("1001", dynamic("6400", -10)), agent("1002", dynamic("6400", -30))]
    assert offered(LINEAR, team) == ("1002",)


def test_linear_with_static_and_dynamic_agents_rings_in_login_order() -> None:
    team = [
        agent("1001", static("6400", 1, login_at=at(-100))),
        agent("1002", static("6400", 2, login_at=at(-100))),
        agent("1003", dynamic("6400", -500)),  # logged in before the static agents "logged in"
    ]
    assert offered(LINEAR, team) == ("1003",)


def test_linear_keeps_the_mixed_queues_login_order_while_its_dynamic_agent_is_busy() -> None:
    # The case is the queue's make-up, not who is free: 1002 "logged in" before 1001.
    team = [
        agent("1001", static("6400", 1, login_at=at(-100))),
        agent("1002", static("6400", 2, login_at=at(-200))),
        agent("1003", dynamic("6400", -500), device=DeviceStatus.IN_USE),
    ]
    assert offered(LINEAR, team) == ("1002",)
    # A dynamic agent who is logged out is not in the queue: static only, list order.
    logged_out = [*team[:2], with_membership(agent("1003", dynamic("6400", -500)), "6400", logged_in=False)]
    assert offered(LINEAR, logged_out) == ("1001",)


def test_linear_has_no_memory_the_first_free_agent_takes_every_call() -> None:
    team = [agent("1001", static("6400", 1)), agent("1002", static("6400", 2))]
    assert calls_in_a_row(LINEAR, team, 3) == ["1001", "1001", "1001"]
    busy_first = [agent("1001", static("6400", 1), device=DeviceStatus.IN_USE), team[1]]
    assert offered(LINEAR, busy_first) == ("1002",)


def test_list_order_is_the_static_list_then_dynamic_agents_in_login_order() -> None:
    members = [
        ("1004", dynamic("6400", -10)),
        ("1003", dynamic("6400", -90)),
        ("1002", static("6400", 2)),
        ("1001", static("6400", 1)),
    ]
    assert [c[0] for c in list_order(members)] == ["1001", "1002", "1003", "1004"]


# -- the queue's order, worked out once per decision pass ---------------------------------------


@st.composite
def queues_with_candidates(draw: st.DrawFn) -> tuple[list[Candidate], list[Candidate], str | None]:
    """A queue's members (ties in position, login time, last call and call count are common)
    and some of those in the queue (static, or dynamic and logged in) as the candidates."""
    members: list[Candidate] = []
    times = st.sampled_from([None, at(-120), at(-60)])
    for n in range(draw(st.integers(0, 6))):
        static_ = draw(st.booleans())
        members.append((str(1000 + n), Membership(
            "6400", static=static_, position=draw(st.integers(1, 2)), skill=draw(st.integers(1, 2)),
            logged_in=static_ or draw(st.booleans()), login_at=draw(times), last_call_ended_at=draw(times),
            calls_completed=draw(st.integers(0, 2)),
        )))
    draw(st.randoms(use_true_random=False)).shuffle(members)
    in_queue = [c for c in members if c[1].static or c[1].logged_in]
    candidates = [c for c in in_queue if draw(st.booleans())]
    rr_last = draw(st.none() | st.sampled_from([c[0] for c in members] + ["9999"]))
    return members, candidates, rr_last


@given(queues_with_candidates())
def test_list_key_sorts_as_list_order(queue: tuple[list[Candidate], list[Candidate], str | None]) -> None:
    members, _, _ = queue
    assert sorted(members, key=list_key) == list_order(members)


@settings(max_examples=1000)
@given(queues_with_candidates(), st.sampled_from(list(RingStrategy)), st.none() | st.integers(1, 2), st.integers(0, 9))
def test_the_queues_order_gives_each_calls_candidates_the_order_of_their_strategy(
    queue: tuple[list[Candidate], list[Candidate], str | None], strategy: RingStrategy, tier: int | None, seed: int,
) -> None:
    """What the decision pass relies on to order each call's candidates without looking at the
    whole queue again. With skills (`tier`), the candidates are one tier and Rrmemory goes
    round that tier; every other strategy looks at the whole queue or the candidates alone."""
    members, candidates, rr_last = queue
    if tier is not None:
        candidates = [c for c in candidates if c[1].skill == tier]
    circle = [c for c in members if c[1].skill == tier] if tier is not None and strategy == RingStrategy.RRMEMORY else members
    expected = order_candidates(strategy, candidates, all_members=circle, rr_last=rr_last, rng=random.Random(seed))
    order = QueueOrder(strategy, members, rr_last)  # members in any order
    assert order.order(list_order(candidates), tier, random.Random(seed)) == expected


def test_with_skills_rrmemory_goes_round_the_tier_not_past_an_agent_of_another_tier() -> None:
    members = list_order([
        ("1001", static("6400", 1, skill=1)), ("1002", static("6400", 2, skill=2)), ("1003", static("6400", 3, skill=1)),
    ])
    tier_1 = [members[0], members[2]]
    order = QueueOrder(RingStrategy.RRMEMORY, members, "1002")
    assert [c[0] for c in order.order(tier_1, 1, random.Random(0))] == ["1001", "1003"]
    assert [c[0] for c in order.order(tier_1, None, random.Random(0))] == ["1003", "1001"]
    after_1001 = QueueOrder(RingStrategy.RRMEMORY, members, "1001")
    assert [c[0] for c in after_1001.order(tier_1, 1, random.Random(0))] == ["1003", "1001"]
