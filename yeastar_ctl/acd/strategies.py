"""The order in which a queue's candidate agents are rung, per ring strategy (seed, Basic)."""

from __future__ import annotations

import random
from datetime import datetime, timezone
from typing import Sequence

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


def order_listed(strategy: RingStrategy, listed: list[Candidate], *, rng: random.Random) -> list[Candidate]:
    """`order_candidates` for the strategies that look at the candidates alone (all but
    Rrmemory and Linear), given the candidates already in list order, as a queue's members are
    kept during a pass. Returns a new list, or `listed` itself with Ring All."""
    if strategy == RingStrategy.LEAST_RECENT:
        # Seed: "the available agent that was least recently called" — by the end of their last
        # call from this queue; never called first.
        return sorted(listed, key=_last_call_ended)
    if strategy == RingStrategy.FEWEST_CALLS:
        return sorted(listed, key=_calls_completed)
    if strategy == RingStrategy.RANDOM:
        shuffled = list(listed)
        rng.shuffle(shuffled)
        return shuffled
    if strategy in (RingStrategy.RRMEMORY, RingStrategy.LINEAR):
        raise ValueError(f"{strategy} looks at the whole queue: use order_candidates")
    return listed  # Ring All: everybody at once, listed in list order


# `queue_order` never shuffles; `order_candidates` wants a generator all the same.
_NO_SHUFFLE = random.Random(0)


def queue_order(strategy: RingStrategy, all_members: Sequence[Candidate], *, rr_last: str | None) -> list[Candidate]:
    """The queue's members who can ever be candidates (static, or dynamic and logged in), in the
    order `order_candidates` lists them. For any candidates among them and any strategy but
    Random, `order_candidates(strategy, candidates, all_members=all_members, rr_last=rr_last, ...)`
    is this list with the others left out: every order sorts by keys that end with the extension
    (or stably sorts the list order), or filters a rotation of the whole queue, so leaving some
    members out does not change the order of the rest. A decision pass orders each call's
    candidates by their place here instead of ordering them afresh."""
    if strategy == RingStrategy.RANDOM:
        raise ValueError("Random has no fixed order: each call's candidates are shuffled afresh")
    in_queue = [c for c in all_members if _in_queue(c)]
    return order_candidates(strategy, in_queue, all_members=all_members, rr_last=rr_last, rng=_NO_SHUFFLE)
