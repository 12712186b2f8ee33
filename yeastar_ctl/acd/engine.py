"""One decision pass: which waiting entries leave for their failover, and which agents to ring.

Entries are served in priority order (queue weight with acceleration, then longest wait), so an
agent who belongs to several queues gets the highest-priority call first. Each entry gets at
most one offer in progress: one agent, or every agent of the tier with Ring All. An agent is
offered to at most one entry at a time.

How a pass stays cheap (docs/performance.md, "ACD decision pass"): what is the same for every
call of a queue is worked out once per pass, not per call. `_QueueInPass` holds it for one
queue: its members in list order, which of them cannot be rung and the trace line that says
why, Leave Empty's verdict, and the orders of the ring strategies that look at the whole queue.
All that changes during a pass is who has been offered a call, and that only grows: an agent
offered a call is taken out of the free members of each of its queues, and once a queue has no
free member left, every later call of that queue gets the same trace, one shared tuple.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import datetime, timedelta
from operator import itemgetter

from yeastar_ctl.acd.capacity import queue_is_empty
from yeastar_ctl.acd.eligibility import shared_wrapup_ends, unavailable_reasons
from yeastar_ctl.acd.model import Agent, Decision, Failover, Offer, QueuePolicy, Snapshot, WaitingEntry
from yeastar_ctl.acd.priority import priority
from yeastar_ctl.acd.strategies import Candidate, list_order, order_candidates, queue_order
from yeastar_ctl.acd.vocabulary import FailoverReason, RingStrategy

STRATEGY_LABELS = {
    RingStrategy.RING_ALL: "Ring All",
    RingStrategy.LEAST_RECENT: "Least Recent",
    RingStrategy.FEWEST_CALLS: "Fewest Calls",
    RingStrategy.RANDOM: "Random",
    RingStrategy.RRMEMORY: "Rrmemory",
    RingStrategy.LINEAR: "Linear",
}

NO_AGENT_AVAILABLE = "no agent available: waiting"


def deadline_of(entry: WaitingEntry, queue: QueuePolicy) -> datetime:
    return entry.deadline or entry.joined_at + timedelta(seconds=queue.max_wait)


def members_by_queue(agents: Iterable[Agent], queues: Iterable[str]) -> dict[str, list[Candidate]]:
    """Each of `queues` -> its members in list order, from one walk over every membership. An
    agent listed twice in a queue counts with its first membership there, as
    `Agent.membership` does."""
    found: dict[str, list[Candidate]] = {queue: [] for queue in queues}
    for agent in agents:
        extension = agent.extension
        for membership in agent.memberships:
            members = found.get(membership.queue)
            # One agent's memberships are added one after the other, so if the agent is
            # already in this queue, it is the queue's last member.
            if members is not None and (not members or members[-1][0] != extension):
                members.append((extension, membership))
    return {queue: list_order(members) for queue, members in found.items()}


class _QueueInPass:
    """One queue during one pass: what is the same for all its calls, each part worked out when
    a call first needs it."""

    def __init__(self, policy: QueuePolicy, members: list[Candidate]) -> None:
        self.policy = policy
        self.members = members  # in list order
        self.strategy = policy.equal_skill_strategy if policy.skill_based else policy.strategy
        self.label = STRATEGY_LABELS[self.strategy]
        self.max_wait = timedelta(seconds=policy.max_wait)
        self.is_empty: bool | None = None  # Leave Empty's verdict, once asked
        # Filled in by `_Pass.find_free_members` when the first call looks for an agent here:
        self.skip_lines: list[str | None] | None = None  # per member: why it cannot be rung; None: free
        self.free: dict[str, Candidate] = {}  # the free members, in list order
        self.slot: dict[str, int] = {}  # a free member's index in `members` and `skip_lines`
        self._skips: tuple[str, ...] | None = None  # `skip_lines` without the Nones
        self._waiting: tuple[str, ...] | None = None  # the trace of a call that finds no free member
        self._ranks: dict[int | None, dict[str, int]] = {}  # see `ring_order`

    def take(self, extension: str, line: str) -> None:
        """The free member `extension` was offered a call, of this queue or another one."""
        assert self.skip_lines is not None
        del self.free[extension]
        self.skip_lines[self.slot.pop(extension)] = line
        self._skips = self._waiting = None

    def skips(self) -> tuple[str, ...]:
        """A call's first trace lines: one per member who cannot be rung, in list order."""
        if self._skips is None:
            assert self.skip_lines is not None
            self._skips = tuple(filter(None, self.skip_lines))
        return self._skips

    def waiting_trace(self) -> tuple[str, ...]:
        """The whole trace of a call that finds no free member. Free members only get fewer, so
        once there are none, this is the trace of every later call of the queue in the pass."""
        if self._waiting is None:
            self._waiting = (*self.skips(), NO_AGENT_AVAILABLE)
        return self._waiting

    def ring_order(self, pool: list[Candidate], top: int | None, rr_last: str | None, rng: random.Random) -> list[Candidate]:
        """`order_candidates` for the queue's strategy. Rrmemory goes round the whole queue (with
        skills: the tier), and Linear's static/dynamic/mixed is the whole queue's make-up: their
        order over the queue is worked out once (Rrmemory with skills: once per tier) and each
        call's pool is sorted by it (see `strategies.queue_order`). The other strategies look at
        the pool alone, which is small."""
        strategy = self.strategy
        if strategy not in (RingStrategy.RRMEMORY, RingStrategy.LINEAR):
            return order_candidates(strategy, pool, all_members=self.members, rr_last=rr_last, rng=rng)
        tier = top if strategy == RingStrategy.RRMEMORY else None
        rank = self._ranks.get(tier)
        if rank is None:
            circle = self.members if tier is None else [c for c in self.members if c[1].skill == tier]
            rank = self._ranks[tier] = {c[0]: i for i, c in enumerate(queue_order(strategy, circle, rr_last=rr_last))}
        return sorted(pool, key=lambda c: rank[c[0]])


