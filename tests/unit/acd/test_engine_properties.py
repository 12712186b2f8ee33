"""Properties of one decision pass, checked on generated snapshots (hypothesis).

The example tests (test_priority.py, ...) pin the seed's worked examples; these state the rules
that must hold for *every* snapshot: who may be rung, that nobody is rung twice, that calls are
served in priority order, that the pass is a pure function of its snapshot, and that
acceleration ends the starvation of a low-weight queue.

Each rule is restated here from the seed, independently of the engine's code paths (only
`wrapup_ends` and `priority` are shared: they are the definitions of wrap-up and of the queue
weight, tested on their own).
"""

from __future__ import annotations

import copy
import math
import os
import random
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Sequence, TypeVar

from builders import T0
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from yeastar_ctl.acd.engine import decide
from yeastar_ctl.acd.eligibility import wrapup_ends
from yeastar_ctl.acd.model import Agent, Decision, Membership, QueuePolicy, Snapshot, WaitingEntry
from yeastar_ctl.acd.priority import priority
from yeastar_ctl.acd.vocabulary import DeviceStatus, EmptyCondition, FailoverReason, RingStrategy

# 200 examples per property keeps the file under ~10 s; ACD_PROPERTY_EXAMPLES=5000 for a long hunt.
EXAMPLES = int(os.environ.get("ACD_PROPERTY_EXAMPLES", "200"))
PROPERTY = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

QUEUE_NUMBERS = [str(6400 + i) for i in range(6)]
EXTENSIONS = [str(1000 + i) for i in range(12)]
NOW = T0 + timedelta(hours=3)
_T = TypeVar("_T")


def _ago(seconds: int) -> datetime:
    return NOW - timedelta(seconds=seconds)


# ---------------------------------------------------------------------------------------------
# Generated snapshots
#
# A snapshot is decoded from one drawn byte string: a hypothesis draw costs ~0.1 ms, and a
# snapshot has hundreds of fields, so field-by-field draws would make 200 examples take seconds
# per test. Every byte decodes so that 0 is the simplest value (the fewest queues, agents and
# callers, False, None, the lowest number), so hypothesis still shrinks a failure towards a small
# snapshot; a failing example's notes show the decoded snapshot in short (`describe`).

# The byte layout: a header with the counts, then fixed slots (bytes past a slot's use are
# ignored; a slot read past its end gives zeros).
HEADER, QUEUE_SLOT, MEMBERSHIP_SLOT, ENTRY_SLOT, FOOTER = 4, 24, 16, 48, 24
AGENT_SLOT = 8 + 6 * MEMBERSHIP_SLOT
QUEUES_AT = HEADER
AGENTS_AT = QUEUES_AT + 6 * QUEUE_SLOT
ENTRIES_AT = AGENTS_AT + 12 * AGENT_SLOT
FOOTER_AT = ENTRIES_AT + 20 * ENTRY_SLOT
BLOB = FOOTER_AT + FOOTER  # 2,380 bytes


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.i = data, 0

    def byte(self) -> int:
        b = self.data[self.i] if self.i < len(self.data) else 0
        self.i += 1
        return b

    def number(self, lo: int, hi: int) -> int:
        span, value = hi - lo + 1, 0
        for _ in range(1 if span <= 256 else 2 if span <= 65536 else 4):
            value = value * 256 + self.byte()
        return lo + value % span

    def chance(self, p: float) -> bool:
        """True with probability p; a 0 byte is False."""
        return self.byte() >= round(256 * (1 - p))

    def pick(self, options: Sequence[_T]) -> _T:
        return options[self.number(0, len(options) - 1)]

    def small_or_any(self, lo: int, hi: int, small: int) -> int:
        """Half the time in lo..small, so that ties (equal weights, skills, counts) are common."""
        return self.number(lo, small) if not self.chance(0.5) else self.number(lo, hi)


def _slot(data: bytes, at: int, size: int) -> _Reader:
    return _Reader(data[at:at + size])


def _queue(r: _Reader, number: str) -> QueuePolicy:
    return QueuePolicy(
        number=number,
        strategy=r.pick(list(RingStrategy)),
        skill_based=r.chance(0.5),
        equal_skill_strategy=r.pick(list(RingStrategy)),
        agent_timeout=r.number(5, 60),
        retry_interval=r.number(0, 30),
        wrapup=r.number(0, 60),
        ring_in_use=r.chance(0.5),
        max_wait=r.number(10, 3600),
        weight=r.small_or_any(1, 999, 3),
        acceleration=r.number(10, 1800) if r.chance(0.5) else None,
        leave_when_empty=frozenset(c for c in EmptyCondition if r.chance(0.5)) if r.chance(0.3) else None,
    )


