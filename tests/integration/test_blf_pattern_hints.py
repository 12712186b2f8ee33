"""BLF keys are pattern hints (issue 11, apply at scale): no key is written out in the dialplan,
yet a phone that subscribes to any agent x queue x reason key gets a hint made for it by Asterisk
(with ${EXTEN} taken from the key) and sees that lamp change; the subscription outlives an
`apply` that reloads the dialplan, and so does a call in progress."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from calls import dial, ended_call
from conftest import Lab, Phone, eventually
from sipp import Sipp
from test_agent_feature_codes import dial_code, subscribe
from yeastar_ctl.ari import AriClient
from yeastar_ctl.lab.paths import generated_config_dir


def concrete_hint(lab: Lab, key: str) -> str:
    """Asterisk's own listing of the hint it holds for `key` (empty when it holds none)."""
    listing = lab.ctl("lab", "cli", f"core show hint {key}").stdout
    return "\n".join(line for line in listing.splitlines() if line.strip().startswith(key))


async def apply_force_reload(lab: Lab) -> str:
    result = await asyncio.to_thread(lab.ctl, "apply", "--force-reload")
    assert "pbx_config.so" in result.stdout, result.stdout + result.stderr
    return result.stdout


async def test_a_key_written_nowhere_gets_a_hint_from_its_pattern_and_its_lamp(
    lab: Lab, sipp: Sipp, sessions: async_sessionmaker[AsyncSession], ari: AriClient,
) -> None:
    key = "*071002*6400*02"  # agent 1002 paused in 6400 for Break
    dialplan = (generated_config_dir(lab.settings) / "extensions.conf").read_text()
    assert f"exten => {key}," not in dialplan and "exten => _*07XXXX*XXXX*XX,hint," in dialplan

    lamp = await subscribe(sipp, sessions, "1009", key, ("terminated", "early", "terminated"))
    # The hint Asterisk made at the SUBSCRIBE watches the device named from this very key.
    assert "Stasis:yc-pause-1002-6400-02" in concrete_hint(lab, key)

    await dial_code(sipp, sessions, "1002", "*076400*02")  # 1002 pauses for Break: lamp flashes
    assert (await ari.device_states.get("Stasis:yc-pause-1002-6400-02")).state == "RINGING"
    await dial_code(sipp, sessions, "1002", "*076400*02")  # the same code again: back to work
    await lamp.expect_success(30)


async def test_a_lamp_keeps_working_after_an_apply_reloads_the_dialplan(
    lab: Lab, sipp: Sipp, sessions: async_sessionmaker[AsyncSession],
) -> None:
    key = "*071002*6400*03"
    lamp = await subscribe(sipp, sessions, "1009", key, ("terminated", "early", "terminated"))
    await apply_force_reload(lab)  # the dialplan is replaced; the subscribed hint is made again
    assert "Stasis:yc-pause-1002-6400-03" in concrete_hint(lab, key)

    await dial_code(sipp, sessions, "1002", "*076400*03")
    await dial_code(sipp, sessions, "1002", "*076400*03")
    await lamp.expect_success(30)


@pytest.mark.usefixtures("no_wrapup")
async def test_a_call_in_progress_is_not_disturbed_by_an_apply(
    lab: Lab, sipp: Sipp, phones: Callable[[str], Awaitable[Phone]],
    sessions: async_sessionmaker[AsyncSession], ari: AriClient,
) -> None:
    agent = await phones("1001")
    agent_phone = await agent.answer_next_call(ring_ms=200, talk_ms=30000)
    caller = await dial(sipp, sessions, "1007", "6400", hold_ms=6000)

    async def bridged_pair() -> bool:
        return any(len(b.channels) == 2 for b in await ari.bridges.list())

    await eventually(bridged_pair, what="caller and agent in one mixing bridge")
    await apply_force_reload(lab)  # PJSIP, dialplan and voicemail reloaded mid-call
    await caller.expect_success(30)  # the caller talked its 6 s and hung up itself
    await agent_phone.expect_success(15)

    call = await ended_call(sessions, "1007")
    assert (call.status.value, call.agent_extension, call.reason) == ("answered", "1001", "caller hung up")
    assert call.talk_seconds >= 5
