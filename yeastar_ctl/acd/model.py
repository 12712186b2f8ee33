"""The values the decision core reads (a snapshot) and writes (a decision).

Everything is a frozen dataclass: the core never mutates its input, and the same snapshot
always yields the same decision (randomness comes in as `Snapshot.random_seed`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from datetime import datetime
from typing import Mapping

from yeastar_ctl.acd.vocabulary import DeviceStatus, EmptyCondition, FailoverReason, RingStrategy


@dataclass(frozen=True)
class QueuePolicy:
    """The settings of one queue that routing depends on."""

    number: str
    strategy: RingStrategy = RingStrategy.RING_ALL
    skill_based: bool = False
    equal_skill_strategy: RingStrategy = RingStrategy.RING_ALL
    agent_timeout: int = 30  # seconds an agent's phone rings
    retry_interval: int = 5  # seconds a caller waits after an unanswered ring before the next
    wrapup: int = 10  # seconds after a call ends before the agent gets the next from this queue
    ring_in_use: bool = False
    max_wait: int = 1800  # seconds; then the failover destination
    max_callers: int = 0  # 0 = unlimited
    weight: int = 1  # 1-999
    acceleration: int | None = None  # seconds per +1 of weight; None = no acceleration
    leave_when_empty: frozenset[EmptyCondition] | None = None  # None = off
    join_empty_disallowed: frozenset[EmptyCondition] | None = None  # None = off
    auto_pause_threshold: int | None = None  # consecutive misses; None = off


@dataclass(frozen=True)
class Membership:
    """An agent in one queue."""

    queue: str
    static: bool
    position: int = 1  # order in the queue's static list (1-based)
    skill: int = 1  # 1 (highest) .. 99
    logged_in: bool = True  # always True for static agents
    # When the agent logged in (dynamic) or joined the queue / the system started (static):
    # Linear and Rrmemory use it as the "order that agents have logged in".
    login_at: datetime | None = None
    paused: bool = False
    pause_reason: str | None = None
    last_call_ended_at: datetime | None = None  # the agent's last call from this queue
    calls_completed: int = 0  # answered calls from this queue (Fewest Calls)


@dataclass(frozen=True)
class Agent:
    extension: str
    device: DeviceStatus
    memberships: tuple[Membership, ...] = ()
    do_not_disturb: bool = False  # presence Do Not Disturb: no queue calls

    @cached_property
    def by_queue(self) -> Mapping[str, Membership]:
        """queue -> the agent's membership there (the first, if listed twice)."""
        found: dict[str, Membership] = {}
        for membership in self.memberships:
            found.setdefault(membership.queue, membership)
        return found

    def membership(self, queue: str) -> Membership | None:
        return self.by_queue.get(queue)


@dataclass(frozen=True)
class WaitingEntry:
    """A caller waiting in a queue, or a callback request (no channel) that keeps its place."""

    id: str
    queue: str
    joined_at: datetime
    callback: bool = False
    ringing: frozenset[str] = frozenset()  # agents being rung for this entry right now
    tried: frozenset[str] = frozenset()  # agents rung and unanswered in the current round
    retry_until: datetime | None = None  # the retry interval after an unanswered ring
    deadline: datetime | None = None  # overrides joined_at + max_wait (custom callback timeout)


@dataclass(frozen=True)
class Snapshot:
    now: datetime
    queues: Mapping[str, QueuePolicy]
    agents: Mapping[str, Agent]
    entries: tuple[WaitingEntry, ...]
    shared_wrapup: bool = False
    rr_last: Mapping[str, str] = field(default_factory=dict)  # queue -> last agent rung (Rrmemory)
    random_seed: int = 0


@dataclass(frozen=True)
class Offer:
    """Ring these agents now for this entry (several only with Ring All)."""

    entry_id: str
    queue: str
    agents: tuple[str, ...]
    timeout: int
    new_round: bool  # every candidate had been tried: the entry's `tried` starts over


@dataclass(frozen=True)
class Failover:
    entry_id: str
    queue: str
    reason: FailoverReason


@dataclass(frozen=True)
class Decision:
    offers: tuple[Offer, ...]
    failovers: tuple[Failover, ...]
    # Per entry, in words, why each agent was rung or skipped (shown by the queue panel and API).
    traces: Mapping[str, tuple[str, ...]]
    next_wakeup: datetime | None  # when a timer must call the core again (no event will)
    priorities: Mapping[str, int]  # entry id -> priority used for the ordering