def _membership(r: _Reader, queue: str) -> Membership:
    static = r.chance(0.5)
    return Membership(
        queue,
        static=static,
        position=r.number(1, 6),  # ties allowed: the extension breaks them
        skill=r.small_or_any(1, 99, 3),
        logged_in=True if static else not r.chance(0.2),
        login_at=_ago(r.number(0, 86400)) if r.chance(0.7) else None,
        paused=r.chance(0.15),
        pause_reason="Lunch" if r.chance(0.5) else None,
        last_call_ended_at=_ago(r.number(0, 300)) if r.chance(0.3) else None,
        calls_completed=r.number(0, 20),
    )


DEVICES = [DeviceStatus.IDLE, DeviceStatus.IN_USE, DeviceStatus.RINGING, DeviceStatus.OFFLINE] + [DeviceStatus.IDLE] * 4


def decode_snapshot(data: bytes) -> Snapshot:
    """Every queue, agent (with one slot per queue) and caller reads from its own fixed slot, so
    that when the shrinker lowers a count or zeroes one object the others stay as they were."""
    header = _Reader(data[:HEADER])
    n_queues, n_agents, n_entries = header.number(1, 6), max(header.number(0, 12), header.number(0, 12)), header.number(0, 20)
    now = NOW
    numbers = QUEUE_NUMBERS[:n_queues]
    queues = {n: _queue(_slot(data, QUEUES_AT + i * QUEUE_SLOT, QUEUE_SLOT), n) for i, n in enumerate(numbers)}

    agents: dict[str, Agent] = {}
    for j, extension in enumerate(EXTENSIONS[:n_agents]):  # max of two draws: more often many than few
        at = AGENTS_AT + j * AGENT_SLOT
        r = _slot(data, at, AGENT_SLOT)
        device = r.pick(DEVICES)
        do_not_disturb = r.chance(0.1)
        in_queues = [(i, n) for i, n in enumerate(numbers) if r.chance(0.6)]
        agents[extension] = Agent(extension, device, tuple(
            _membership(_slot(data, at + 8 + i * MEMBERSHIP_SLOT, MEMBERSHIP_SLOT), n) for i, n in in_queues
        ), do_not_disturb=do_not_disturb)

    def members(queue: str) -> list[str]:
        return [a.extension for a in agents.values() if a.membership(queue) is not None]

    entries: list[WaitingEntry] = []
    rung: set[str] = set()  # an agent rings for one caller at a time
    for k in range(n_entries):
        r = _slot(data, ENTRIES_AT + k * ENTRY_SLOT, ENTRY_SLOT)
        queue = r.pick(numbers)
        waited = r.number(0, 120) if not r.chance(0.3) else r.number(0, 4000)
        joined_at = _ago(queues[queue].max_wait if r.chance(0.05) else waited)  # sometimes due right now
        callback = r.chance(0.1)
        deadline = joined_at + timedelta(seconds=r.number(10, 7200)) if callback and r.chance(0.5) else None
        in_queue = members(queue)
        tried = frozenset(a for a in in_queue if r.chance(0.4))
        ringing: frozenset[str] = frozenset()
        retry_until = None
        free = [a for a in in_queue if a not in rung]
        if free and r.chance(0.15):
            ringing = frozenset({r.pick(free)} | {a for a in free if r.chance(0.1)})
            rung |= ringing
        elif r.chance(0.4):
            retry_until = now + timedelta(seconds=r.number(-30, 30))
        entries.append(WaitingEntry(
            f"e{k:02d}", queue, joined_at, callback=callback, ringing=ringing, tried=tried,
            retry_until=retry_until, deadline=deadline,
        ))

    r = _slot(data, FOOTER_AT, FOOTER)
    rr_last = {n: r.pick(sorted(agents)) for n in numbers if agents and r.chance(0.5)}
    return Snapshot(
        now=now, queues=queues, agents=agents, entries=tuple(entries),
        shared_wrapup=r.chance(0.5), rr_last=rr_last, random_seed=r.number(0, 2**32 - 1),
    )


