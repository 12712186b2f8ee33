"""Live routing: keeps the waiting entries and the agents' runtime facts, calls the decision core
on every event that can change a decision (join, leave, ring ended, answer, hang-up, device
state, config change, and the core's own next wake-up), and hands its offers and failovers to
the calls. It never polls."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, deque
from dataclasses import dataclass, field, replace
from functools import cached_property
from datetime import datetime, timedelta
from typing import Any, Awaitable, Callable, Mapping, Protocol, Sequence

from yeastar_ctl.acd.auto_pause import MissCounts
from yeastar_ctl.acd.capacity import JoinVerdict, check_join
from yeastar_ctl.acd.engine import decide
from yeastar_ctl.acd.model import Agent, Decision, Membership, QueuePolicy, Snapshot, WaitingEntry
from yeastar_ctl.acd.vocabulary import DeviceStatus, FailoverReason
from yeastar_ctl.db.enums import AgentEventKind, MemberKind
from yeastar_ctl.services.agent_commands import StateChange
from yeastar_ctl.services.agent_state import LOGGED_OUT, AgentQueueState, apply_event
from yeastar_ctl.services.config_snapshot import MemberConfig
from yeastar_ctl.telephony.acd_inputs import membership
from yeastar_ctl.telephony.ports import QueueRoute

log = logging.getLogger(__name__)
ANSWER_WAIT_SAMPLES = 20  # recent answered calls per queue behind the estimated hold time


class RoutedCall(Protocol):
    """What the distributor asks of a waiting call."""

    def ring(self, agents: Sequence[str], timeout: int) -> None: ...

    def fail_over(self, reason: FailoverReason) -> None: ...


@dataclass(frozen=True)
class RoutingConfig:
    queues: Mapping[str, QueuePolicy]
    members: Mapping[str, tuple[MemberConfig, ...]]  # queue -> members
    agent_states: Mapping[tuple[str, str], AgentQueueState]
    pause_names: Mapping[str, str]
    shared_wrapup: bool
    do_not_disturb: frozenset[str] = frozenset()  # extensions whose presence is Do Not Disturb
    # What a caller joining each queue needs (settings, business hours), so a join reads memory.
    routes: Mapping[str, QueueRoute] = field(default_factory=dict)

    @cached_property
    def member_of(self) -> dict[str, tuple[tuple[str, MemberConfig], ...]]:
        """extension -> (queue, member) for every queue it is an agent of, in queue order."""
        found: dict[str, list[tuple[str, MemberConfig]]] = {}
        for queue, members in sorted(self.members.items()):
            for member in members:
                found.setdefault(member.extension, []).append((queue, member))
        return {extension: tuple(pairs) for extension, pairs in found.items()}

    def extensions(self) -> set[str]:
        return set(self.member_of)

    def queues_of(self, extension: str) -> list[str]:
        return [queue for queue, _ in self.member_of.get(extension, ())]


class DeviceView(Protocol):
    def status(self, extension: str) -> DeviceStatus: ...

    async def watch(self, extensions: set[str]) -> None: ...


@dataclass(eq=False)
class LiveEntry:
    id: str
    call: RoutedCall
    queue: str
    joined_at: datetime
    callback: bool = False
    ringing: set[str] = field(default_factory=set)
    tried: set[str] = field(default_factory=set)
    retry_until: datetime | None = None
    deadline: datetime | None = None

    def as_waiting(self) -> WaitingEntry:
        return WaitingEntry(
            self.id, self.queue, self.joined_at, callback=self.callback,
            ringing=frozenset(self.ringing), tried=frozenset(self.tried), retry_until=self.retry_until,
            deadline=self.deadline,
        )


AutoPause = Callable[[str, str, datetime], Awaitable[None]]


class Distributor:
    def __init__(
        self,
        *,
        load_config: Callable[[], Awaitable[RoutingConfig]],
        devices: DeviceView,
        clock: Callable[[], datetime],
        random_seed: Callable[[], int],
        auto_pause: AutoPause,
    ) -> None:
        self._load_config = load_config
        self._devices = devices
        self._clock = clock
        self._random_seed = random_seed
        self._auto_pause = auto_pause
        self._config: RoutingConfig | None = None
        self._started_at = clock()
        self._entries: dict[str, LiveEntry] = {}
        self._talking: set[str] = set()
        self._last_end: dict[tuple[str, str], datetime] = {}
        self._completed: Counter[tuple[str, str]] = Counter()
        self._rr_last: dict[str, str] = {}
        self._answer_waits: dict[str, deque[float]] = {}
        self._misses = MissCounts()
        self._pass_scheduled = False
        self._timer: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._config_listeners: list[Callable[[RoutingConfig], Awaitable[None]]] = []
        self._reload_wanted = False
        self._reloading: asyncio.Future[RoutingConfig] | None = None
        # Each agent's memberships as the core sees them: rebuilt only when the configuration,
        # the agent's state or its last call changes, not on every decision pass.
        self._memberships: dict[str, tuple[Membership, ...]] = {}
        self._stale: set[str] = set()
        # The core's Agent values, kept while nothing about the agent changed (the core indexes
        # each agent's memberships once, not every pass).
        self._agent_values: dict[str, Agent] = {}
        self.last_decision: Decision | None = None

    def on_config(self, listener: Callable[[RoutingConfig], Awaitable[None]]) -> None:
        """Call `listener` with every configuration loaded (e.g. to set BLF lamps)."""
        self._config_listeners.append(listener)

    # -- configuration ---------------------------------------------------------------------------

    async def refresh_config(self) -> RoutingConfig:
        """Load the configuration and the agents' state again (at start-up, and when something
        says it changed: Apply, a portal or API change, a feature code, an auto pause). Calls go
        on with the previous configuration meanwhile; requests during a load give one more."""
        self._reload_wanted = True
        if self._reloading is None:
            self._reloading = asyncio.ensure_future(self._reload())
        return await asyncio.shield(self._reloading)

    async def _reload(self) -> RoutingConfig:
        try:
            while True:
                self._reload_wanted = False
                config = await self._load_config()
                self._set_config(config)
                if not self._reload_wanted:
                    break
            await self._devices.watch(config.extensions())
            for listener in self._config_listeners:
                self._spawn(listener(config))
            return config
        finally:
            self._reloading = None

    def _set_config(self, config: RoutingConfig) -> None:
        self._config = config
        self._memberships.clear()
        self.schedule_pass()

    def config_changed(self) -> None:
        """Something changed the configuration: reload it in the background."""
        self._spawn(self._first_config())

    async def queue_route(self, number: str) -> QueueRoute | None:
        """The queue a caller dialed, from the loaded configuration (QueueDirectory)."""
        return (await self._ensure_config()).routes.get(number)

    def agents_changed(self, changes: Sequence[StateChange], at: datetime) -> None:
        """Agents logged in/out or (un)paused (feature codes): applied to the loaded state the
        way their event rows are projected (services/agent_projection), with no reload. A pause
        or a logout clears the agent's missed-call count (seed, Agent Auto Pause)."""
        config = self._config
        if config is None:
            self.config_changed()
            return
        states = dict(config.agent_states)
        for change in changes:
            agent = change.agent
            if change.kind in (AgentEventKind.PAUSE, AgentEventKind.LOGOUT):
                self._misses = self._misses.cleared(agent)
            for queue in self._queues_of_change(config, states, change):
                states[(agent, queue)] = apply_event(states.get((agent, queue), LOGGED_OUT), change.kind, at,
                                                     change.reason)
            self._stale.add(agent)
        self._states_changed(replace(config, agent_states=states))

    @staticmethod
    def _queues_of_change(config: RoutingConfig, states: Mapping[tuple[str, str], AgentQueueState],
                          change: StateChange) -> list[str]:
        """A row with no queue is every dynamic queue of the agent; a logout of all, only those
        the agent is logged in to."""
        if change.queue is not None:
            return [change.queue]
        dynamic = [q for q, m in config.member_of.get(change.agent, ()) if m.kind == MemberKind.DYNAMIC]
        if change.kind == AgentEventKind.LOGOUT:
            return [q for q in dynamic if states.get((change.agent, q), LOGGED_OUT).logged_in]
        return dynamic

    def _states_changed(self, config: RoutingConfig) -> None:
        self._config = config
        if self._reloading is not None:
            self._reload_wanted = True  # a load under way may have read the rows before the change
        self.schedule_pass()
        for listener in self._config_listeners:
            self._spawn(listener(config))

    async def _ensure_config(self) -> RoutingConfig:
        return self._config if self._config is not None else await self.refresh_config()

    # -- events from calls -------------------------------------------------------------------------

    async def join(self, entry: LiveEntry) -> JoinVerdict:
        config = await self._ensure_config()
        policy = config.queues.get(entry.queue)
        if policy is None:
            return JoinVerdict(False, FailoverReason.QUEUE_EMPTY, f"queue {entry.queue} does not exist")
        waiting = sum(1 for e in self._entries.values() if e.queue == entry.queue)
        verdict = check_join(
            policy, waiting, self._agents(config), now=self._clock(), queues=config.queues,
            shared_wrapup=config.shared_wrapup, ringing=self._ringing(),
        )
        if verdict.allowed:
            self._entries[entry.id] = entry
            self.schedule_pass()
        return verdict

    def rejoin(self, entry: LiveEntry) -> None:
        """A call picked up again after a restart: it keeps its place (its original join time)
        with no join checks, which it passed when it first joined."""
        self._entries[entry.id] = entry
        self.schedule_pass()

    def restore(self, last_end: Mapping[tuple[str, str], datetime], completed: Mapping[tuple[str, str], int],
                rr_last: Mapping[str, str]) -> None:
        """Routing facts a previous process built up, read back from the rows at start-up."""
        for key, at in last_end.items():
            if key not in self._last_end or self._last_end[key] < at:
                self._last_end[key] = at
        for key, count in completed.items():
            self._completed[key] = max(self._completed[key], count)
        for queue, agent in rr_last.items():
            self._rr_last.setdefault(queue, agent)
        self._memberships.clear()
        self.schedule_pass()

    def talking(self, agent: str) -> None:
        """An agent in a call picked up again after a restart."""
        self._talking.add(agent)
        self.schedule_pass()

    def to_callback(self, entry_id: str, deadline: datetime | None) -> None:
        """The caller hung up asking for a callback: the entry keeps its place and priority."""
        entry = self._entries.get(entry_id)
        if entry is not None:
            entry.callback = True
            entry.deadline = deadline
            self.schedule_pass()

    def leave(self, entry_id: str) -> None:
        if self._entries.pop(entry_id, None) is not None:
            self.schedule_pass()

    def ring_ended(self, entry_id: str, results: Mapping[str, str]) -> None:
        """Every agent rung in the last offer has stopped ringing, none answered."""
        now = self._clock()
        entry = self._entries.get(entry_id)
        if entry is not None:
            entry.ringing.difference_update(results)
            entry.tried.update(results)
            policy = self._config.queues.get(entry.queue) if self._config else None
            if policy is not None:
                entry.retry_until = now + timedelta(seconds=policy.retry_interval)
                self._count_misses(policy, results, now)
        self.schedule_pass()

    def position(self, entry_id: str) -> tuple[int, float | None]:
        """The caller's place in its queue (1 = next) and the queue's recent average wait before
        an answer (None until some call was answered), for the position announcement."""
        entry = self._entries.get(entry_id)
        if entry is None:
            return (1, None)
        ahead = sum(1 for e in self._entries.values() if e.queue == entry.queue and e.joined_at < entry.joined_at)
        waits = self._answer_waits.get(entry.queue)
        return (ahead + 1, sum(waits) / len(waits) if waits else None)

    def answered(self, entry_id: str, agent: str) -> None:
        entry = self._entries.get(entry_id)
        if entry is not None:
            waits = self._answer_waits.setdefault(entry.queue, deque(maxlen=ANSWER_WAIT_SAMPLES))
            waits.append((self._clock() - entry.joined_at).total_seconds())
        self._entries.pop(entry_id, None)
        self._talking.add(agent)
        # Seed: the missed-call count is cleared when the agent answers a queue call.
        self._misses = self._misses.cleared(agent)
        self.schedule_pass()

    def talk_ended(self, agent: str, queue: str) -> None:
        self._talking.discard(agent)
        self._last_end[(agent, queue)] = self._clock()
        self._completed[(agent, queue)] += 1
        self._stale.add(agent)
        self.schedule_pass()

    def device_changed(self) -> None:
        self.schedule_pass()

    def waiting_entries(self) -> list[LiveEntry]:
        return list(self._entries.values())

    def routing_view(self) -> dict[str, Any]:
        """The last decision, for the queue panel and the JSON API: every waiting call with its
        priority, what rings for it, and the trace of why."""
        decision = self.last_decision
        priorities = decision.priorities if decision else {}
        traces = decision.traces if decision else {}
        entries = sorted(
            self._entries.values(), key=lambda e: (-priorities.get(e.id, 0), e.joined_at, e.id),
        )
        return {
            "waiting": [
                {
                    "call_id": e.id,
                    "queue": e.queue,
                    "joined_at": e.joined_at.isoformat(),
                    "callback": e.callback,
                    "priority": priorities.get(e.id),
                    "ringing": sorted(e.ringing),
                    "tried": sorted(e.tried),
                    "retry_until": e.retry_until.isoformat() if e.retry_until else None,
                    "trace": list(traces.get(e.id, ())),
                }
                for e in entries
            ],
            "next_wakeup": decision.next_wakeup.isoformat() if decision and decision.next_wakeup else None,
        }

    # -- auto pause --------------------------------------------------------------------------------

    def _count_misses(self, policy: QueuePolicy, results: Mapping[str, str], now: datetime) -> None:
        for agent, result in results.items():
            self._misses, pause = self._misses.after_ring(agent, policy, result)
            if pause:
                self._misses = self._misses.cleared(agent)
                self._mark_paused(agent, policy.number)
                self._spawn(self._record_auto_pause(agent, policy.number, now))

    async def _record_auto_pause(self, agent: str, queue: str, at: datetime) -> None:
        log.info("agent %s auto-paused in %s after consecutive missed calls", agent, queue)
        await self._auto_pause(agent, queue, at)

    def _mark_paused(self, agent: str, queue: str) -> None:
        if self._config is None:
            return
        states = dict(self._config.agent_states)
        current = states.get((agent, queue), AgentQueueState())
        states[(agent, queue)] = AgentQueueState(current.logged_in, current.login_at, True, None)
        self._stale.add(agent)
        self._states_changed(replace(self._config, agent_states=states))

    # -- the decision pass -------------------------------------------------------------------------

    def schedule_pass(self) -> None:
        """Coalesce: many events in one loop turn give one pass."""
        if not self._pass_scheduled:
            self._pass_scheduled = True
            asyncio.get_running_loop().call_soon(self._pass)

    def _ringing(self) -> set[str]:
        return {agent for e in self._entries.values() for agent in e.ringing}

    def _agent_memberships(self, config: RoutingConfig) -> dict[str, tuple[Membership, ...]]:
        if not self._memberships:
            self._stale = set(config.member_of)
        for extension in self._stale:
            pairs = config.member_of.get(extension)
            if pairs is None:
                self._memberships.pop(extension, None)
                continue
            self._memberships[extension] = tuple(
                membership(
                    queue, member, config.agent_states.get((extension, queue)),
                    static_since=self._started_at, pause_names=config.pause_names,
                    last_call_ended_at=self._last_end.get((extension, queue)),
                    calls_completed=self._completed[(extension, queue)],
                )
                for queue, member in pairs
            )
        self._stale.clear()
        return self._memberships

    def _agents(self, config: RoutingConfig) -> dict[str, Agent]:
        by_extension = self._agent_memberships(config)
        agents: dict[str, Agent] = {}
        for extension in sorted(by_extension):
            memberships = by_extension[extension]
            device = DeviceStatus.IN_USE if extension in self._talking else self._devices.status(extension)
            dnd = extension in config.do_not_disturb
            agent = self._agent_values.get(extension)
            if agent is None or agent.memberships is not memberships or agent.device != device \
                    or agent.do_not_disturb != dnd:
                agent = self._agent_values[extension] = Agent(extension, device, memberships, do_not_disturb=dnd)
            agents[extension] = agent
        return agents

    def snapshot(self) -> Snapshot | None:
        config = self._config
        if config is None:
            return None
        return Snapshot(
            now=self._clock(),
            queues=config.queues,
            agents=self._agents(config),
            entries=tuple(e.as_waiting() for e in self._entries.values()),
            shared_wrapup=config.shared_wrapup,
            rr_last=dict(self._rr_last),
            random_seed=self._random_seed(),
        )

    def _pass(self) -> None:
        self._pass_scheduled = False
        if self._config is not None and not self._entries:
            # Nobody waits: nothing to decide (a pass over 200 agents in 40 queues costs ~2 ms,
            # and phones changing state would call for one several times a call).
            self.last_decision = None
            self._set_timer(None, self._clock())
            return
        snapshot = self.snapshot()
        if snapshot is None:
            self._spawn(self._first_config())
            return
        decision = decide(snapshot)
        self.last_decision = decision
        for failover in decision.failovers:
            entry = self._entries.pop(failover.entry_id, None)
            if entry is not None:
                entry.call.fail_over(failover.reason)
        for offer in decision.offers:
            entry = self._entries[offer.entry_id]
            if offer.new_round:
                entry.tried.clear()
            entry.ringing.update(offer.agents)
            entry.retry_until = None
            self._rr_last[offer.queue] = offer.agents[-1]
            log.info("call %s in %s: ring %s", entry.id, entry.queue, ", ".join(offer.agents))
            entry.call.ring(offer.agents, offer.timeout)
        self._set_timer(decision.next_wakeup, snapshot.now)

    def _set_timer(self, wakeup: datetime | None, now: datetime) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if wakeup is not None:
            delay = max(0.0, (wakeup - now).total_seconds())
            self._timer = asyncio.get_running_loop().call_later(delay, self.schedule_pass)

    async def _first_config(self) -> None:
        try:
            await self.refresh_config()
        except Exception:
            log.exception("cannot load the routing configuration")

    def _spawn(self, coro: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
