"""What a caller hears and can do in a queue (seed, queue Prompt, Preferences and Basic), with
real SIP calls and RFC 2833 key presses from SIPp through the lab Asterisk."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from calls import call_in, dial, secret
from conftest import Lab, Phone, eventually
from sipp import Sipp, SippRun
from yeastar_ctl.ari import EventStream
from yeastar_ctl.db.enums import DestinationType, RingStrategy
from yeastar_ctl.db.models import QueueCall, SurveyResult
from yeastar_ctl.db.queue_settings import QueueSettings
from yeastar_ctl.services.business_hours import set_business_hours
from yeastar_ctl.services.queues import create_queue, get_by_number, set_members

QUICK = replace(QueueSettings(), ring_strategy=RingStrategy.LINEAR, retry_interval_seconds=1, wrapup_seconds=0,
                agent_timeout_seconds=5)


async def queue(lab: Lab, sessions: async_sessionmaker[AsyncSession], number: str, settings: QueueSettings,
                static: list[tuple[str, int]] = ()) -> None:  # type: ignore[assignment]
    async with sessions.begin() as session:
        if await get_by_number(session, number) is None:
            await create_queue(session, number, f"Journey {number}", settings)
            await set_members(session, number, static=list(static), dynamic=[])
    lab.ctl("apply")


async def press(sipp: Sipp, sessions: async_sessionmaker[AsyncSession], caller: str, number: str,
                presses: list[tuple[int, str]], *, hold_ms: int) -> SippRun:
    """`caller` dials `number`; after the answer, each (pause ms, digit) in turn."""
    return await sipp.start(
        "caller_keys", service=number, auth=(caller, await secret(sessions, caller)),
        values={"caller": caller, "hold_ms": hold_ms}, keys=presses,
    )


async def ended_in(sessions: async_sessionmaker[AsyncSession], number: str, caller: str) -> QueueCall:
    async def check() -> QueueCall | None:
        row = await call_in(sessions, number, caller)
        return row if row is not None and row.ended_at is not None else None

    return await eventually(check, what=f"the call from {caller} in {number} ended")


async def heard(playbacks: list[dict[str, Any]], media: str) -> bool:
    return any(p["media_uri"] == media for p in playbacks)


async def happened(events: list[Any]) -> bool:
    return bool(events)


@pytest.fixture
async def playbacks(lab: Lab) -> AsyncIterator[list[dict[str, Any]]]:
    """Every PlaybackStarted in Asterisk, seen by an observer app subscribed to all events."""
    a = lab.settings.asterisk
    seen: list[dict[str, Any]] = []
    stream = EventStream(a.ari_url, a.ari_user, a.ari_password, "yc-test-observer", subscribe_all=True)

    async def started(event: dict[str, Any]) -> None:
        seen.append(event["playback"])

    stream.on("PlaybackStarted", started)
    stream.on("PlaybackFinished", started)
    task = asyncio.create_task(stream.run())
    await stream.wait_connected(10)
    yield seen
    await stream.close()
    task.cancel()


async def test_the_caller_hears_the_position_announcement(
    lab: Lab, sipp: Sipp, sessions: async_sessionmaker[AsyncSession], playbacks: list[dict[str, Any]],
) -> None:
    await queue(lab, sessions, "6410", replace(QUICK, announce_position=True, thank_you_prompt=True,
                                               position_frequency_seconds=2))
    caller = await dial(sipp, sessions, "1009", "6410", hold_ms=12000)  # "you are next" lasts 5.4 s

    await eventually(lambda: heard(playbacks, "sound:queue-youarenext"), what="'you are next'")
    await eventually(lambda: heard(playbacks, "sound:queue-thankyou"), what="'thank you for your patience'")
    await caller.expect_success(20)


async def test_maximum_waiting_time_fails_over_to_an_extension_that_answers(
    lab: Lab, sipp: Sipp, phones: Callable[[str], Awaitable[Phone]], sessions: async_sessionmaker[AsyncSession],
) -> None:
    await queue(lab, sessions, "6411", replace(QUICK, max_wait_seconds=3, failover_type=DestinationType.EXTENSION,
                                               failover_target="1002"))
    operator = await phones("1002")
    answers = await operator.answer_next_call(ring_ms=200, talk_ms=1500)
    caller = await dial(sipp, sessions, "1008", "6411", hold_ms=60000)
    await answers.expect_success(20)  # 1002 rang, answered, talked and hung up
    await caller.expect_success(20)
    call = await ended_in(sessions, "6411", "1008")
    assert call.status.value == "missed"
    assert call.reason == "timed out: extension 1002"


async def test_a_key_press_sends_the_caller_to_its_destination(
    lab: Lab, sipp: Sipp, phones: Callable[[str], Awaitable[Phone]], sessions: async_sessionmaker[AsyncSession],
) -> None:
    await queue(lab, sessions, "6412", replace(QUICK, key_press_key="5", key_press_dest_type=DestinationType.EXTENSION,
                                               key_press_dest_target="1002"))
    operator = await phones("1002")
    answers = await operator.answer_next_call(ring_ms=200, talk_ms=1500)
    caller = await press(sipp, sessions, "1007", "6412", [(1500, "5")], hold_ms=60000)
    await answers.expect_success(20)
    await caller.expect_success(20)
    call = await ended_in(sessions, "6412", "1007")
    assert call.status.value == "missed"
    assert call.reason == "key press 5: extension 1002"


async def test_survey_key_8_is_worth_5_points(
    lab: Lab, sipp: Sipp, phones: Callable[[str], Awaitable[Phone]], sessions: async_sessionmaker[AsyncSession],
) -> None:
    points = (("2", -1), ("4", 1), ("6", 3), ("8", 5))
    await queue(lab, sessions, "6413", replace(QUICK, survey_enabled=True, survey_points=points,
                                               alert_info="<http://127.0.0.1/ring.wav>;info=queue6413"),
                static=[("1001", 1)])
    agent = await phones("1001")
    answers = await agent.answer_next_call(ring_ms=200, talk_ms=1500)
    # The agent hangs up after 1.5 s; at 3 s the caller presses 8 during the survey prompt.
    caller = await press(sipp, sessions, "1006", "6413", [(3000, "8")], hold_ms=30000)
    await answers.expect_success(20)
    await caller.expect_success(30)  # after the end prompt Asterisk hangs up

    call = await ended_in(sessions, "6413", "1006")
    assert call.status.value == "answered" and call.reason == "agent hung up"
    async with sessions() as session:
        rows = list(await session.scalars(select(SurveyResult).where(SurveyResult.queue_call_id == call.id)))
    assert [(r.key, r.points, r.agent_extension, r.caller_number) for r in rows] == [("8", 5, "1001", "1006")]
    # Seed, Queue Alert Info: the agent's phone saw the queue's Alert-Info.
    assert "Alert-Info: <http://127.0.0.1/ring.wav>;info=queue6413" in (answers.log_dir / "messages.log").read_text()


async def test_outside_business_hours_the_caller_goes_to_the_outside_hours_destination(
    lab: Lab, sipp: Sipp, phones: Callable[[str], Awaitable[Phone]], sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        await set_business_hours(session, [])  # never open
    await queue(lab, sessions, "6414", replace(QUICK, time_condition_enabled=True, time_zone="Europe/Berlin",
                                               outside_hours_dest_type=DestinationType.EXTENSION,
                                               outside_hours_dest_target="1002"), static=[("1001", 1)])
    operator = await phones("1002")
    answers = await operator.answer_next_call(ring_ms=200, talk_ms=1000)
    caller = await dial(sipp, sessions, "1005", "6414", hold_ms=60000)
    await answers.expect_success(20)
    await caller.expect_success(20)
    call = await ended_in(sessions, "6414", "1005")
    assert call.status.value == "missed"
    assert call.reason == "outside business hours: extension 1002"


async def customer(sessions: async_sessionmaker[AsyncSession], lab: Lab, number: str) -> None:
    """A customer line with a callback-able number (at least 5 digits) in the lab."""
    from yeastar_ctl.services.extensions import create_extension, get_by_number

    async with sessions.begin() as session:
        if await get_by_number(session, number) is None:
            await create_extension(session, number, f"Customer {number}")
    lab.ctl("apply")


async def callback_of(sessions: async_sessionmaker[AsyncSession], call_id: str) -> list[tuple[str, str, str | None, str | None]]:
    from yeastar_ctl.db.models import CallbackRequest

    async with sessions() as session:
        rows = await session.scalars(select(CallbackRequest).where(CallbackRequest.queue_call_id == call_id)
                                     .order_by(CallbackRequest.id))
        return [(r.callback_number, r.result.value, r.reason, r.agent_extension) for r in rows]


async def test_callback_by_digit_to_another_number_rings_the_agent_then_the_customer(
    lab: Lab, sipp: Sipp, phones: Callable[[str], Awaitable[Phone]], sessions: async_sessionmaker[AsyncSession],
) -> None:
    await customer(sessions, lab, "10081")
    await queue(lab, sessions, "6415", replace(QUICK, callback_enabled=True, callback_digit="1"), static=[("1001", 1)])
    # Nobody takes calls yet: 1004 presses 1 for a callback and enters 10081 (no pound: the
    # dialog ends when no more keys come).
    caller = await press(sipp, sessions, "1004", "6415",
                         [(1500, "1"), (2500, "1"), (300, "0"), (300, "0"), (300, "8"), (300, "1")], hold_ms=60000)
    await caller.expect_success(40)  # thanked and hung up on: the caller keeps their place

    call = await eventually(lambda: call_in(sessions, "6415", "1004"), what="the callback call")
    assert call.is_callback and call.ended_at is None
    assert await callback_of(sessions, call.id) == [("10081", "pending", None, None)]

    the_customer = await phones("10081")
    customer_answers = await the_customer.answer_next_call(ring_ms=500, talk_ms=30000)
    agent = await phones("1001")  # the agent comes online: the callback rings the agent first
    agent_answers = await agent.answer_next_call(ring_ms=200, talk_ms=3000)
    await agent_answers.expect_success(40)
    await customer_answers.expect_success(20)

    ended = await ended_in(sessions, "6415", "1004")
    assert ended.status.value == "answered" and ended.agent_extension == "1001" and ended.talk_seconds >= 2
    assert await callback_of(sessions, call.id) == [("10081", "succeeded", None, "1001")]


async def test_a_callback_with_no_agent_before_its_timeout_fails(
    lab: Lab, sipp: Sipp, sessions: async_sessionmaker[AsyncSession],
) -> None:
    from yeastar_ctl.db.enums import CallbackTimeoutMode

    await customer(sessions, lab, "10082")
    await queue(lab, sessions, "6416", replace(QUICK, max_wait_seconds=60, callback_enabled=True, callback_digit="3",
                                               callback_timeout_mode=CallbackTimeoutMode.CUSTOM,
                                               callback_timeout_seconds=20), static=[("1002", 1)])
    # 10082 presses 3 and keeps its own caller ID (no other number).
    caller = await press(sipp, sessions, "10082", "6416", [(1000, "3")], hold_ms=60000)
    await caller.expect_success(40)
    call = await eventually(lambda: call_in(sessions, "6416", "10082"), what="the callback call")

    async def failed() -> list[Any] | None:
        rows = await callback_of(sessions, call.id)
        return rows if rows and rows[0][1] == "failed" else None

    assert await eventually(failed, timeout=30, what="the callback to fail") == [
        ("10082", "failed", "No available agents", None),
    ]
    ended = await ended_in(sessions, "6416", "10082")
    assert ended.status.value == "missed" and ended.reason == "callback failed: No available agents"


async def test_the_caller_hears_music_on_hold_while_the_agent_holds_and_the_call_is_recorded(
    lab: Lab, sipp: Sipp, phones: Callable[[str], Awaitable[Phone]], sessions: async_sessionmaker[AsyncSession],
) -> None:
    from yeastar_ctl.ami.client import AmiClient
    from yeastar_ctl.lab.paths import LabPaths

    await queue(lab, sessions, "6418", replace(QUICK, record_calls=True), static=[("1001", 1)])
    a = lab.settings.asterisk
    moh_channels: list[str] = []
    async with AmiClient(a.host, a.ami_port, a.ami_user, a.ami_secret) as ami:
        ami.on_event("MusicOnHoldStart", lambda _m, event: moh_channels.append(str(event.get("Channel"))))
        agent = await phones("1001")
        holds = await sipp.start("agent_hold", service="1001", local_port=agent.port, server=True,
                                 values={"ring_ms": 200, "before_hold_ms": 1000, "hold_ms": 2500, "talk_ms": 1000})
        caller = await dial(sipp, sessions, "1003", "6418", hold_ms=60000)
        await holds.expect_success(30)
        await caller.expect_success(20)

    call = await ended_in(sessions, "6418", "1003")
    assert call.status.value == "answered"
    assert 2 <= call.hold_seconds <= 4
    # Music while waiting, and again while on hold.
    assert len([c for c in moh_channels if c.startswith("PJSIP/1003-")]) >= 2
    assert call.recording_file == f"queue-{call.id}"
    recording = LabPaths.from_settings(lab.settings).spool_dir / "recording" / f"{call.recording_file}.wav"
    assert recording.exists() and recording.stat().st_size > 44  # more than a WAV header


async def test_on_a_holiday_the_caller_hears_the_holiday_prompt_and_goes_to_the_holiday_destination(
    lab: Lab, sipp: Sipp, phones: Callable[[str], Awaitable[Phone]], sessions: async_sessionmaker[AsyncSession],
    playbacks: list[dict[str, Any]],
) -> None:
    from datetime import UTC, datetime

    from yeastar_ctl.services.business_hours import set_holidays

    today = datetime.now(UTC).date().isoformat()
    async with sessions.begin() as session:
        await set_holidays(session, [("Test day", today, today, "queue-thankyou")])
    await queue(lab, sessions, "6421", replace(QUICK, time_condition_enabled=True, time_zone="UTC",
                                               play_holiday_prompt=True, holiday_dest_type=DestinationType.EXTENSION,
                                               holiday_dest_target="1002"), static=[("1001", 1)])
    operator = await phones("1002")
    answers = await operator.answer_next_call(ring_ms=200, talk_ms=1000)
    caller = await dial(sipp, sessions, "1003", "6421", hold_ms=60000)
    await answers.expect_success(20)
    await caller.expect_success(20)
    call = await ended_in(sessions, "6421", "1003")
    assert call.reason == "holiday: extension 1002"
    assert any(p["media_uri"] == "sound:queue-thankyou" for p in playbacks)


async def test_the_callback_is_offered_after_the_auto_trigger_timeout(
    lab: Lab, sipp: Sipp, sessions: async_sessionmaker[AsyncSession], playbacks: list[dict[str, Any]],
) -> None:
    from yeastar_ctl.db.enums import CallbackMethod

    await customer(sessions, lab, "10083")
    await queue(lab, sessions, "6420", replace(QUICK, callback_enabled=True, callback_digit="7",
                                               callback_method=CallbackMethod.AUTO_TIMEOUT,
                                               callback_auto_timeout_seconds=2), static=[("1002", 1)])
    # The offer ("press 7 to call back") starts at 2 s; the caller presses 7, then pound to keep
    # their own number.
    caller = await press(sipp, sessions, "10083", "6420", [(4000, "7"), (3000, "#")], hold_ms=60000)
    await caller.expect_success(40)
    assert any(p["media_uri"] == "sound:vm-tocallback" for p in playbacks)
    call = await eventually(lambda: call_in(sessions, "6420", "10083"), what="the callback call")
    assert call.is_callback
    assert await callback_of(sessions, call.id) == [("10083", "pending", None, None)]


async def test_the_join_and_periodic_announcements_are_played(
    lab: Lab, sipp: Sipp, sessions: async_sessionmaker[AsyncSession], playbacks: list[dict[str, Any]],
) -> None:
    await queue(lab, sessions, "6422", replace(QUICK, join_announcement="queue-thankyou",
                                               periodic_announcement="queue-periodic-announce",
                                               periodic_frequency_seconds=3))
    caller = await dial(sipp, sessions, "1009", "6422", hold_ms=9000)

    await eventually(lambda: heard(playbacks, "sound:queue-thankyou"), what="the join announcement")
    await eventually(lambda: heard(playbacks, "sound:queue-periodic-announce"), what="the periodic announcement")
    await caller.expect_success(20)


async def test_a_callback_number_shorter_than_5_digits_is_refused_and_the_caller_keeps_waiting(
    lab: Lab, sipp: Sipp, sessions: async_sessionmaker[AsyncSession],
) -> None:
    await queue(lab, sessions, "6423", replace(QUICK, callback_enabled=True, callback_digit="9"))
    caller = await press(sipp, sessions, "1008", "6423", [(1000, "9"), (2000, "1"), (300, "2"), (300, "3"), (300, "#")],
                         hold_ms=20000)
    call = await eventually(lambda: call_in(sessions, "6423", "1008"), what="the call")

    async def refused() -> list[Any] | None:
        return await callback_of(sessions, call.id) or None

    assert await eventually(refused, what="the refused request") == [("1008", "failed", "Invalid callback number", None)]
    await caller.expect_success(30)  # the caller stayed in the queue and hung up after 20 s
    ended = await ended_in(sessions, "6423", "1008")
    assert ended.status.value == "abandoned" and not ended.is_callback


async def test_failover_to_an_extensions_voicemail(
    lab: Lab, sipp: Sipp, sessions: async_sessionmaker[AsyncSession],
) -> None:
    from yeastar_ctl.ami.client import AmiClient

    await queue(lab, sessions, "6424", replace(QUICK, max_wait_seconds=2,
                                               failover_type=DestinationType.EXTENSION_VOICEMAIL,
                                               failover_target="1002"))
    a = lab.settings.asterisk
    voicemail_for: list[str] = []
    async with AmiClient(a.host, a.ami_port, a.ami_user, a.ami_secret) as ami:
        ami.on_event("Newexten", lambda _m, e: voicemail_for.append(str(e.get("AppData")))
                     if e.get("Application") == "VoiceMail" else None)
        caller = await dial(sipp, sessions, "1007", "6424", hold_ms=8000)
        await eventually(lambda: happened(voicemail_for), what="the VoiceMail application")
        await caller.expect_success(20)
    assert voicemail_for[0].startswith("1002@default")
    call = await ended_in(sessions, "6424", "1007")
    assert call.reason == "timed out: voicemail of extension 1002"

