"""Extension presence and online status with a real phone registering through the lab."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import uuid4

import aiohttp
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from calls import attempts_of, dial, ended_call, subscribe
from conftest import Lab, Phone, eventually
from sipp import Sipp
from yeastar_ctl.db.account_models import Role
from yeastar_ctl.services.api_tokens import create_token
from yeastar_ctl.services.users import create_user


async def api_token(sessions: async_sessionmaker[AsyncSession]) -> str:
    """The API needs a token: an administrator made for this test, with one."""
    async with sessions.begin() as session:
        created = await create_user(session, f"itest-{uuid4().hex[:12]}", Role.ADMINISTRATOR)
        return (await create_token(session, created.user.id)).token


async def get_json(lab: Lab, path: str, token: str) -> Any:
    url = f"http://{lab.settings.web.host}:{lab.settings.web.port}{path}"
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(headers=headers) as session, session.get(url) as response:
        assert response.status == 200
        return await response.json()


async def put_presence(lab: Lab, token: str, extension: str, presence: str) -> None:
    """The portal's and the API's way: the control plane hears of it at once, no reload."""
    url = f"http://{lab.settings.web.host}:{lab.settings.web.port}/api/v1/extensions/{extension}/presence"
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(headers=headers) as session, \
            session.put(url, json={"presence": presence}) as response:
        assert response.status == 200, await response.text()


async def test_an_extension_is_online_while_its_sip_phone_is_registered(
    lab: Lab, phones: Callable[[str], Awaitable[Phone]], sessions: async_sessionmaker[AsyncSession],
) -> None:
    token = await api_token(sessions)

    async def status_of(extension: str, online: bool) -> bool:
        entry = (await get_json(lab, "/api/v1/online-status", token)).get(extension)
        return entry == {"online": online, "endpoints": {"sip_phone": 1 if online else 0}}

    assert await status_of("1002", False)
    phone = await phones("1002")
    await eventually(lambda: status_of("1002", True), what="1002 online")
    await phone.unregister()
    await eventually(lambda: status_of("1002", False), what="1002 offline again")


async def test_an_agent_on_do_not_disturb_is_not_rung(
    lab: Lab, sipp: Sipp, phones: Callable[[str], Awaitable[Phone]], sessions: async_sessionmaker[AsyncSession],
) -> None:
    await phones("1001")
    token = await api_token(sessions)
    await put_presence(lab, token, "1001", "do_not_disturb")
    try:
        caller = await dial(sipp, sessions, "1003", "6400", hold_ms=3000)

        async def skipped_for_dnd() -> bool:
            view = await get_json(lab, "/api/v1/routing", token)
            return any("1001: skipped, presence is Do Not Disturb" in w["trace"] for w in view["waiting"])

        await eventually(skipped_for_dnd, what="the routing trace naming Do Not Disturb")
        await caller.expect_success(20)
        call = await ended_call(sessions, "1003")
        assert call.status.value == "abandoned"
        assert await attempts_of(sessions, call.id) == []
    finally:
        await put_presence(lab, token, "1001", "available")


async def test_do_not_disturb_pauses_by_the_agents_rule_and_the_blf_key_lights_at_once(
    lab: Lab, sipp: Sipp, sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Seed, Agent Status Auto Switch: 1002's rule pauses it on Do Not Disturb and resumes it on
    Available. The change made in the API reaches routing and the lamps with no call in between."""
    token = await api_token(sessions)
    url = f"http://{lab.settings.web.host}:{lab.settings.web.port}/api/v1/extensions/1002/presence-rules"
    rules = {"do_not_disturb": {"action": "pause"}, "available": {"action": "log_in"}}
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http, \
            http.patch(url, json=rules) as response:
        assert response.status == 200, await response.text()
    # A supervisor's BLF key on 1002's pause in 6400: off, lit (paused), off again.
    lamp = await subscribe(sipp, sessions, "1009", "*071002*6400", ("terminated", "early", "terminated"))
    await put_presence(lab, token, "1002", "do_not_disturb")
    try:
        async def paused() -> bool:
            return "early" in (lamp.log_dir / "messages.log").read_text(errors="replace")
        await eventually(paused, what="the pause key lit by Do Not Disturb")
    finally:
        await put_presence(lab, token, "1002", "available")
    await lamp.expect_success(30)
