"""One decision pass: which waiting entries leave for their failover, and which agents to ring.

Entries are served in priority order (queue weight with acceleration, then longest wait), so an
agent who belongs to several queues gets the highest-priority call first. Each entry gets at
most one offer in progress: one agent, or every agent of the tier with Ring All. An agent is
offered to at most one entry at a time.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import datetime, timedelta

from yeastar_ctl.acd.capacity import queue_is_empty
from yeastar_ctl.acd.eligibility import unavailable_reason, wrapup_ends
from yeastar_ctl.acd.model import Decision, Failover, Offer, QueuePolicy, Snapshot, WaitingEntry
from yeastar_ctl.acd.priority import priority, routing_order
from yeastar_ctl.acd.strategies import Candidate, list_order, order_candidates
from yeastar_ctl.acd.vocabulary import FailoverReason, RingStrategy

STRATEGY_LABELS = {
    RingStrategy.RING_ALL: "Ring All",
    RingStrategy.LEAST_RECENT: "Least Recent",
    RingStrategy.FEWEST_CALLS: "Fewest Calls",
    RingStrategy.RANDOM: "Random",
    RingStrategy.RRMEMORY: "Rrmemory",
    RingStrategy.LINEAR: "Linear",
}


def deadline_of(entry: WaitingEntry, queue: QueuePolicy) -> datetime:
    return entry.deadline or entry.joined_at + timedelta(seconds=queue.max_wait)


class _Pass:
    def __init__(self, snapshot: Snapshot) -> None:
        self.s = snapshot
        self.rng = random.Random(snapshot.random_seed)
        self.ringing_for = {agent: e.id for e in snapshot.entries for agent in e.ringing}
        self.engaged: set[str] = set(self.ringing_for)
        self.traces: dict[str, list[str]] = {e.id: [] for e in snapshot.entries}
        self.wakeups: list[datetime] = []

    def members(self, queue: str) -> list[Candidate]:
        found = [(a.extension, m) for a in self.s.agents.values() if (m := a.membership(queue)) is not None]
        return list_order(found)

    def failover(self, entry: WaitingEntry) -> FailoverReason | None:
        queue = self.s.queues.get(entry.queue)
        trace = self.traces[entry.id]
        if queue is None:
            trace.append(f"queue {entry.queue} no longer exists")
            return FailoverReason.QUEUE_EMPTY
        deadline = deadline_of(entry, queue)
        if self.s.now >= deadline:
            trace.append(f"waited until {deadline:%H:%M:%S}: the maximum waiting time is reached")
            return FailoverReason.TIMED_OUT
        self.wakeups.append(deadline)
        # A caller whose call is ringing an agent right now has an agent: Leave Empty waits.
        if queue.leave_when_empty is not None and not entry.callback and not entry.ringing and queue_is_empty(
            queue, queue.leave_when_empty, self.s.agents, now=self.s.now, queues=self.s.queues,
            shared_wrapup=self.s.shared_wrapup, ringing=self.ringing_for,
        ):
            trace.append("no agent can take calls (Leave Empty)")
            return FailoverReason.QUEUE_EMPTY
        return None

    def eligible(self, entry: WaitingEntry, queue: QueuePolicy, members: list[Candidate]) -> list[Candidate]:
        trace = self.traces[entry.id]
        found: list[Candidate] = []
        for extension, membership in members:
            agent = self.s.agents[extension]
            reason = unavailable_reason(
                agent, membership, queue, now=self.s.now, queues=self.s.queues,
                shared_wrapup=self.s.shared_wrapup,
                ringing_elsewhere=self.ringing_for.get(extension, entry.id) != entry.id,
            )
            if reason is None and extension in self.engaged:
                reason = "offered a higher-priority call in this pass"
            if reason is None:
                found.append((extension, membership))
                continue
            trace.append(f"{extension}: skipped, {reason}")
            if reason.startswith("in wrap-up"):
                ends = wrapup_ends(agent, queue, self.s.queues, self.s.shared_wrapup)
                if ends is not None:
                    self.wakeups.append(ends)
        return found

    def offer(self, entry: WaitingEntry, priority_now: int) -> Offer | None:
        queue = self.s.queues[entry.queue]
        trace = self.traces[entry.id]
        if entry.ringing:
            trace.append(f"ringing {', '.join(sorted(entry.ringing))}")
            return None
        if entry.retry_until is not None and self.s.now < entry.retry_until:
            trace.append(f"retry interval until {entry.retry_until:%H:%M:%S}")
            self.wakeups.append(entry.retry_until)
            return None
        members = self.members(queue.number)
        eligible = self.eligible(entry, queue, members)
        if not eligible:
            trace.append("no agent available: waiting")
            return None
        strategy = queue.equal_skill_strategy if queue.skill_based else queue.strategy
        pool, new_round = eligible, False
        if queue.skill_based or strategy != RingStrategy.RING_ALL:
            untried = [c for c in eligible if c[0] not in entry.tried]
            for extension, _ in eligible:
                if extension in entry.tried and untried:
                    trace.append(f"{extension}: skipped, already rung in this round")
            if not untried:
                trace.append("every available agent was rung: a new round starts")
                new_round = True
            pool = untried or eligible
        circle = members
        if queue.skill_based:
            top = min(m.skill for _, m in pool)
            for extension, membership in pool:
                if membership.skill != top:
                    trace.append(f"{extension}: waits, skill level {membership.skill} is below level {top}")
            pool = [c for c in pool if c[1].skill == top]
            circle = [c for c in members if c[1].skill == top]
        # Rrmemory goes round the tier; Linear's static/dynamic/mixed is the queue's make-up.
        ordered = order_candidates(
            strategy, pool, all_members=members if strategy == RingStrategy.LINEAR else circle,
            rr_last=self.s.rr_last.get(queue.number), rng=self.rng,
        )
        chosen = ordered if strategy == RingStrategy.RING_ALL else ordered[:1]
        label = STRATEGY_LABELS[strategy]
        tier = f", skill level {chosen[0][1].skill}" if queue.skill_based else ""
        for extension, _ in chosen:
            trace.append(f"{extension}: ring ({label}{tier}, call priority {priority_now})")
            self.engaged.add(extension)
        for extension, _ in ordered[len(chosen):]:
            trace.append(f"{extension}: available, next in {label} order")
        return Offer(entry.id, queue.number, tuple(c[0] for c in chosen), queue.agent_timeout, new_round)

    def run(self) -> Decision:
        failovers: list[Failover] = []
        live: list[WaitingEntry] = []
        for entry in self.s.entries:
            reason = self.failover(entry)
            if reason is None:
                live.append(entry)
            else:
                failovers.append(Failover(entry.id, entry.queue, reason))
        live.sort(key=lambda e: routing_order(e, self.s.queues[e.queue], self.s.now))
        priorities = {e.id: priority(e, self.s.queues[e.queue], self.s.now) for e in live}
        offers = [offer for e in live if (offer := self.offer(e, priorities[e.id])) is not None]
        return Decision(
            offers=tuple(offers),
            failovers=tuple(failovers),
            traces={k: tuple(v) for k, v in self.traces.items()},
            next_wakeup=_earliest(t for t in self.wakeups if t > self.s.now),
            priorities=priorities,
        )


def _earliest(times: Iterable[datetime]) -> datetime | None:
    return min(times, default=None)


def decide(snapshot: Snapshot) -> Decision:
    """The pure decision pass; see the module docstring."""
    return _Pass(snapshot).run()
