"""The agents' BLF lamps kept in step with their state (seed: "Allow Agents to Manage Their
Status via IP Phones", "Monitor Specific Pause Status of an Agent by Function Key").

Queue 6400: static 1001, dynamic 1002; queue 6401: dynamic 1001. Reasons *01 Lunch, *02 Break.
NOT_INUSE shows green, INUSE solid red, RINGING flashing red.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from yeastar_ctl.acd.model import QueuePolicy
from yeastar_ctl.ari import AriServerError
from yeastar_ctl.ari.models import DeviceState
from yeastar_ctl.db.enums import MemberKind
from yeastar_ctl.services.agent_state import AgentQueueState
from yeastar_ctl.services.config_snapshot import MemberConfig
from yeastar_ctl.telephony.blf_lamps import UNSET, BlfLamps, lamp_states
from yeastar_ctl.telephony.distributor import RoutingConfig

GREEN, SOLID_RED, FLASHING_RED = "NOT_INUSE", "INUSE", "RINGING"
LOGIN_AT = datetime(2025, 6, 24, 9, 0, tzinfo=UTC)


def routing(states: Mapping[tuple[str, str], AgentQueueState] | None = None) -> RoutingConfig:
    return RoutingConfig(
        queues={"6400": QueuePolicy("6400"), "6401": QueuePolicy("6401")},
        members={
            "6400": (MemberConfig("1001", MemberKind.STATIC, 1, 1), MemberConfig("1002", MemberKind.DYNAMIC, 1, 1)),
            "6401": (MemberConfig("1001", MemberKind.DYNAMIC, 1, 1),),
        },
        agent_states=states or {},
        pause_names={"*02": "Break", "*01": "Lunch"},
        shared_wrapup=False,
    )


def test_nobody_logged_in_static_agents_still_show_green() -> None:
    assert lamp_states(routing()) == {
        "Stasis:yc-login-1001-6400": GREEN,  # static: always in the queue
        "Stasis:yc-pause-1001-6400": GREEN,
        "Stasis:yc-pause-1001-6400-01": GREEN,
        "Stasis:yc-pause-1001-6400-02": GREEN,
        "Stasis:yc-login-1002-6400": SOLID_RED,
        "Stasis:yc-pause-1002-6400": GREEN,
        "Stasis:yc-pause-1002-6400-01": GREEN,
        "Stasis:yc-pause-1002-6400-02": GREEN,
        "Stasis:yc-login-1001-6401": SOLID_RED,  # the same agent is dynamic here
        "Stasis:yc-pause-1001-6401": GREEN,
        "Stasis:yc-pause-1001-6401-01": GREEN,
        "Stasis:yc-pause-1001-6401-02": GREEN,
    }


def test_a_static_agent_logged_out_of_all_keeps_a_green_login_lamp() -> None:
    states = lamp_states(routing({("1001", "6400"): AgentQueueState(logged_in=False)}))
    assert states["Stasis:yc-login-1001-6400"] == GREEN


def test_static_agent_1001_paused_in_6400_for_lunch() -> None:
    states = lamp_states(routing({("1001", "6400"): AgentQueueState(paused=True, pause_reason="*01")}))
    assert states["Stasis:yc-login-1001-6400"] == GREEN
    assert states["Stasis:yc-pause-1001-6400"] == FLASHING_RED
    assert states["Stasis:yc-pause-1001-6400-01"] == FLASHING_RED
    assert states["Stasis:yc-pause-1001-6400-02"] == GREEN
    assert states["Stasis:yc-pause-1001-6401"] == GREEN  # paused in 6400 only


def test_dynamic_agent_1002_logged_in_and_paused_for_break() -> None:
    paused = AgentQueueState(logged_in=True, login_at=LOGIN_AT, paused=True, pause_reason="*02")
    states = lamp_states(routing({("1002", "6400"): paused}))
    assert states["Stasis:yc-login-1002-6400"] == GREEN
    assert states["Stasis:yc-pause-1002-6400"] == FLASHING_RED
    assert (states["Stasis:yc-pause-1002-6400-01"], states["Stasis:yc-pause-1002-6400-02"]) == (GREEN, FLASHING_RED)


def test_no_pause_reasons_means_no_reason_lamps() -> None:
    states = lamp_states(replace(routing(), pause_names={}))
    assert sorted(states) == [
        "Stasis:yc-login-1001-6400", "Stasis:yc-login-1001-6401", "Stasis:yc-login-1002-6400",
        "Stasis:yc-pause-1001-6400", "Stasis:yc-pause-1001-6401", "Stasis:yc-pause-1002-6400",
    ]


class FakeDeviceStates:
    """Asterisk's device states: what was set stays until Asterisk restarts (`stored.clear()`)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.failing: set[str] = set()
        self.stored: dict[str, str] = {}

    async def list(self) -> list[DeviceState]:
        return [DeviceState(name, state) for name, state in self.stored.items()]

    async def update(self, name: str, state: str) -> None:
        if name in self.failing:
            raise AriServerError(500, "device state store is down", "PUT", f"/deviceStates/{name}")
        self.calls.append((name, state))
        self.stored[name] = state


class FakeAri:
    def __init__(self) -> None:
        self.device_states = FakeDeviceStates()


def fake_lamps() -> tuple[BlfLamps, FakeDeviceStates]:
    ari: Any = FakeAri()
    return BlfLamps(ari), ari.device_states


def lit(states: dict[str, str]) -> dict[str, str]:
    """The lamps that are not off: a lamp Asterisk was never told about is off."""
    return {device: state for device, state in states.items() if state != UNSET}


async def test_the_first_show_on_a_fresh_asterisk_lights_what_is_lit() -> None:
    blf, devices = fake_lamps()
    await blf.show(routing())
    assert dict(devices.calls) == lit(lamp_states(routing()))
    assert len(devices.calls) == 2


async def test_show_sets_only_the_lamps_that_changed() -> None:
    blf, devices = fake_lamps()
    await blf.show(routing())
    devices.calls.clear()
    await blf.show(routing())
    assert devices.calls == []
    # 1002 dials *76400, then *076400*01.
    await blf.show(routing({("1002", "6400"): AgentQueueState(logged_in=True, login_at=LOGIN_AT)}))
    assert devices.calls == [("Stasis:yc-login-1002-6400", GREEN)]
    devices.calls.clear()
    paused = AgentQueueState(logged_in=True, login_at=LOGIN_AT, paused=True, pause_reason="*01")
    await blf.show(routing({("1002", "6400"): paused}))
    assert devices.calls == [("Stasis:yc-pause-1002-6400", FLASHING_RED), ("Stasis:yc-pause-1002-6400-01", FLASHING_RED)]


async def test_after_a_reconnect_only_what_asterisk_shows_wrong_is_set() -> None:
    blf, devices = fake_lamps()
    await blf.show(routing())
    devices.calls.clear()
    blf.forget()  # the control plane reconnected; Asterisk kept its lamps
    await blf.show(routing())
    assert devices.calls == []
    blf.forget()
    devices.stored.clear()  # Asterisk restarted: every lamp is off
    await blf.show(routing())
    assert dict(devices.calls) == lit(lamp_states(routing()))


async def test_a_lamp_that_could_not_be_set_is_tried_again() -> None:
    blf, devices = fake_lamps()
    devices.failing = {"Stasis:yc-login-1002-6400"}
    await blf.show(routing())  # logged and skipped, the other lamps still set
    assert len(devices.calls) == 1
    devices.calls.clear()
    devices.failing.clear()
    await blf.show(routing())
    assert devices.calls == [("Stasis:yc-login-1002-6400", SOLID_RED)]
