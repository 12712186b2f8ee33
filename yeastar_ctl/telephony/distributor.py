"""Live routing: keeps the waiting entries and the agents' runtime facts, calls the decision core
on every event that can change a decision (join, leave, ring ended, answer, hang-up, device
state, config change, and the core's own next wake-up), and hands its offers and failovers to
the calls. It never polls."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, deque
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Awaitable, Callable, Mapping, Protocol, Sequence

from yeastar_ctl.acd.auto_pause import MissCounts
from yeastar_ctl.acd.capacity import JoinVerdict, check_join
from yeastar_ctl.acd.engine import decide
from yeastar_ctl.acd.model import Agent, Decision, Membership, QueuePolicy, Snapshot, WaitingEntry
from yeastar_ctl.acd.vocabulary import DeviceStatus, FailoverReason
from yeastar_ctl.services.agent_state import AgentQueueState
from yeastar_ctl.services.config_snapshot import MemberConfig
from yeastar_ctl.telephony.acd_inputs import membership

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

    def extensions(self) -> set[str]:
        return {m.extension for members in self.members.values() for m in members}

    def queues_of(self, extension: str) -> list[str]:
        return [q for q, members in self.members.items() if any(m.extension == extension for m in members)]


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
        self.last_decision: Decision | None = None

    def on_config(self, listener: Callable[[RoutingConfig], Awaitable[None]]) -> None:
        """Call `listener` with every configuration loaded (e.g. to set BLF lamps)."""
        self._config_listeners.append(listener)

    # -- configuration ---------------------------------------------------------------------------

    async def refresh_config(self) -> RoutingConfig:
        config = await self._load_config()
        self._config = config
        await self._devices.watch(config.extensions())
        self.schedule_pass()
        for listener in self._config_listeners:
            await listener(config)
        return config

    async def agents_changed(self, cleared: set[str]) -> None:
        """Agents logged in/out or (un)paused; those in `cleared` were paused or logged out, which
        clears their missed-call count (seed, Agent Auto Pause)."""
        for agent in cleared:
            self._misses = self._misses.cleared(agent)
        await self.refresh_config()

    async def _ensure_config(self) -> RoutingConfig:
        return self._config if self._config is not None else await self.refresh_config()

    # -- events from calls -------------------------------------------------------------------------

    async def join(self, entry: LiveEntry) -> JoinVerdict:
        # A join reloads the configuration, so settings changed since the last call apply now.
        config = await self.refresh_config()
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
        await self.refresh_config()

    def _mark_paused(self, agent: str, queue: str) -> None:
        if self._config is None:
            return
        states = dict(self._config.agent_states)
        current = states.get((agent, queue), AgentQueueState())
        states[(agent, queue)] = AgentQueueState(current.logged_in, current.login_at, True, None)
        self._config = replace(self._config, agent_states=states)

    # -- the decision pass -------------------------------------------------------------------------

    def schedule_pass(self) -> None:
        """Coalesce: many events in one loop turn give one pass."""
        if not self._pass_scheduled:
            self._pass_scheduled = True
            asyncio.get_running_loop().call_soon(self._pass)

    def _ringing(self) -> set[str]:
        return {agent for e in self._entries.values() for agent in e.ringing}

    def _agents(self, config: RoutingConfig) -> dict[str, Agent]:
        # One walk over the member lists (queues in number order), not one per extension: with
        # 500 agents in 5 queues each the per-extension scan cost more than the decision pass.
        by_extension: dict[str, list[Membership]] = {}
        for queue, members in sorted(config.members.items()):
            for member in members:
                extension = member.extension
                by_extension.setdefault(extension, []).append(membership(
                    queue, member, config.agent_states.get((extension, queue)),
                    static_since=self._started_at, pause_names=config.pause_names,
                    last_call_ended_at=self._last_end.get((extension, queue)),
                    calls_completed=self._completed[(extension, queue)],
                ))
        agents: dict[str, Agent] = {}
        for extension in sorted(by_extension):
            memberships = tuple(by_extension[extension])
            device = DeviceStatus.IN_USE if extension in self._talking else self._devices.status(extension)
            agents[extension] = Agent(
                extension, device, memberships, do_not_disturb=extension in config.do_not_disturb,
            )
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