def describe(s: Snapshot) -> str:
    """The snapshot in short, times in seconds relative to now, for a failing example's notes."""
    def rel(t: datetime | None) -> str:
        return "-" if t is None else f"{(t - s.now).total_seconds():+.0f}s"

    lines = [f"now={s.now:%H:%M:%S} shared_wrapup={s.shared_wrapup} random_seed={s.random_seed} rr_last={dict(s.rr_last)}"]
    for q in s.queues.values():
        lines.append(
            f"queue {q.number}: {q.strategy} skill_based={q.skill_based} equal_skill={q.equal_skill_strategy} "
            f"weight={q.weight} acceleration={q.acceleration} wrapup={q.wrapup} ring_in_use={q.ring_in_use} "
            f"max_wait={q.max_wait} leave_when_empty={sorted(q.leave_when_empty) if q.leave_when_empty is not None else None}"
        )
    for a in s.agents.values():
        lines.append(f"agent {a.extension}: {a.device} dnd={a.do_not_disturb}")
        for m in a.memberships:
            lines.append(
                f"    in {m.queue}: {'static' if m.static else 'dynamic'} position={m.position} skill={m.skill} "
                f"logged_in={m.logged_in} paused={m.paused} login_at={rel(m.login_at)} "
                f"last_call_ended_at={rel(m.last_call_ended_at)} calls_completed={m.calls_completed}"
            )
    for e in s.entries:
        lines.append(
            f"entry {e.id} in {e.queue}: joined_at={rel(e.joined_at)} callback={e.callback} deadline={rel(e.deadline)} "
            f"ringing={sorted(e.ringing)} tried={sorted(e.tried)} retry_until={rel(e.retry_until)}"
        )
    return "\n".join(lines)


@st.composite
def snapshots(draw: st.DrawFn) -> Snapshot:
    s = decode_snapshot(draw(st.binary(min_size=BLOB, max_size=BLOB)))
    note(describe(s))
    return s


# ---------------------------------------------------------------------------------------------
# The rules, restated


def ringing_anywhere(s: Snapshot) -> set[str]:
    return {a for e in s.entries for a in e.ringing}


def why_not(s: Snapshot, extension: str, queue: QueuePolicy) -> str | None:
    """None when the agent may be rung for a call of `queue` right now; else why not."""
    agent = s.agents[extension]
    membership = agent.membership(queue.number)
    if membership is None:
        return "not a member of the queue"
    if membership.paused:
        return "paused"
    if not membership.static and not membership.logged_in:
        return "dynamic agent logged out"
    if agent.do_not_disturb:
        return "presence Do Not Disturb"
    if agent.device == DeviceStatus.OFFLINE:
        return "phone offline"
    ends = wrapup_ends(agent, queue, s.queues, s.shared_wrapup)
    if ends is not None and s.now < ends:
        return f"in wrap-up until {ends}"
    if extension in ringing_anywhere(s):
        return "already ringing for a caller"
    if agent.device in (DeviceStatus.IN_USE, DeviceStatus.RINGING) and not queue.ring_in_use:
        return "phone busy and Ring In Use is off"
    return None


def deadline(s: Snapshot, e: WaitingEntry) -> datetime:
    return e.deadline or e.joined_at + timedelta(seconds=s.queues[e.queue].max_wait)


def in_retry(s: Snapshot, e: WaitingEntry) -> bool:
    return e.retry_until is not None and s.now < e.retry_until


def rank(s: Snapshot, e: WaitingEntry) -> tuple[int, datetime, str]:
    """Seed: the greater queue weight first; equal weights: the longest wait first (id: a fixed tie)."""
    return (-priority(e, s.queues[e.queue], s.now), e.joined_at, e.id)


def waiting_for_an_offer(s: Snapshot, d: Decision, e: WaitingEntry) -> bool:
    """Still in the queue after this pass, not ringing, not in its retry interval."""
    return e.id not in {f.entry_id for f in d.failovers} and not e.ringing and not in_retry(s, e)


def effective_strategy(q: QueuePolicy) -> RingStrategy:
    return q.equal_skill_strategy if q.skill_based else q.strategy


def offered_to(d: Decision) -> dict[str, str]:
    return {a: o.entry_id for o in d.offers for a in o.agents}


