"""The distributor's snapshot: every extension once, its queues in number order, each with the
membership the member list and the agent's state say."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from yeastar_ctl.acd.model import QueuePolicy
from yeastar_ctl.acd.vocabulary import DeviceStatus
from yeastar_ctl.db.enums import MemberKind
from yeastar_ctl.db.queue_settings import QueueSettings
from yeastar_ctl.services.agent_state import AgentQueueState
from yeastar_ctl.services.config_snapshot import MemberConfig
from yeastar_ctl.telephony.distributor import Distributor, LiveEntry, RoutingConfig
from yeastar_ctl.telephony.ports import QueueRoute

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


class Phones:
    def status(self, extension: str) -> DeviceStatus:
        return DeviceStatus.OFFLINE if extension == "1003" else DeviceStatus.IDLE

    async def watch(self, extensions: set[str]) -> None:
        pass


def static(extension: str, position: int, skill: int = 1) -> MemberConfig:
    return MemberConfig(extension, MemberKind.STATIC, skill, position)


def dynamic(extension: str, position: int) -> MemberConfig:
    return MemberConfig(extension, MemberKind.DYNAMIC, 1, position)


async def test_snapshot_lists_each_agent_once_with_its_queues_in_number_order() -> None:
    config = RoutingConfig(
        queues={"6401": QueuePolicy("6401"), "6400": QueuePolicy("6400")},
        members={"6401": (static("1002", 1, skill=3), dynamic("1001", 1)),
                 "6400": (static("1001", 1), static("1003", 2))},
        agent_states={("1001", "6401"): AgentQueueState(logged_in=True, login_at=NOW)},
        pause_names={}, shared_wrapup=False, do_not_disturb=frozenset({"1002"}),
    )

    async def load() -> RoutingConfig:
        return config

    async def auto_pause(agent: str, queue: str, at: datetime) -> None:
        raise AssertionError("no call, no auto pause")

    distributor = Distributor(load_config=load, devices=Phones(), clock=lambda: NOW,  # type: ignore[arg-type]
                              random_seed=lambda: 1, auto_pause=auto_pause)
    distributor._config = config  # the config as refresh_config would load it, without the phones' watch
    snapshot = distributor.snapshot()
    assert snapshot is not None

    assert list(snapshot.agents) == ["1001", "1002", "1003"]
    agent_1001 = snapshot.agents["1001"]
    assert [(m.queue, m.static, m.logged_in, m.login_at) for m in agent_1001.memberships] == [
        ("6400", True, True, NOW), ("6401", False, True, NOW)]
    assert [(m.queue, m.skill) for m in snapshot.agents["1002"].memberships] == [("6401", 3)]
    assert snapshot.agents["1002"].do_not_disturb and not agent_1001.do_not_disturb
    assert snapshot.agents["1003"].device == DeviceStatus.OFFLINE
    assert agent_1001.device == DeviceStatus.IDLE


class Loads:
    """A configuration source that counts its loads; `gate` holds a load until the test opens it."""

    def __init__(self, config: RoutingConfig) -> None:
        self.config = config
        self.count = 0
        self.gate = asyncio.Event()
        self.gate.set()

    async def __call__(self) -> RoutingConfig:
        self.count += 1
        await self.gate.wait()
        return self.config


def distributor_on(loads: Loads, clock: list[datetime]) -> Distributor:
    async def auto_pause(agent: str, queue: str, at: datetime) -> None:
        raise AssertionError("no auto pause expected")

    return Distributor(load_config=loads, devices=Phones(), clock=lambda: clock[0],  # type: ignore[arg-type]
                       random_seed=lambda: 1, auto_pause=auto_pause)


ROUTES = {"6400": QueueRoute("6400", "Support", QueueSettings())}


def one_queue() -> RoutingConfig:
    return RoutingConfig(
        queues={"6400": QueuePolicy("6400")}, members={"6400": (static("1001", 1), static("1002", 2))},
        agent_states={}, pause_names={}, shared_wrapup=False, routes=ROUTES,
    )


async def test_callers_joining_read_the_loaded_configuration_not_the_database() -> None:
    loads = Loads(one_queue())
    distributor = distributor_on(loads, [NOW])
    for _ in range(5):
        assert await distributor.queue_route("6400") == ROUTES["6400"]
    assert await distributor.queue_route("6499") is None
    assert loads.count == 1  # once, for the first caller; never again per call
    await distributor.close()


async def test_changes_during_a_load_give_exactly_one_more_load() -> None:
    loads = Loads(one_queue())
    distributor = distributor_on(loads, [NOW])
    loads.gate.clear()
    first = asyncio.ensure_future(distributor.refresh_config())
    while loads.count == 0:  # the first load has started and waits at the gate
        await asyncio.sleep(0)
    more = [asyncio.ensure_future(distributor.refresh_config()) for _ in range(3)]
    loads.gate.set()
    await asyncio.gather(first, *more)
    assert loads.count == 2  # the three changes during the first load are read by one more
    await distributor.close()


async def test_a_finished_call_updates_only_that_agents_last_call() -> None:
    clock = [NOW]
    distributor = distributor_on(Loads(one_queue()), clock)
    await distributor.refresh_config()
    before = distributor.snapshot()
    assert before is not None
    clock[0] = NOW + timedelta(minutes=3)
    distributor.answered("c1", "1002")
    distributor.talk_ended("1002", "6400")
    after = distributor.snapshot()
    assert after is not None
    assert after.agents["1002"].memberships[0].last_call_ended_at == clock[0]
    assert after.agents["1002"].memberships[0].calls_completed == 1
    assert after.agents["1001"].memberships is before.agents["1001"].memberships  # kept, not rebuilt
    await distributor.close()


class Waiting:
    def __init__(self) -> None:
        self.rung: list[tuple[str, ...]] = []

    def ring(self, agents: Sequence[str], timeout: int) -> None:
        self.rung.append(tuple(agents))

    def fail_over(self, reason: object) -> None:
        raise AssertionError("no failover expected")


async def test_with_nobody_waiting_no_decision_is_made_and_a_caller_gets_one_at_once() -> None:
    distributor = distributor_on(Loads(one_queue()), [NOW])
    await distributor.refresh_config()
    distributor.device_changed()
    await asyncio.sleep(0)
    assert distributor.last_decision is None  # phones changing state with nobody waiting: no pass
    call = Waiting()
    verdict = await distributor.join(LiveEntry("c1", call, "6400", NOW))
    assert verdict.allowed
    await asyncio.sleep(0)
    assert distributor.last_decision is not None and call.rung == [("1001", "1002")]
    await distributor.close()