class _Pass:
    def __init__(self, snapshot: Snapshot) -> None:
        self.s = snapshot
        self.now = snapshot.now
        self.rng = random.Random(snapshot.random_seed)
        self.ringing_for = {agent: e.id for e in snapshot.entries for agent in e.ringing}
        self.engaged: set[str] = set(self.ringing_for)
        self.traces: dict[str, tuple[str, ...]] = {e.id: () for e in snapshot.entries}
        # Each time noted is after `now`: a deadline, retry or wrap-up still to come.
        self.wakeups: list[datetime] = []
        members = members_by_queue(snapshot.agents.values(), (q.number for q in snapshot.queues.values()))
        self.queues = {key: _QueueInPass(q, members[q.number]) for key, q in snapshot.queues.items()}
        self.free_in: dict[str, list[_QueueInPass]] = {}  # agent -> the queues where it is free
        self._shared_wrapup_ends: dict[str, datetime | None] | None = None

    def failover(self, entry: WaitingEntry) -> FailoverReason | None:
        queue = self.queues.get(entry.queue)
        if queue is None:
            self.traces[entry.id] = (f"queue {entry.queue} no longer exists",)
            return FailoverReason.QUEUE_EMPTY
        deadline = entry.deadline or entry.joined_at + queue.max_wait  # deadline_of
        if self.now >= deadline:
            self.traces[entry.id] = (f"waited until {deadline:%H:%M:%S}: the maximum waiting time is reached",)
            return FailoverReason.TIMED_OUT
        self.wakeups.append(deadline)
        # A caller whose call is ringing an agent right now has an agent: Leave Empty waits.
        if queue.policy.leave_when_empty is not None and not entry.callback and not entry.ringing and self.is_empty(queue):
            self.traces[entry.id] = ("no agent can take calls (Leave Empty)",)
            return FailoverReason.QUEUE_EMPTY
        return None

    def is_empty(self, queue: _QueueInPass) -> bool:
        """Leave Empty's verdict, once per queue: it does not depend on the call."""
        if queue.is_empty is None:
            policy = queue.policy
            assert policy.leave_when_empty is not None
            members = {extension: self.s.agents[extension] for extension, _ in queue.members}
            queue.is_empty = queue_is_empty(
                policy, policy.leave_when_empty, members, now=self.now, queues=self.s.queues,
                shared_wrapup=self.s.shared_wrapup, ringing=self.ringing_for,
            )
        return queue.is_empty

    def find_free_members(self, queue: _QueueInPass) -> None:
        """Who of the queue's members can be rung in this pass, and the trace line of each of the
        others. None of it depends on the call: "ringing for another call" means "ringing at
        all", as calls that are ringing never look for an agent."""
        skip_lines: list[str | None] = []
        reasons = unavailable_reasons(
            queue.policy, queue.members, self.s.agents, now=self.now,
            wrapup_ends=self.shared_wrapup_ends_by_agent(), ringing=self.ringing_for,
        )
        engaged, free, slot, free_in = self.engaged, queue.free, queue.slot, self.free_in
        for candidate, (reason, wrapup_ends) in zip(queue.members, reasons, strict=True):
            extension = candidate[0]
            if reason is not None:
                skip_lines.append(f"{extension}: skipped, {reason}")
                if wrapup_ends is not None:
                    self.wakeups.append(wrapup_ends)  # no event will say that it is over
            elif extension in engaged:
                skip_lines.append(_taken_line(extension))
            else:
                free[extension] = candidate
                slot[extension] = len(skip_lines)
                free_in.setdefault(extension, []).append(queue)
                skip_lines.append(None)
        queue.skip_lines = skip_lines

    def shared_wrapup_ends_by_agent(self) -> dict[str, datetime | None] | None:
        """With the global shared wrap-up, each agent's end of it (the same in all its queues),
        worked out once per pass; None without."""
        if not self.s.shared_wrapup:
            return None
        if self._shared_wrapup_ends is None:
            self._shared_wrapup_ends = {a.extension: shared_wrapup_ends(a, self.s.queues) for a in self.s.agents.values()}
        return self._shared_wrapup_ends

    def engage(self, extension: str) -> None:
        self.engaged.add(extension)
        line = _taken_line(extension)
        for queue in self.free_in.pop(extension, ()):
            queue.take(extension, line)

    def offer(self, entry: WaitingEntry, priority_now: int) -> Offer | None:
        if entry.ringing:
            self.traces[entry.id] = (f"ringing {', '.join(sorted(entry.ringing))}",)
            return None
        if entry.retry_until is not None and self.now < entry.retry_until:
            self.traces[entry.id] = (f"retry interval until {entry.retry_until:%H:%M:%S}",)
            self.wakeups.append(entry.retry_until)
            return None
        queue = self.queues[entry.queue]
        if queue.skip_lines is None:
            self.find_free_members(queue)
        if not queue.free:
            self.traces[entry.id] = queue.waiting_trace()
            return None
        return self.choose(entry, queue, priority_now)

    def choose(self, entry: WaitingEntry, queue: _QueueInPass, priority_now: int) -> Offer:
        """Whom of the queue's free members to ring for the entry, by the queue's strategy."""
        policy, strategy, label = queue.policy, queue.strategy, queue.label
        trace = list(queue.skips())
        pool, new_round = list(queue.free.values()), False
        if entry.tried and (policy.skill_based or strategy != RingStrategy.RING_ALL):
            untried = [c for c in pool if c[0] not in entry.tried]
            if untried:
                trace += [f"{c[0]}: skipped, already rung in this round" for c in pool if c[0] in entry.tried]
                pool = untried
            else:
                trace.append("every available agent was rung: a new round starts")
                new_round = True
        top = None
        if policy.skill_based:
            top = min(c[1].skill for c in pool)
            trace += [f"{e}: waits, skill level {m.skill} is below level {top}" for e, m in pool if m.skill != top]
            pool = [c for c in pool if c[1].skill == top]
        ordered = queue.ring_order(pool, top, self.s.rr_last.get(policy.number), self.rng)
        chosen = ordered if strategy == RingStrategy.RING_ALL else ordered[:1]
        tier = f", skill level {top}" if policy.skill_based else ""
        for extension, _ in chosen:
            trace.append(f"{extension}: ring ({label}{tier}, call priority {priority_now})")
            self.engage(extension)
        trace += [f"{extension}: available, next in {label} order" for extension, _ in ordered[len(chosen):]]
        self.traces[entry.id] = tuple(trace)
        return Offer(entry.id, policy.number, tuple([c[0] for c in chosen]), policy.agent_timeout, new_round)

    def run(self) -> Decision:
        failovers: list[Failover] = []
        live: list[tuple[tuple[int, datetime, str], int, WaitingEntry]] = []
        for entry in self.s.entries:
            reason = self.failover(entry)
            if reason is not None:
                failovers.append(Failover(entry.id, entry.queue, reason))
                continue
            priority_now = priority(entry, self.s.queues[entry.queue], self.now)
            # `priority.routing_order`, with the priority worked out once per entry
            live.append(((-priority_now, entry.joined_at, entry.id), priority_now, entry))
        live.sort(key=itemgetter(0))
        priorities = {entry.id: priority_now for _, priority_now, entry in live}
        offers = [offer for _, priority_now, entry in live if (offer := self.offer(entry, priority_now)) is not None]
        return Decision(
            offers=tuple(offers),
            failovers=tuple(failovers),
            traces=self.traces,
            next_wakeup=min(self.wakeups, default=None),
            priorities=priorities,
        )


def _taken_line(extension: str) -> str:
    return f"{extension}: skipped, offered a higher-priority call in this pass"


def decide(snapshot: Snapshot) -> Decision:
    """The pure decision pass; see the module docstring."""
    return _Pass(snapshot).run()
