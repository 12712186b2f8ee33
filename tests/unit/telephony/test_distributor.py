"""The distributor's snapshot: every extension once, its queues in number order, each with the
membership the member list and the agent's state say."""

from __future__ import annotations

from datetime import UTC, datetime

from yeastar_ctl.acd.model import QueuePolicy
from yeastar_ctl.acd.vocabulary import DeviceStatus
from yeastar_ctl.db.enums import MemberKind
from yeastar_ctl.services.agent_state import AgentQueueState
from yeastar_ctl.services.config_snapshot import MemberConfig
from yeastar_ctl.telephony.distributor import Distributor, RoutingConfig

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


class Phones:
    def status(self, extension: str) -> DeviceStatus:
        return DeviceStatus.OFFLINE if extension == "1003" else DeviceStatus.IDLE


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