def queue_is_empty(s: Snapshot, q: QueuePolicy) -> bool:
    """Seed, Leave Empty: all agents logged out, or each in one of the chosen states."""
    conditions = q.leave_when_empty or frozenset()

    def absent(a: Agent) -> bool:
        m = a.membership(q.number)
        assert m is not None
        ends = wrapup_ends(a, q, s.queues, s.shared_wrapup)
        return (
            (not m.static and not m.logged_in)
            or (EmptyCondition.UNAVAILABLE in conditions and (a.device == DeviceStatus.OFFLINE or a.do_not_disturb))
            or (EmptyCondition.PAUSED in conditions and m.paused)
            or (EmptyCondition.BUSY in conditions and (
                a.device in (DeviceStatus.IN_USE, DeviceStatus.RINGING)
                or a.extension in ringing_anywhere(s)
                or (ends is not None and s.now < ends)
            ))
        )

    return all(absent(a) for a in s.agents.values() if a.membership(q.number) is not None)


# ---------------------------------------------------------------------------------------------
# Who may be rung


@PROPERTY
@given(snapshots())
def test_only_available_agents_are_offered(s: Snapshot) -> None:
    """Seed: "The queue distributes calls to the dynamic agents only when they log in to the
    queue and unpause the queue calls"; wrap-up: "The next call will come after this period";
    Ring In Use: "whether to ring an in-call agent". So an offered agent is never paused, never a
    logged-out dynamic agent, never in wrap-up (shared or per queue), never already ringing for
    any caller, never on an offline phone, never in presence Do Not Disturb, and never busy on
    the phone (in use or ringing) when the queue's Ring In Use is off."""
    d = decide(s)
    for o in d.offers:
        queue = s.queues[o.queue]
        for extension in o.agents:
            assert why_not(s, extension, queue) is None, f"{extension} offered for {o.entry_id}: {why_not(s, extension, queue)}"


@PROPERTY
@given(snapshots())
def test_an_agent_gets_one_call_and_a_call_one_offer(s: Snapshot) -> None:
    """An agent is offered to at most one entry per pass; an entry already ringing or inside its
    retry interval ("wait before ringing the next available agent") gets no new offer; every
    offered agent is a member of the entry's queue, and the offer carries the queue's timeout."""
    d = decide(s)
    offered = [a for o in d.offers for a in o.agents]
    assert len(offered) == len(set(offered))
    by_id = {e.id: e for e in s.entries}
    for o in d.offers:
        e = by_id[o.entry_id]
        assert not e.ringing and not in_retry(s, e)
        assert o.queue == e.queue and o.timeout == s.queues[e.queue].agent_timeout
        assert o.agents, "an offer rings somebody"
        assert all(s.agents[a].membership(e.queue) is not None for a in o.agents)


# ---------------------------------------------------------------------------------------------
# Failover


@PROPERTY
@given(snapshots())
def test_each_entry_is_decided_once_and_overdue_entries_time_out(s: Snapshot) -> None:
    """Seed: "Maximum Waiting Time: the number of seconds that the caller can wait for an
    available agent", then the Failover Destination (a callback: its Callback Timeout). An entry
    is at most once among offers and failovers; an entry whose deadline has come leaves with
    "timed out", and no entry leaves with "timed out" before its deadline."""
    d = decide(s)
    decided = [o.entry_id for o in d.offers] + [f.entry_id for f in d.failovers]
    assert len(decided) == len(set(decided))
    timed_out = {f.entry_id for f in d.failovers if f.reason == FailoverReason.TIMED_OUT}
    assert all(f.reason == FailoverReason.TIMED_OUT for f in d.failovers if f.entry_id in timed_out)
    assert all(f.queue == next(e.queue for e in s.entries if e.id == f.entry_id) for f in d.failovers)
    assert timed_out == {e.id for e in s.entries if s.now >= deadline(s, e)}


@PROPERTY
@given(snapshots())
def test_leave_empty_pulls_out_waiting_callers_exactly_when_the_queue_is_empty(s: Snapshot) -> None:
    """Seed, Leave Empty: "callers already on hold will be forced out of a queue when no agents
    are available ... When all agents are logged out, the queue is considered Empty by default"
    plus the chosen states (Unavailable: phone offline or Do Not Disturb; Paused; Busy). Callback requests keep their place until
    the Callback Timeout. A caller whose call is ringing an agent right now is not on hold: it
    stays. Exactly the other not-overdue entries of an empty queue leave with "queue empty"."""
    d = decide(s)
    left = {f.entry_id for f in d.failovers if f.reason == FailoverReason.QUEUE_EMPTY}
    expected = {
        e.id for e in s.entries
        if s.now < deadline(s, e) and not e.callback and not e.ringing
        and s.queues[e.queue].leave_when_empty is not None and queue_is_empty(s, s.queues[e.queue])
    }
    assert left == expected
    assert {f.reason for f in d.failovers} <= {FailoverReason.TIMED_OUT, FailoverReason.QUEUE_EMPTY}


