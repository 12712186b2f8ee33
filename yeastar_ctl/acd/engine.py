"""One decision pass: which waiting entries leave for their failover, and which agents to ring.

Entries are served in priority order (queue weight with acceleration, then longest wait), so an
agent who belongs to several queues gets the highest-priority call first. Each entry gets at
most one offer in progress: one agent, or every agent of the tier with Ring All. An agent is
offered to at most one entry at a time.

How a pass stays cheap (docs/performance.md, "ACD decision pass"): what is the same for every
call of a queue is worked out once per pass, not per call. `_QueueInPass` holds it for one
queue: its members, which of them are free to be rung (only those are sorted into list order),
Leave Empty's verdict, and what the ring strategies that look at the whole queue need to know
about it (`strategies.QueueOrder`). All that changes during a pass
is who has been offered a call, and that only grows: an agent offered a call is taken out of the
free members of each of its queues and added to each one's `SkipTable` (the members who cannot
be rung, with the reason). A call's trace is noted as a recipe, the table's version and what
the call adds to it, and rendered into text only when it is read (`traces.Traces`).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import datetime, timedelta

from yeastar_ctl.acd.capacity import members_absent
from yeastar_ctl.acd.eligibility import shared_wrapup_ends, unavailable_reasons
from yeastar_ctl.acd.model import Agent, Decision, Failover, Offer, QueuePolicy, Snapshot, WaitingEntry
from yeastar_ctl.acd.priority import priority_at
from yeastar_ctl.acd.strategies import Candidate, QueueOrder, list_order
from yeastar_ctl.acd.traces import (
    LEAVE_EMPTY_TRACE, TAKEN, Recipe, SkipTable, Traces, as_is, gone_trace, offer_trace, retry_trace,
    ringing_trace, timed_out_trace, waiting_trace,
)
from yeastar_ctl.acd.vocabulary import FailoverReason, RingStrategy

STRATEGY_LABELS = {
    RingStrategy.RING_ALL: "Ring All",
    RingStrategy.LEAST_RECENT: "Least Recent",
    RingStrategy.FEWEST_CALLS: "Fewest Calls",
    RingStrategy.RANDOM: "Random",
    RingStrategy.RRMEMORY: "Rrmemory",
    RingStrategy.LINEAR: "Linear",
}


def members_by_queue(agents: Iterable[Agent], queues: Iterable[str]) -> dict[str, list[Candidate]]:
    """Each of `queues` -> its members, in the order of `agents`, from one walk over every
    membership. An agent listed twice in a queue counts with its first membership there, as
    `Agent.membership` does."""
    found: dict[str, list[Candidate]] = {queue: [] for queue in queues}
    wanted = len(found)
    for agent in agents:
        extension, index = agent.extension, agent.by_queue
        if wanted <= len(agent.memberships):
            # Few queues wanted (an agent of 40 queues, calls in one or two): look them up.
            for queue, members in found.items():
                membership = index.get(queue)
                if membership is not None:
                    members.append((extension, membership))
        else:
            for membership in agent.memberships:
                listed = found.get(membership.queue)
                if listed is not None and index[membership.queue] is membership:
                    listed.append((extension, membership))
    return found


class _QueueInPass:
    """One queue during one pass: what is the same for all its calls, each part worked out when
    a call first needs it."""

    __slots__ = (
        "policy", "members", "strategy", "label", "max_wait", "joined_by", "first_joined", "priority",
        "leave_when_empty", "ring_all", "rounds", "is_empty", "table", "free", "order",
    )

    def __init__(self, policy: QueuePolicy, members: list[Candidate], now: datetime) -> None:
        self.policy = policy
        self.members = members  # in the snapshot's order of agents; list order is worked out for who is free
        self.strategy = policy.equal_skill_strategy if policy.skill_based else policy.strategy
        self.label = STRATEGY_LABELS[self.strategy]
        self.max_wait = timedelta(seconds=policy.max_wait)
        # A call that joined by then has reached the maximum wait (unless it has its own deadline).
        self.joined_by = now - self.max_wait
        # The first to join of the calls that have not: the earliest of their deadlines is its.
        self.first_joined: datetime | None = None
        self.priority = priority_at(policy, now)
        self.leave_when_empty = policy.leave_when_empty is not None
        # Whether the agents a call already rang in its round are left out (not with plain Ring All).
        self.ring_all = self.strategy == RingStrategy.RING_ALL
        self.rounds = policy.skill_based or not self.ring_all
        self.is_empty: bool | None = None  # Leave Empty's verdict, once asked
        # Filled in by `_Pass.find_free_members` when the first call looks for an agent here:
        self.table: SkipTable | None = None
        self.free: dict[str, Candidate] = {}  # the free members, in list order
        self.order: QueueOrder | None = None


class _Pass:
    def __init__(self, snapshot: Snapshot) -> None:
        self.s = snapshot
        self.now = snapshot.now
        self.rng = random.Random(snapshot.random_seed)
        self.ringing_for = {agent: e.id for e in snapshot.entries for agent in e.ringing}
        self.engaged: set[str] = set(self.ringing_for)
        # Every entry gets its recipe during the pass; the traces keep the entries' order.
        self.recipes: dict[str, Recipe] = dict.fromkeys([e.id for e in snapshot.entries], (as_is, ()))
        # Each time noted is after `now`: a deadline, retry or wrap-up still to come.
        self.wakeups: list[datetime] = []
        # Only the queues calls wait in: a pass never looks at another queue's members, and
        # walking every membership of every queue (200 agents x 40 queues) cost more than the rest.
        waited_in = {e.queue for e in snapshot.entries if e.queue in snapshot.queues}
        members = members_by_queue(snapshot.agents.values(), (snapshot.queues[q].number for q in waited_in))
        self.queues = {key: _QueueInPass(snapshot.queues[key], members[snapshot.queues[key].number], self.now)
                       for key in waited_in}
        self.free_in: dict[str, list[_QueueInPass]] = {}  # agent -> the queues where it is free
        self._shared_wrapup_ends: dict[str, datetime | None] | None = None

    def is_empty(self, queue: _QueueInPass) -> bool:
        """Leave Empty's verdict, once per queue: it does not depend on the call."""
        if queue.is_empty is None:
            policy, agents = queue.policy, self.s.agents
            assert policy.leave_when_empty is not None
            queue.is_empty = members_absent(
                policy, policy.leave_when_empty, ((agents[extension], m) for extension, m in queue.members),
                now=self.now, queues=self.s.queues, shared_wrapup=self.s.shared_wrapup, ringing=self.ringing_for,
            )
        return queue.is_empty

    def find_free_members(self, queue: _QueueInPass) -> SkipTable:
        """Who of the queue's members can be rung in this pass, and why each of the others
        cannot. None of it depends on the call: "ringing for another call" means "ringing at
        all", as calls that are ringing never look for an agent."""
        members, engaged, free, free_in = queue.members, self.engaged, queue.free, self.free_in
        reasons = unavailable_reasons(
            queue.policy, members, self.s.agents, now=self.now, wrapup_ends=self.shared_wrapup_ends_by_agent(),
            ringing=self.ringing_for, wrapup_until=self.wakeups,
        )
        available = []
        for i, reason in enumerate(reasons):
            if reason is None:
                if members[i][0] in engaged:
                    reasons[i] = TAKEN
                else:
                    available.append(members[i])
        for candidate in list_order(available):
            free[candidate[0]] = candidate
            free_in.setdefault(candidate[0], []).append(queue)
        queue.table = SkipTable(queue.members, reasons)
        queue.order = QueueOrder(queue.strategy, queue.members, self.s.rr_last.get(queue.policy.number))
        return queue.table

    def shared_wrapup_ends_by_agent(self) -> dict[str, datetime | None] | None:
        """With the global shared wrap-up, each agent's end of it (the same in all its queues),
        worked out once per pass; None without."""
        if not self.s.shared_wrapup:
            return None
        if self._shared_wrapup_ends is None:
            self._shared_wrapup_ends = {a.extension: shared_wrapup_ends(a, self.s.queues) for a in self.s.agents.values()}
        return self._shared_wrapup_ends

    def choose(self, entry: WaitingEntry, queue: _QueueInPass, table: SkipTable, priority_now: int) -> Offer:
        """Whom of the queue's free members to ring for the entry, by the queue's strategy."""
        policy = queue.policy
        free = list(queue.free.values())
        pool, tried, new_round = free, None, False
        if entry.tried and queue.rounds:
            tried = entry.tried
            pool = [c for c in free if c[0] not in tried]
            if not pool:  # every available agent was rung: a new round starts
                pool, new_round = free, True
        top = None
        if policy.skill_based:
            top = min([c[1].skill for c in pool])
            pool = [c for c in pool if c[1].skill == top]
        assert queue.order is not None
        ordered = queue.order.order(pool, top, self.rng)
        rung = len(ordered) if queue.ring_all else 1
        # The skip lines as they are before this offer takes its agents.
        self.recipes[entry.id] = (offer_trace, table, len(table.taken), free, tried, top, ordered, rung, queue.label, priority_now)
        chosen = tuple([c[0] for c in ordered[:rung]])
        engaged, free_in = self.engaged, self.free_in
        for extension in chosen:  # taken out of the free members of each of its queues
            engaged.add(extension)
            for other in free_in.pop(extension, ()):
                del other.free[extension]
                other.table.taken.append(extension)  # type: ignore[union-attr]  # it has free members: it has a table
        return Offer(entry.id, policy.number, chosen, policy.agent_timeout, new_round)

    def run(self) -> Decision:
        now, queues, recipes, wakeups, entries = self.now, self.queues, self.recipes, self.wakeups, self.s.entries
        failovers: list[Failover] = []
        live: list[tuple[int, datetime, str, int]] = []  # `priority.routing_order`, then the entry's index
        for i, entry in enumerate(entries):
            queue = queues.get(entry.queue)
            if queue is None:
                recipes[entry.id] = (gone_trace, entry.queue)
                failovers.append(Failover(entry.id, entry.queue, FailoverReason.QUEUE_EMPTY))
                continue
            # The deadline is the entry's own, or its joining plus the maximum wait (`joined_by`).
            joined, deadline = entry.joined_at, entry.deadline
            if deadline is not None and now < deadline:
                wakeups.append(deadline)
            elif deadline is None and joined > queue.joined_by:
                if queue.first_joined is None or joined < queue.first_joined:
                    queue.first_joined = joined
            else:
                recipes[entry.id] = (timed_out_trace, deadline or joined + queue.max_wait)
                failovers.append(Failover(entry.id, entry.queue, FailoverReason.TIMED_OUT))
                continue
            # A caller whose call is ringing an agent right now has an agent: Leave Empty waits.
            if queue.leave_when_empty and not entry.callback and not entry.ringing and self.is_empty(queue):
                recipes[entry.id] = (as_is, LEAVE_EMPTY_TRACE)
                failovers.append(Failover(entry.id, entry.queue, FailoverReason.QUEUE_EMPTY))
                continue
            live.append((-queue.priority(entry), joined, entry.id, i))
        wakeups += [q.first_joined + q.max_wait for q in queues.values() if q.first_joined is not None]
        live.sort()
        priorities = {entry_id: -negated for negated, _, entry_id, _ in live}
        offers: list[Offer] = []
        for negated, _, entry_id, i in live:
            entry = entries[i]
            if entry.ringing:
                recipes[entry_id] = (ringing_trace, entry.ringing)
                continue
            retry_until = entry.retry_until
            if retry_until is not None and now < retry_until:
                recipes[entry_id] = (retry_trace, retry_until)
                wakeups.append(retry_until)
                continue
            queue = queues[entry.queue]
            table = queue.table or self.find_free_members(queue)
            if queue.free:
                offers.append(self.choose(entry, queue, table, -negated))
            else:
                recipes[entry_id] = (waiting_trace, table, len(table.taken))
        return Decision(
            offers=tuple(offers),
            failovers=tuple(failovers),
            traces=Traces(recipes),
            next_wakeup=min(wakeups, default=None),
            priorities=priorities,
        )


def decide(snapshot: Snapshot) -> Decision:
    """The pure decision pass; see the module docstring."""
    return _Pass(snapshot).run()
