"""The queue-call flow against a fake ARI: the events a real Asterisk would send are fed in by
the test, and the test reads back what the flow asked Asterisk to do and what it recorded."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Sequence

import pytest

from yeastar_ctl.acd.model import QueuePolicy
from yeastar_ctl.acd.vocabulary import DeviceStatus, RingStrategy
from yeastar_ctl.ari import AriBadRequest, AriNotFound, AriServerError
from yeastar_ctl.db.enums import MemberKind
from yeastar_ctl.db.queue_settings import QueueSettings
from yeastar_ctl.services.config_snapshot import MemberConfig
from yeastar_ctl.telephony.distributor import Distributor, RoutingConfig
from yeastar_ctl.telephony.ports import CallerInfo, QueueRoute
from yeastar_ctl.telephony.media import Prompts
from yeastar_ctl.telephony.queue_call import QueueCallFlow

START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


class FakeClock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class Bridge:
    id: str


@dataclass
class FakeAri:
    """Records requests; `fail` makes the named operation raise the given error."""

    requests: list[tuple[Any, ...]] = field(default_factory=list)
    fail: dict[str, Exception] = field(default_factory=dict)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.channels = self
        self.bridges = _Bridges(self)

    def _record(self, *request: Any) -> None:
        if request[0] in self.fail:
            raise self.fail.pop(request[0])
        self.requests.append(request)
        self.changed.set()

    async def answer(self, channel_id: str) -> None:
        self._record("answer", channel_id)

    async def start_moh(self, channel_id: str, moh_class: str | None = None) -> None:
        self._record("start_moh", channel_id, moh_class)

    async def stop_moh(self, channel_id: str) -> None:
        self._record("stop_moh", channel_id)

    async def hangup(self, channel_id: str, reason: str | None = None) -> None:
        self._record("hangup", channel_id)

    async def originate(self, endpoint: str, **kwargs: Any) -> None:
        self._record("originate", endpoint, kwargs["channel_id"])

    def originated(self) -> list[tuple[str, str]]:
        return [(r[1], r[2]) for r in self.requests if r[0] == "originate"]

    async def wait_for(self, predicate: Any) -> Any:
        async def until() -> Any:
            while not (value := predicate()):
                self.changed.clear()
                await self.changed.wait()
            return value

        return await asyncio.wait_for(until(), 2)


class _Bridges:
    def __init__(self, ari: FakeAri) -> None:
        self._ari = ari

    async def create(self, bridge_type: str = "mixing", **kwargs: Any) -> Bridge:
        self._ari._record("bridge_create", bridge_type)
        return Bridge("b1")

    async def add_channel(self, bridge_id: str, channel_ids: Sequence[str]) -> None:
        self._ari._record("bridge_add", bridge_id, tuple(channel_ids))

    async def destroy(self, bridge_id: str) -> None:
        self._ari._record("bridge_destroy", bridge_id)


@dataclass
class FakeRecorder:
    rows: list[tuple[Any, ...]] = field(default_factory=list)

    async def joined(self, call_id: str, queue: QueueRoute, caller: CallerInfo, channel_id: str, at: datetime) -> None:
        self.rows.append(("joined", queue.number, caller.number))

    async def ring_started(self, call_id: str, agent: str, at: datetime) -> int:
        self.rows.append(("ring", agent))
        return len(self.rows)

    async def ring_ended(self, attempt_id: int, result: str, at: datetime) -> None:
        self.rows.append(("ring_ended", result))

    async def answered(self, call_id: str, agent: str, at: datetime) -> None:
        self.rows.append(("answered", agent))

    async def ended(self, call_id: str, status: str, at: datetime, reason: str | None) -> None:
        self.rows.append(("ended", status, reason))

    async def recording(self, call_id: str, name: str) -> None:
        self.rows.append(("recording", name))

    async def held(self, call_id: str, seconds: int) -> None:
        self.rows.append(("held", seconds))

    async def survey(self, call_id: str, queue: str, agent: str, caller: str, key: str, points: int, at: datetime) -> None:
        self.rows.append(("survey", key, points))


class FakeDevices:
    def __init__(self, online: Sequence[str], changed: asyncio.Event) -> None:
        self.online = set(online)
        self.queries = 0
        self._changed = changed

    def status(self, extension: str) -> DeviceStatus:
        self.queries += 1
        self._changed.set()
        return DeviceStatus.IDLE if extension in self.online else DeviceStatus.OFFLINE

    async def watch(self, extensions: set[str]) -> None:
        pass


class Tracker:
    def __init__(self) -> None:
        self.flows: dict[str, QueueCallFlow] = {}

    def track(self, channel_id: str, flow: QueueCallFlow) -> None:
        self.flows[channel_id] = flow

    def untrack(self, channel_id: str) -> None:
        self.flows.pop(channel_id, None)


ROUTE = QueueRoute("6400", "Support", QueueSettings())
MEMBERS = (
    MemberConfig("1001", MemberKind.STATIC, 1, 1),
    MemberConfig("1002", MemberKind.STATIC, 1, 2),
    MemberConfig("1003", MemberKind.DYNAMIC, 1, 1),
)


def routing_config(**policy: Any) -> RoutingConfig:
    queue = QueuePolicy("6400", **{"strategy": RingStrategy.LINEAR, "retry_interval": 0, "wrapup": 0, **policy})
    return RoutingConfig({"6400": queue}, {"6400": MEMBERS}, {}, {}, shared_wrapup=False)


@dataclass
class Scenario:
    ari: FakeAri
    recorder: FakeRecorder
    tracker: Tracker
    flow: QueueCallFlow
    task: asyncio.Task[None]
    devices: FakeDevices
    paused: list[tuple[str, str]]

    async def ringing(self, count: int = 1) -> tuple[str, str]:
        return (await self.ari.wait_for(lambda: len(self.ari.originated()) >= count and self.ari.originated()))[-1]

    async def done(self) -> None:
        await asyncio.wait_for(self.task, 2)


@pytest.fixture
async def start() -> Any:
    tasks: list[asyncio.Task[None]] = []
    distributors: list[Distributor] = []

    def make(online: Sequence[str] = ("1001", "1002"), ari: FakeAri | None = None, **policy: Any) -> Scenario:
        ari = ari or FakeAri()
        recorder, tracker = FakeRecorder(), Tracker()
        devices = FakeDevices(online, ari.changed)
        paused: list[tuple[str, str]] = []

        async def load() -> RoutingConfig:
            return routing_config(**policy)

        async def auto_pause(agent: str, queue: str, at: datetime) -> None:
            paused.append((agent, queue))

        clock = FakeClock()
        distributor = Distributor(
            load_config=load, devices=devices, clock=clock, random_seed=lambda: 7, auto_pause=auto_pause,
        )
        distributors.append(distributor)
        flow = QueueCallFlow(
            ari=ari, recorder=recorder, distributor=distributor, tracker=tracker,  # type: ignore[arg-type]
            route=ROUTE, caller_channel_id="caller", caller=CallerInfo("15880123456", "Terrell"),
            call_id="c1", app="yeastar_ctl", clock=clock, prompts=Prompts(ari),  # type: ignore[arg-type]
        )
        task = asyncio.create_task(flow.run())
        tasks.append(task)
        return Scenario(ari, recorder, tracker, flow, task, devices, paused)

    yield make
    for task in tasks:
        task.cancel()
    for distributor in distributors:
        await distributor.close()


async def test_caller_joins_hears_moh_agent_1001_answers_and_they_are_bridged(start: Any) -> None:
    s = start()
    endpoint, agent_channel = await s.ringing()
    assert endpoint == "PJSIP/1001"  # the first static agent in list order
    assert s.flow.agent_answered(agent_channel)
    await s.ari.wait_for(lambda: any(r[0] == "bridge_add" for r in s.ari.requests))
    assert ("bridge_add", "b1", ("caller", agent_channel)) in s.ari.requests

    s.flow.channel_gone("caller", 16)
    await s.done()
    assert s.recorder.rows == [
        ("joined", "6400", "15880123456"), ("ring", "1001"), ("ring_ended", "answered"),
        ("answered", "1001"), ("ended", "answered", "caller hung up"),
    ]
    assert ("answer", "caller") in s.ari.requests and ("start_moh", "caller", "default") in s.ari.requests
    assert ("hangup", agent_channel) in s.ari.requests and ("bridge_destroy", "b1") in s.ari.requests
    assert s.tracker.flows == {}


async def test_caller_hangs_up_while_the_agent_rings_cancels_the_ring_and_is_abandoned(start: Any) -> None:
    s = start()
    _, agent_channel = await s.ringing()
    s.flow.channel_gone("caller", 16)
    await s.done()
    assert ("hangup", agent_channel) in s.ari.requests
    assert s.recorder.rows[-2:] == [("ring_ended", "cancelled"), ("ended", "abandoned", "caller hung up")]


async def test_a_busy_agent_is_skipped_and_the_next_static_agent_rings(start: Any) -> None:
    s = start()
    _, first = await s.ringing()
    s.flow.channel_gone(first, 17)  # user busy
    endpoint, second = await s.ringing(2)
    assert endpoint == "PJSIP/1002"
    s.flow.agent_answered(second)
    await s.ari.wait_for(lambda: ("answered", "1002") in s.recorder.rows)
    assert ("ring_ended", "busy") in s.recorder.rows
    s.flow.channel_gone(second, 16)
    await s.done()
    assert s.recorder.rows[-1] == ("ended", "answered", "agent hung up")


async def test_an_originate_error_counts_as_a_failed_ring_and_the_next_agent_rings(start: Any) -> None:
    ari = FakeAri(fail={"originate": AriServerError(500, "boom", "POST", "/channels")})
    s = start(ari=ari)
    endpoint, _ = await s.ringing()
    assert endpoint == "PJSIP/1002"
    assert ("ring_ended", "failed") in s.recorder.rows


async def test_a_late_answer_from_an_old_attempt_is_refused(start: Any) -> None:
    s = start()
    _, first = await s.ringing()
    s.flow.channel_gone(first, 19)  # no answer
    await s.ringing(2)
    assert not s.flow.agent_answered(first)
    assert not s.flow.agent_answered("somebody-else")


async def test_agents_ring_before_the_caller_is_answered(start: Any) -> None:
    """Routing never waits for Asterisk's answer to the caller: the first agent's phone may ring
    before it (app_queue rings as early); the waiting music starts once the caller is answered."""
    s = start()
    await s.ringing()
    requests = [r[0] for r in s.ari.requests]
    assert requests.index("answer") < requests.index("start_moh")
    s.flow.channel_gone("caller", 16)
    await s.done()


async def test_a_caller_gone_before_the_answer_is_an_abandoned_call(start: Any) -> None:
    ari = FakeAri(fail={"answer": AriNotFound(404, "Channel not found", "POST", "/channels/caller/answer")})
    s = start(ari=ari)
    await s.done()
    assert s.recorder.rows[0] == ("joined", "6400", "15880123456")
    assert s.recorder.rows[-1] == ("ended", "abandoned", "caller hung up")
    assert ("start_moh", "caller", "default") not in s.ari.requests  # no music for nobody


async def test_a_logged_out_dynamic_agent_is_not_rung(start: Any) -> None:
    s = start(online=("1003",))
    await s.ari.wait_for(lambda: s.devices.queries)  # the distributor looked for a free agent
    s.flow.channel_gone("caller", 16)
    await s.done()
    assert s.ari.originated() == []
    assert s.recorder.rows[-1] == ("ended", "abandoned", "caller hung up")


async def test_ring_all_rings_every_free_agent_and_the_first_answer_wins(start: Any) -> None:
    s = start(strategy=RingStrategy.RING_ALL)
    await s.ringing(2)
    (_, first), (_, second) = s.ari.originated()
    assert s.flow.agent_answered(second)
    await s.ari.wait_for(lambda: ("answered", "1002") in s.recorder.rows)
    assert ("hangup", first) in s.ari.requests  # the other phone stops ringing
    assert sorted(r for r in s.recorder.rows if r[0] == "ring_ended") == [("ring_ended", "answered"), ("ring_ended", "cancelled")]


async def test_missed_calls_auto_pause_the_agent_at_the_threshold(start: Any) -> None:
    s = start(online=("1001",), auto_pause_threshold=2)
    _, first = await s.ringing(1)
    s.flow.channel_gone(first, 19)
    _, second = await s.ringing(2)
    s.flow.channel_gone(second, 19)
    await s.ari.wait_for(lambda: s.paused)
    assert s.paused == [("1001", "6400")]


async def test_a_caller_gone_as_the_agent_answers_is_abandoned_not_a_system_error(start: Any) -> None:
    """Asterisk answers a bridge's addChannel for a channel that is gone with 400 "Channel not
    found" (not 404): the caller left in that instant, which is no failure of ours."""
    gone = AriBadRequest(400, "Channel not found", "POST", "/bridges/b1/addChannel")
    s = start(ari=FakeAri(fail={"bridge_add": gone}))
    _, agent_channel = await s.ringing()
    assert s.flow.agent_answered(agent_channel)
    await s.done()
    assert s.recorder.rows[-1] == ("ended", "abandoned", "caller hung up")