# ---------------------------------------------------------------------------------------------
# Purity


@PROPERTY
@given(snapshots(), st.randoms(use_true_random=False))
def test_the_same_snapshot_gives_the_same_decision(s: Snapshot, shuffle: random.Random) -> None:
    """The core is pure: randomness comes in as `random_seed`. Deciding twice, on a deep copy,
    or with the agents listed in another order gives an equal Decision; listing the waiting
    entries in another order changes nothing but the order of the failovers."""
    d = decide(s)
    assert decide(s) == d
    assert decide(copy.deepcopy(s)) == d

    agents = list(s.agents.items())
    shuffle.shuffle(agents)
    assert decide(replace(s, agents=dict(agents))) == d

    entries = list(s.entries)
    shuffle.shuffle(entries)
    other = decide(replace(s, entries=tuple(entries)))
    assert other.offers == d.offers
    assert set(other.failovers) == set(d.failovers)
    assert (other.traces, other.priorities, other.next_wakeup) == (d.traces, d.priorities, d.next_wakeup)


# ---------------------------------------------------------------------------------------------
# Priority order


@PROPERTY
@given(snapshots())
def test_an_unserved_caller_lost_every_agent_who_could_take_it_to_a_caller_ranked_ahead(s: Snapshot) -> None:
    """Seed, Priority Queue: "the system ... routes the call in the higher-priority queue to the
    agent first"; within equal weights the longest-waiting call goes first.

    The strongest form that the greedy pass guarantees (it serves entries one by one in rank
    order, and each takes one agent, or a whole tier with Ring All, chosen by its own queue's
    strategy): if a caller who can take an offer now (not leaving, not ringing, not in its retry
    interval) gets none, then EVERY agent who could be rung for it (available for its queue,
    tried or not: when everybody was tried a new round starts) was offered to a caller ranked
    strictly ahead of it. It implies that no available agent is left idle while such a caller
    waits, and that an agent is never given to a lower-ranked caller while a higher-ranked one
    that it could serve goes without an offer. It does not say that the higher caller gets
    *that* agent: its own strategy may pick another one."""
    d = decide(s)
    taken_by = offered_to(d)
    by_id = {e.id: e for e in s.entries}
    served = {o.entry_id for o in d.offers}
    for f in s.entries:
        if f.id in served or not waiting_for_an_offer(s, d, f):
            continue
        queue = s.queues[f.queue]
        for extension in s.agents:
            if why_not(s, extension, queue) is not None:
                continue
            assert extension in taken_by, f"{extension} stays idle while {f.id} waits"
            assert rank(s, by_id[taken_by[extension]]) < rank(s, f), (
                f"{extension} went to {taken_by[extension]}, ranked behind {f.id}"
            )


@PROPERTY
@given(snapshots())
def test_an_agent_never_skips_a_higher_ranked_caller_it_could_serve(s: Snapshot) -> None:
    """The pairwise reading of the seed's example ("the agent will first be connected to the
    calls coming from the higher-priority queue"): if agent X is offered to E, every caller F
    ranked ahead of E (higher priority, or equal priority and joined earlier) that X could serve
    and that can take an offer now has got an offer too (maybe of another agent)."""
    d = decide(s)
    served = {o.entry_id for o in d.offers}
    by_id = {e.id: e for e in s.entries}
    for extension, entry_id in offered_to(d).items():
        e = by_id[entry_id]
        for f in s.entries:
            if rank(s, f) < rank(s, e) and waiting_for_an_offer(s, d, f) and why_not(s, extension, s.queues[f.queue]) is None:
                assert f.id in served, f"{extension} went to {e.id} while {f.id} (ranked ahead) got nothing"


