"""The order in which a queue's candidate agents are rung, per ring strategy (seed, Basic)."""

from __future__ import annotations

import random
from bisect import bisect_right
from datetime import datetime, timezone
from typing import Callable, Sequence

from yeastar_ctl.acd.model import Membership
from yeastar_ctl.acd.vocabulary import RingStrategy

# An agent that never logged in / never had a call sorts before everybody else.
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

Candidate = tuple[str, Membership]  # (extension, membership in this queue)


def _static_order(c: Candidate) -> tuple[int, str]:
    return (c[1].position, c[0])


def _login_order(c: Candidate) -> tuple[datetime, int, str]:
    return (c[1].login_at or _EPOCH, c[1].position, c[0])


def list_order(members: Sequence[Candidate]) -> list[Candidate]:
    """Static agents in the static-agent list order, then dynamic agents in login order."""
    static = [c for c in members if c[1].static]
    dynamic = [c for c in members if not c[1].static]
    static.sort(key=_static_order)
    dynamic.sort(key=_login_order)
    return static + dynamic


def list_key(c: Candidate) -> tuple[int, int, str] | tuple[int, datetime, int, str]:
    """`list_order` as a sort key: where `c` stands in it, comparable with any other member's."""
    m = c[1]
    return (0, m.position, c[0]) if m.static else (1, m.login_at or _EPOCH, m.position, c[0])


def linear_order(members: Sequence[Candidate]) -> list[Candidate]:
    """Seed, Linear: static only -> list order; dynamic only -> login order; mixed -> login order."""
    if all(c[1].static for c in members):
        return sorted(members, key=_static_order)
    return sorted(members, key=_login_order)


def _in_queue(c: Candidate) -> bool:
    """Static agents always stay in the queue; dynamic agents only while logged in."""
    return c[1].static or c[1].logged_in


def rrmemory_order(all_members: Sequence[Candidate], last: str | None) -> list[Candidate]:
    """Seed, Rrmemory: remember the last agent tried and go on with the next one in the static
    list, then the dynamic agents in login order, wrapping around."""
    ordered = list_order(all_members)
    extensions = [c[0] for c in ordered]
    if last in extensions:
        start = extensions.index(last) + 1
        ordered = ordered[start:] + ordered[:start]
    return ordered


def order_candidates(
    strategy: RingStrategy,
    candidates: Sequence[Candidate],
    *,
    all_members: Sequence[Candidate],
    rr_last: str | None,
    rng: random.Random,
) -> list[Candidate]:
    """Candidates in ring order. `all_members` (every member of the queue, available or not)
    gives Rrmemory its circle and Linear the queue's kind (static only, or with dynamic agents:
    the seed's cases are about the queue, not about who happens to be free); the result holds
    only `candidates`."""
    allowed = {c[0] for c in candidates}
    if strategy == RingStrategy.RRMEMORY:
        return [c for c in rrmemory_order(all_members, rr_last) if c[0] in allowed]
    if strategy == RingStrategy.LINEAR:
        in_queue = {c[0]: c for c in all_members if _in_queue(c)}
        in_queue.update((c[0], c) for c in candidates)
        return [c for c in linear_order(list(in_queue.values())) if c[0] in allowed]
    return order_listed(strategy, list_order(candidates), rng=rng)


def _last_call_ended(c: Candidate) -> datetime:
    return c[1].last_call_ended_at or _EPOCH


def _calls_completed(c: Candidate) -> int:
    return c[1].calls_completed


def _by_last_call(listed: list[Candidate], rng: random.Random) -> list[Candidate]:
    # Seed: "the available agent that was least recently called" — by the end of their last
    # call from this queue; never called first.
    return sorted(listed, key=_last_call_ended)


def _by_calls(listed: list[Candidate], rng: random.Random) -> list[Candidate]:
    return sorted(listed, key=_calls_completed)


def _shuffled(listed: list[Candidate], rng: random.Random) -> list[Candidate]:
    shuffled = list(listed)
    rng.shuffle(shuffled)
    return shuffled


def _as_listed(listed: list[Candidate], rng: random.Random) -> list[Candidate]:
    return listed  # Ring All: everybody at once, listed in list order


# The strategies that look at the candidates alone, each given the candidates in list order.
_LISTED_ORDERS = {
    RingStrategy.LEAST_RECENT: _by_last_call,
    RingStrategy.FEWEST_CALLS: _by_calls,
    RingStrategy.RANDOM: _shuffled,
    RingStrategy.RING_ALL: _as_listed,
}


def order_listed(strategy: RingStrategy, listed: list[Candidate], *, rng: random.Random) -> list[Candidate]:
    """`order_candidates` for the strategies that look at the candidates alone (all but
    Rrmemory and Linear), given the candidates already in list order, as a queue's members are
    kept during a pass. Returns a new list, or `listed` itself with Ring All."""
    order = _LISTED_ORDERS.get(strategy)
    if order is None:
        raise ValueError(f"{strategy} looks at the whole queue: use order_candidates")
    return order(listed, rng)


class QueueOrder:
    """`order_candidates` for the calls of one queue in a decision pass, given the queue's members
    once (`members`, in any order) and each call's candidates in list order, so that no call
    looks at the whole queue again. Rrmemory's circle is the list order rotated after the last
    agent tried (with skills, the circle is the tier being rung: `tier`), and Linear's order is
    the list order or the login order, by the make-up of the whole queue; each of those orders
    is a total order on the members (its keys end with the extension, or it is a rotation of
    one), so ordering the candidates alone gives the same as ordering the whole queue and
    leaving out the others."""

    def __init__(self, strategy: RingStrategy, members: Sequence[Candidate], rr_last: str | None) -> None:
        self._last: Candidate | None = None  # Rrmemory: the last agent tried, if a member
        # `order` is chosen once here: a pass asks it for every offer.
        self.order: Callable[[list[Candidate], int | None, random.Random], list[Candidate]]
        if strategy == RingStrategy.LINEAR:
            static_only = all(c[1].static for c in members if _in_queue(c))
            self.order = self._as_listed if static_only else self._by_login
        elif strategy == RingStrategy.RRMEMORY:
            # The first of the name, as `list_order` puts a member listed twice.
            self._last = min((c for c in members if c[0] == rr_last), key=list_key, default=None)
            self.order = self._round
        else:
            listed = _LISTED_ORDERS[strategy]
            self.order = lambda candidates, tier, rng: listed(candidates, rng)

    # Each: `candidates` (in list order) in ring order; `tier`: with skills, their skill level.

    @staticmethod
    def _as_listed(candidates: list[Candidate], tier: int | None, rng: random.Random) -> list[Candidate]:
        return candidates

    @staticmethod
    def _by_login(candidates: list[Candidate], tier: int | None, rng: random.Random) -> list[Candidate]:
        return sorted(candidates, key=_login_order)

    def _round(self, candidates: list[Candidate], tier: int | None, rng: random.Random) -> list[Candidate]:
        last = self._last
        if last is None or (tier is not None and last[1].skill != tier):
            return candidates  # the last agent tried is not in the circle: no rotation
        # The candidates are in list order: those after the last agent tried, then the others
        # (the last agent itself goes last).
        split = bisect_right(candidates, list_key(last), key=list_key)
        return candidates[split:] + candidates[:split]
