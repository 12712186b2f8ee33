"""Calls survive the control plane: kill -9 with callers waiting and talking, start it again.

Asterisk keeps the calls up while the control plane is away (the channels stay in Stasis); the
new process reads ARI's channels and bridges and the rows, and picks every call up where it was.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from uuid import uuid4

import aiohttp
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from calls import dial
from conftest import Lab, Phone, eventually
from sipp import Sipp, SippRun
from yeastar_ctl.ari import AriClient
from yeastar_ctl.db.account_models import Role
from yeastar_ctl.db.enums import RingStrategy
from yeastar_ctl.db.models import QueueCall
from yeastar_ctl.db.queue_settings import QueueSettings
from yeastar_ctl.services.api_tokens import create_token
from yeastar_ctl.services.extensions import create_extension, get_by_number
from yeastar_ctl.services.queues import create_queue, set_members
from yeastar_ctl.services.queues import get_by_number as get_queue
from yeastar_ctl.services.users import create_user

QUEUE = "6430"
TALKERS = ("1131", "1132", "1133")  # answer the first three calls and talk on
LATE_AGENT = "1134"  # registers only after the restart and answers the waiting callers
CALLERS = tuple(str(n) for n in range(1140, 1153))  # 13 callers
TALK_MS = 20000


async def setup_queue(lab: Lab, sessions: async_sessionmaker[AsyncSession]) -> str:
    async with sessions.begin() as session:
        for number in (*TALKERS, LATE_AGENT, *CALLERS):
            if await get_by_number(session, number) is None:
                await create_extension(session, number, f"Restart {number}")
        if await get_queue(session, QUEUE) is None:
            settings = replace(QueueSettings(), ring_strategy=RingStrategy.LINEAR, wrapup_seconds=0,
                               retry_interval_seconds=1, agent_timeout_seconds=10)
            await create_queue(session, QUEUE, "Restart", settings)
            await set_members(session, QUEUE, static=[(a, 1) for a in (*TALKERS, LATE_AGENT)], dynamic=[])
        created = await create_user(session, f"itest-{uuid4().hex[:12]}", Role.ADMINISTRATOR)
        token = (await create_token(session, created.user.id)).token
    lab.ctl("apply")
    return token


async def calls_of(sessions: async_sessionmaker[AsyncSession]) -> dict[str, QueueCall]:
    """Each caller's latest call into the queue."""
    async with sessions() as session:
        rows = await session.scalars(select(QueueCall).where(QueueCall.queue_number == QUEUE)
                                     .order_by(QueueCall.joined_at))
        return {row.caller_number: row for row in rows if row.caller_number in CALLERS}


async def set_presence(lab: Lab, token: str, extension: str, presence: str) -> None:
    url = f"http://{lab.settings.web.host}:{lab.settings.web.port}/api/v1/extensions/{extension}/presence"
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http, \
            http.put(url, json={"presence": presence}) as response:
        assert response.status == 200, await response.text()


async def test_kill_9_with_ten_waiting_and_three_talking_loses_no_call(
    lab: Lab, sipp: Sipp, phones: Callable[[str], Awaitable[Phone]], sessions: async_sessionmaker[AsyncSession],
    ari: AriClient,
) -> None:
    token = await setup_queue(lab, sessions)
    talkers = [await phones(agent) for agent in TALKERS]
    talks = [await phone.answer_next_call(ring_ms=100, talk_ms=TALK_MS) for phone in talkers]
    callers: list[SippRun] = []
    for n, caller in enumerate(CALLERS):
        callers.append(await dial(sipp, sessions, caller, QUEUE, hold_ms=120000))
        # One at a time, so the order of joining is the order of the list.
        await eventually(lambda count=n + 1: _joined(sessions, count), what=f"caller {caller} in the queue")

    async def three_talking_ten_waiting() -> bool:
        calls = await calls_of(sessions)
        answered = [c for c in calls.values() if c.answered_at is not None]
        return len(calls) == 13 and len(answered) == 3
    await eventually(three_talking_ten_waiting, timeout=30, what="three callers talking, ten waiting")
    before = await calls_of(sessions)
    try:
        # The talking agents' SIPp phones answer one call only, so they must not be offered the
        # waiting callers once done: Do Not Disturb (their talks go on), read at start-up.
        for agent in TALKERS:
            await set_presence(lab, token, agent, "do_not_disturb")

        lab.kill_control_plane()
        lab.start_control_plane()

        channels = {c.id for c in await ari.channels.list()}
        assert {c.channel_id for c in before.values()} <= channels  # all 13 callers still up

        late = await phones(LATE_AGENT)
        for _ in range(10):
            answering = await late.answer_next_call(ring_ms=100, talk_ms=300)
            await answering.expect_success(30)
        for talk in talks:
            await talk.expect_success(40)
        for caller in callers:
            await caller.expect_success(40)

        async def all_ended() -> dict[str, QueueCall] | None:
            calls = await calls_of(sessions)
            return calls if all(c.ended_at is not None for c in calls.values()) else None
        after = await eventually(all_ended, what="every call's row complete")
    finally:
        for agent in TALKERS:
            await set_presence(lab, token, agent, "available")

    assert {c.status.value for c in after.values()} == {"answered"}
    talked = {number for number, c in before.items() if c.answered_at is not None}
    for number in talked:
        call = after[number]
        assert call.agent_extension in TALKERS and call.reason == "agent hung up"
        assert TALK_MS // 1000 - 2 <= call.talk_seconds <= TALK_MS // 1000 + 3  # the talk, not the restart
    waited = sorted((c for n, c in after.items() if n not in talked), key=lambda c: c.joined_at)
    assert [c.agent_extension for c in waited] == [LATE_AGENT] * 10
    answered_order = sorted(waited, key=lambda c: c.answered_at or c.joined_at)
    assert [c.caller_number for c in answered_order] == [c.caller_number for c in waited]  # original order
    assert all(c.joined_at == before[c.caller_number].joined_at for c in waited)  # place kept


async def _joined(sessions: async_sessionmaker[AsyncSession], count: int) -> bool:
    return len(await calls_of(sessions)) >= count