@PROPERTY
@given(snapshots())
def test_offers_come_in_rank_order_with_the_priorities_used(s: Snapshot) -> None:
    """Priorities are "Weight + Waiting Time / Acceleration", rounded, for every caller still
    waiting; the offers are listed in the order they were made: by rank."""
    d = decide(s)
    by_id = {e.id: e for e in s.entries}
    failed = {f.entry_id for f in d.failovers}
    assert d.priorities == {e.id: priority(e, s.queues[e.queue], s.now) for e in s.entries if e.id not in failed}
    ranks = [rank(s, by_id[o.entry_id]) for o in d.offers]
    assert ranks == sorted(ranks)


@PROPERTY
@given(snapshots())
def test_an_offer_is_the_queues_strategy_applied_to_the_agents_left_for_it(s: Snapshot) -> None:
    """Seed, Ring Strategy and Skill-based Routing. The agents left for caller E are those
    available for its queue and not offered to a caller ranked ahead. Unless the queue rings all
    without skills, agents already rung in this round wait while others are left ("the next
    available agent"); when all were rung a new round starts. With skills only the best level
    left rings ("starting from the highest and descending to the lowest"). Ring All rings that
    whole set; every other strategy rings one of it: Fewest Calls one with the fewest completed
    calls, Least Recent one whose last call ended first (never called: first)."""
    d = decide(s)
    by_id = {e.id: e for e in s.entries}
    taken_by = offered_to(d)
    for o in d.offers:
        e, queue = by_id[o.entry_id], s.queues[o.queue]
        left = {
            a for a in s.agents
            if why_not(s, a, queue) is None and (a not in taken_by or rank(s, by_id[taken_by[a]]) >= rank(s, e))
        }
        strategy = effective_strategy(queue)
        pool, new_round = left, False
        if queue.skill_based or strategy != RingStrategy.RING_ALL:
            untried = left - e.tried
            pool, new_round = (untried, False) if untried else (left, True)
        if queue.skill_based:
            top = min(s.agents[a].membership(queue.number).skill for a in pool)  # type: ignore[union-attr]
            pool = {a for a in pool if s.agents[a].membership(queue.number).skill == top}  # type: ignore[union-attr]
        assert o.new_round == new_round
        if strategy == RingStrategy.RING_ALL:
            assert set(o.agents) == pool
            continue
        assert len(o.agents) == 1 and o.agents[0] in pool
        chosen = s.agents[o.agents[0]].membership(queue.number)
        assert chosen is not None
        members = [s.agents[a].membership(queue.number) for a in pool]
        if strategy == RingStrategy.FEWEST_CALLS:
            assert chosen.calls_completed == min(m.calls_completed for m in members)  # type: ignore[union-attr]
        if strategy == RingStrategy.LEAST_RECENT:
            def ended(m: Membership | None) -> datetime:
                return (m.last_call_ended_at if m is not None else None) or datetime.min.replace(tzinfo=T0.tzinfo)
            assert ended(chosen) == min(ended(m) for m in members)


@PROPERTY
@given(snapshots())
def test_the_next_wakeup_comes_before_any_deadline_or_retry_end(s: Snapshot) -> None:
    """No event wakes the core when a caller's maximum waiting time or retry interval ends, so
    the decision names a wake-up after `now` and no later than the first of them."""
    d = decide(s)
    failed = {f.entry_id for f in d.failovers}
    timers = [deadline(s, e) for e in s.entries if e.id not in failed]
    timers += [e.retry_until for e in s.entries if e.id not in failed and not e.ringing and e.retry_until is not None and in_retry(s, e)]
    if d.next_wakeup is not None:
        assert d.next_wakeup > s.now
    if timers:
        assert d.next_wakeup is not None and d.next_wakeup <= min(timers)


# ---------------------------------------------------------------------------------------------
# No starvation with acceleration


def _call(entry_id: str, queue: str, joined_s: float) -> WaitingEntry:
    return WaitingEntry(entry_id, queue, T0 + timedelta(seconds=joined_s))


def catches_up_after(low: QueuePolicy, top_weight: int) -> float:
    """Seconds of waiting after which a call of `low` has at least the priority W = top_weight:
    round(w + t/a) >= W  <=>  t >= a (W - w - 1/2). From then on it ranks ahead of every call
    of priority <= W that joined after it (equal priorities: the longest wait first)."""
    assert low.acceleration
    return max(0.0, low.acceleration * (top_weight - low.weight - 0.5))


def overtakes_after(low: QueuePolicy, top_weight: int) -> float:
    """Seconds after which its priority is strictly above W: t >= a (W - w + 1/2)."""
    assert low.acceleration
    return max(0.0, low.acceleration * (top_weight - low.weight + 0.5))


