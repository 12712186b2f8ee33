"""The first real queue call, end to end through Asterisk 22 with SIPp phones:
caller dials 6400 -> Stasis -> answered, music on hold -> the free static agent 1001 rings ->
agent answers -> caller and agent bridged -> hang-up -> one queue-call row."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from conftest import Lab, Phone, eventually
from calls import attempts_of, calls_from, dial, ended_call
from sipp import Sipp
from yeastar_ctl.ari import AriClient


# These calls follow each other within seconds: no wrap-up between them.
pytestmark = pytest.mark.usefixtures("no_wrapup")


async def test_agent_1001_answers_and_the_caller_hangs_up(
    sipp: Sipp, phones: Callable[[str], Awaitable[Phone]], sessions: async_sessionmaker[AsyncSession], ari: AriClient,
) -> None:
    agent = await phones("1001")
    agent_phone = await agent.answer_next_call(ring_ms=1000, talk_ms=30000)
    caller = await dial(sipp, sessions, "1009", "6400", hold_ms=4000)

    async def bridged_pair() -> bool:
        return any(len(b.channels) == 2 for b in await ari.bridges.list())

    await eventually(bridged_pair, what="caller and agent in one mixing bridge")
    await caller.expect_success(30)
    await agent_phone.expect_success(15)  # Asterisk hung up the agent after the caller left

    call = await ended_call(sessions, "1009")
    assert call.status.value == "answered"
    assert call.queue_number == "6400"
    assert call.agent_extension == "1001"
    assert call.reason == "caller hung up"
    assert 1 <= call.ring_seconds <= 3  # the phone rang one second before answering
    assert 3 <= call.talk_seconds <= 6  # the caller hung up four seconds after the answer
    attempts = await attempts_of(sessions, call.id)
    assert [(a.agent_extension, a.result.value) for a in attempts] == [("1001", "answered")]
    assert not await ari.bridges.list()  # the bridge is gone with the call


async def test_agent_hangs_up_first(
    sipp: Sipp, phones: Callable[[str], Awaitable[Phone]], sessions: async_sessionmaker[AsyncSession],
) -> None:
    agent = await phones("1001")
    agent_phone = await agent.answer_next_call(ring_ms=200, talk_ms=1500)
    caller = await dial(sipp, sessions, "1008", "6400", hold_ms=30000)
    await agent_phone.expect_success(30)
    await caller.expect_success(15)  # the caller got Asterisk's BYE, long before its own 30 s

    call = await ended_call(sessions, "1008")
    assert call.status.value == "answered"
    assert call.reason == "agent hung up"
    assert call.agent_extension == "1001"


async def test_caller_gives_up_while_the_agent_rings(
    sipp: Sipp, phones: Callable[[str], Awaitable[Phone]], sessions: async_sessionmaker[AsyncSession],
) -> None:
    agent = await phones("1001")
    agent_phone = await agent.ring_without_answering()
    caller = await dial(sipp, sessions, "1007", "6400", hold_ms=2500)
    await caller.expect_success(30)
    await agent_phone.expect_success(15)  # the ringing phone received CANCEL

    call = await ended_call(sessions, "1007")
    assert call.status.value == "abandoned"
    assert call.answered_at is None and call.agent_extension is None
    assert 2 <= call.ring_seconds <= 4
    assert call.talk_seconds == 0
    attempts = await attempts_of(sessions, call.id)
    assert [(a.agent_extension, a.result.value) for a in attempts] == [("1001", "cancelled")]


async def test_caller_gives_up_with_no_agent_registered(
    sipp: Sipp, sessions: async_sessionmaker[AsyncSession],
) -> None:
    caller = await dial(sipp, sessions, "1006", "6400", hold_ms=2000)
    await caller.expect_success(30)
    call = await ended_call(sessions, "1006")
    assert call.status.value == "abandoned"
    assert await attempts_of(sessions, call.id) == []  # nobody was rung: 1001 and 1002 are offline


async def test_an_unknown_feature_code_plays_an_error_and_changes_nothing(
    sipp: Sipp, sessions: async_sessionmaker[AsyncSession],
) -> None:
    before = [c.id for c in await calls_from(sessions, "1005")]
    caller = await dial(sipp, sessions, "1005", "*999", hold_ms=120000)
    # Answered, heard the error prompt, and Asterisk hung up: the caller itself would wait 120 s.
    await caller.expect_success(30)
    assert "BYE sip:" not in caller.sent_messages()
    assert [c.id for c in await calls_from(sessions, "1005")] == before


async def test_maximum_waiting_time_sends_the_caller_to_the_failover_and_counts_a_miss(
    lab: Lab, sipp: Sipp, sessions: async_sessionmaker[AsyncSession],
) -> None:
    from dataclasses import replace

    from yeastar_ctl.db.queue_settings import QueueSettings
    from yeastar_ctl.services.queues import create_queue, get_by_number, set_members

    async with sessions.begin() as session:
        if await get_by_number(session, "6409") is None:
            await create_queue(session, "6409", "Short wait", replace(QueueSettings(), max_wait_seconds=3))
            await set_members(session, "6409", static=[("1002", 1)], dynamic=[])
    applied = lab.ctl("apply")
    assert "extensions.conf" in applied.stdout.splitlines()[0]  # the new queue number is dialable

    caller = await dial(sipp, sessions, "1004", "6409", hold_ms=60000)
    await caller.expect_success(20)  # Asterisk hung up on the caller (failover: Hang up)
    call = await ended_call(sessions, "1004")
    assert call.status.value == "missed"
    assert call.reason == "timed out"
    assert call.queue_number == "6409"
    assert 3 <= call.ring_seconds <= 5