@st.composite
def accelerated_sets(draw: st.DrawFn) -> tuple[QueuePolicy, list[QueuePolicy]]:
    """A low queue with acceleration, and other queues that either have no acceleration (any
    weight) or gain weight no faster from no higher a start (weight <= low's, acceleration >= low's)."""
    low = QueuePolicy("6400", weight=draw(st.integers(1, 999)), acceleration=draw(st.integers(10, 1800)))
    assert low.acceleration is not None
    others = []
    for i in range(draw(st.integers(1, 5))):
        if draw(st.booleans()):
            others.append(QueuePolicy(str(6401 + i), weight=draw(st.integers(1, 999))))
        else:
            others.append(QueuePolicy(
                str(6401 + i), weight=draw(st.integers(1, low.weight)), acceleration=draw(st.integers(low.acceleration, 1800)),
            ))
    return low, others


@PROPERTY
@given(accelerated_sets(), st.integers(0, 100_000), st.lists(st.tuples(st.integers(0, 5), st.integers(1, 100_000)), min_size=1, max_size=10))
def test_a_call_waiting_long_enough_in_an_accelerated_queue_outranks_every_later_call(
    queues: tuple[QueuePolicy, list[QueuePolicy]], extra: int, later: list[tuple[int, int]],
) -> None:
    """Seed: "To avoid the calls in a low-priority queue being waited for too long, you can set
    up acceleration weight" — Queue Weight = Weight + Waiting Time / Acceleration, rounded.

    For a low queue (weight w, acceleration a) and other queues that have no acceleration
    (weights up to W), or that start no higher and gain no faster: a call that has waited
    t >= a (W - w - 1/2) seconds ranks ahead of every call that joined after it, in any of these
    queues; from t >= a (W - w + 1/2) its priority is strictly above W. Both bounds are tight:
    one second less and a later call of weight W still ranks ahead / has an equal priority."""
    low, others = queues
    top = max((q.weight for q in others if q.acceleration is None), default=0)
    catch_up, overtake = catches_up_after(low, top), overtakes_after(low, top)
    old = _call("old", low.number, 0)
    waited = math.ceil(catch_up) + extra
    now = T0 + timedelta(seconds=waited)
    for n, (which, joined) in enumerate(later):
        queue = (others + [low])[which % (len(others) + 1)]
        if joined > waited:
            continue
        new = _call(f"new{n}", queue.number, joined)  # joined strictly after the old call
        assert rank_at(now, old, low) < rank_at(now, new, queue)
    if top:
        assert priority(old, low, T0 + timedelta(seconds=math.ceil(overtake) + extra)) > top
        if catch_up > 0:
            assert priority(old, low, T0 + timedelta(seconds=math.ceil(catch_up) - 1)) < top
        if overtake > 0:
            assert priority(old, low, T0 + timedelta(seconds=math.ceil(overtake) - 1)) <= top


def rank_at(now: datetime, e: WaitingEntry, q: QueuePolicy) -> tuple[int, datetime, str]:
    return (-priority(e, q, now), e.joined_at, e.id)


def simulate_one_agent(
    *, low_weight: int, high_weight: int, acceleration: int, talk: int, gap: int, wrapup: int, strategy: RingStrategy,
) -> tuple[int, list[str]]:
    """A fake clock, one agent in a high-weight queue H (no acceleration) and a low-weight queue
    L (with acceleration), shared wrap-up. An L call waits from t=0; H calls arrive at 0, gap,
    2*gap, ...; every offered call is answered at once and talks `talk` seconds. The clock jumps
    from event to event: an arrival, a call's end, or the decision's own next_wakeup.
    Returns when the L call was offered, and the order calls were served in."""
    high = QueuePolicy("6401", strategy=strategy, weight=high_weight, wrapup=wrapup, max_wait=3600)
    low = QueuePolicy("6400", strategy=strategy, weight=low_weight, acceleration=acceleration, wrapup=wrapup, max_wait=3600)
    queues = {q.number: q for q in (high, low)}
    ended: dict[str, datetime | None] = {high.number: None, low.number: None}
    busy_until: int | None = None
    busy_queue = ""
    waiting = [_call("old", low.number, 0)]
    served: list[str] = []
    next_arrival, arrivals, now = 0, 0, 0
    while True:
        if busy_until is not None and now >= busy_until:  # the call ends, wrap-up starts
            ended[busy_queue] = T0 + timedelta(seconds=busy_until)
            busy_until = None
        while next_arrival <= now:
            waiting.append(_call(f"h{arrivals:04d}", high.number, next_arrival))
            arrivals += 1
            next_arrival += gap
        agent = Agent("1000", DeviceStatus.IN_USE if busy_until is not None else DeviceStatus.IDLE, tuple(
            Membership(q, static=True, last_call_ended_at=ended[q]) for q in (high.number, low.number)
        ))
        snap = Snapshot(T0 + timedelta(seconds=now), queues, {"1000": agent}, tuple(waiting), shared_wrapup=True)
        d = decide(snap)
        gone = {f.entry_id for f in d.failovers} | {o.entry_id for o in d.offers}
        for o in d.offers:  # answered at once
            assert o.agents == ("1000",) and busy_until is None
            served.append(o.entry_id)
            busy_until, busy_queue = now + talk, o.queue
            if o.entry_id == "old":
                return now, served
        waiting = [e for e in waiting if e.id not in gone]
        events = [next_arrival]
        if busy_until is not None:
            events.append(busy_until)
        if d.next_wakeup is not None:
            events.append(math.ceil((d.next_wakeup - T0).total_seconds()))
        assert min(events) > now
        now = min(events)
        assert now < 3600, "the low call was never offered"


def _starvation_bound(low_weight: int, high_weight: int, acceleration: int, talk: int, wrapup: int) -> tuple[float, float, int]:
    """Before the L call catches up with H's weight an H call always outranks it (H calls arrive
    at least once per call, so one always waits); the agent is free every talk + wrap-up seconds,
    so the L call is offered at the first free moment after it caught up: less than one call and
    its wrap-up later. Returns (lower bound, upper bound, the exact moment)."""
    catch_up = catches_up_after(QueuePolicy("6400", weight=low_weight, acceleration=acceleration), high_weight)
    cycle = talk + wrapup
    return catch_up, catch_up + cycle, cycle * max(1, math.ceil(catch_up / cycle))


def test_the_seeds_queues_under_a_stream_of_vip_calls() -> None:
    """The seed's Support (weight 1, acceleration 60 s) and Support-VIP (weight 2): Support's call
    reaches weight 2 at 60 * (2 - 1 - 1/2) = 30 s (rounded half up) and then, having waited
    longest, goes before the VIP calls that joined after it. With a VIP call every 20 s and calls
    of 100 s, it is offered when the agent's first call is over: at 100 s."""
    offered, served = simulate_one_agent(
        low_weight=1, high_weight=2, acceleration=60, talk=100, gap=20, wrapup=0, strategy=RingStrategy.LINEAR,
    )
    assert (offered, served) == (100, ["h0000", "old"])
    lower, upper, exact = _starvation_bound(1, 2, 60, 100, 0)
    assert lower <= offered <= upper and offered == exact


@settings(max_examples=max(40, EXAMPLES // 5), deadline=None)
@given(
    low_weight=st.integers(1, 5), lift=st.integers(1, 3), acceleration=st.integers(10, 60),
    talk=st.integers(5, 90), gap=st.integers(3, 30), wrapup=st.integers(0, 30), strategy=st.sampled_from(RingStrategy),
)
def test_a_low_weight_call_is_offered_within_the_acceleration_bound(
    low_weight: int, lift: int, acceleration: int, talk: int, gap: int, wrapup: int, strategy: RingStrategy,
) -> None:
    """No starvation: however many higher-weight calls keep arriving, the accelerated call is
    offered no earlier than it catches up, a (W_high - W_low - 1/2) seconds (it never jumps the
    VIP line early), and no later than that plus one call and its wrap-up; in fact exactly at the
    agent's first free moment after it."""
    gap = min(gap, talk)  # arrivals at least as fast as the agent serves: a VIP always waits
    high_weight = low_weight + lift
    offered, served = simulate_one_agent(
        low_weight=low_weight, high_weight=high_weight, acceleration=acceleration,
        talk=talk, gap=gap, wrapup=wrapup, strategy=strategy,
    )
    lower, upper, exact = _starvation_bound(low_weight, high_weight, acceleration, talk, wrapup)
    assert lower <= offered <= upper, (offered, served)
    assert offered == exact
    assert served[-1] == "old" and served[:-1] == sorted(served[:-1])  # VIP calls first come, first served
