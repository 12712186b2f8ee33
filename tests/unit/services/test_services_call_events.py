from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone

import pytest
from postgres import Unchanged
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.enums import (
    AgentEventKind,
    AgentEventSource,
    CallStatus,
    RingResult,
)
from yeastar_ctl.db.models import QueueCall, RingAttempt
from yeastar_ctl.services import call_events, queues
from yeastar_ctl.services.call_events import whole_seconds
from yeastar_ctl.services.call_ids import make_call_id
from yeastar_ctl.services.errors import NotFoundError, ValidationError

T0 = datetime(2025, 6, 24, 13, 8, 9, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_make_call_id_is_time_prefixed_and_reproducible() -> None:
    local = datetime(2025, 6, 24, 15, 8, 9, tzinfo=timezone(timedelta(hours=2)))
    first = make_call_id(local, random.Random(7))
    assert first.startswith("20250624130809")
    assert len(first) == 26
    assert first == make_call_id(local, random.Random(7))
    assert first != make_call_id(local, random.Random(8))
    with pytest.raises(ValueError):
        make_call_id(datetime(2025, 1, 1), random.Random(1))


@pytest.mark.parametrize(
    ("seconds", "expected"), [(0, 0), (0.49, 0), (0.5, 1), (1.5, 2), (2.5, 3), (59.999, 60)]
)
def test_whole_seconds_round_half_up(seconds: float, expected: int) -> None:
    assert whole_seconds(T0, at(seconds)) == expected


def test_whole_seconds_refuses_negative_durations() -> None:
    with pytest.raises(ValidationError):
        whole_seconds(at(5), at(4))


async def _join(session: AsyncSession, call_id: str = "c1") -> QueueCall:
    return await call_events.record_call_joined(
        session,
        call_id=call_id,
        queue_number="6400",
        caller_number="5001",
        caller_name="Kristin Hale",
        joined_at=T0,
        channel_id="chan-1",
    )


async def test_answered_call_durations_and_attempts(session: AsyncSession) -> None:
    queue = await queues.create_queue(session, "6400", "Support")
    call = await _join(session)
    assert (call.queue_id, call.status) == (queue.id, CallStatus.WAITING)
    first = await call_events.record_ring_started(session, "c1", agent_extension="1001", started_at=at(1))
    await call_events.record_ring_ended(session, first.id, ended_at=at(31), result="no_answer")
    await call_events.record_ring_started(session, "c1", agent_extension="1001", started_at=at(36))
    await call_events.record_ring_started(session, "c1", agent_extension="1002", started_at=at(36))
    answered = await call_events.record_call_answered(
        session, "c1", agent_extension="1002", answered_at=at(40.6)
    )
    assert (answered.status, answered.ring_seconds, answered.agent_extension) == ("answered", 41, "1002")
    await call_events.add_hold_seconds(session, "c1", 12)
    ended = await call_events.record_call_ended(session, "c1", ended_at=at(100.4))
    assert (ended.status, ended.talk_seconds, ended.hold_seconds) == (CallStatus.ANSWERED, 60, 12)
    attempts = (await session.scalars(select(RingAttempt).order_by(RingAttempt.id))).all()
    assert [(a.agent_extension, a.result) for a in attempts] == [
        ("1001", RingResult.NO_ANSWER),
        ("1001", RingResult.CANCELLED),
        ("1002", RingResult.ANSWERED),
    ]
    assert attempts[2].ended_at == at(40.6)
    # Each attempt carries its call's queue and join time; 1001's ring-out and the ring cut
    # short by 1002's answer are 1001's misses, 1002's answer is not a miss.
    assert {(a.queue_number, a.joined_at) for a in attempts} == {("6400", T0)}
    assert [a.missed for a in attempts] == [True, True, False]


async def test_misses_are_marked_when_the_call_ends(session: AsyncSession) -> None:
    await _join(session)
    rung_out = await call_events.record_ring_started(session, "c1", agent_extension="1001", started_at=at(1))
    await call_events.record_ring_ended(session, rung_out.id, ended_at=at(21), result=RingResult.NO_ANSWER)
    ringing = await call_events.record_ring_started(session, "c1", agent_extension="1002", started_at=at(25))
    assert (rung_out.missed, ringing.missed) == (False, False)  # not counted while the call waits
    await call_events.record_call_ended(session, "c1", ended_at=at(30), status=CallStatus.ABANDONED)
    # The caller hung up while 1002's phone rang: not 1002's miss; 1001's ring-out is.
    assert (rung_out.missed, ringing.missed) == (True, False)


@pytest.mark.parametrize(
    ("result", "status", "missed"),
    [
        (None, CallStatus.MISSED, False),
        (RingResult.ANSWERED, CallStatus.ANSWERED, False),
        (RingResult.NO_ANSWER, CallStatus.ABANDONED, True),
        (RingResult.BUSY, CallStatus.ANSWERED, True),
        (RingResult.FAILED, CallStatus.MISSED, True),
        (RingResult.CANCELLED, CallStatus.ANSWERED, True),  # another agent answered first
        (RingResult.CANCELLED, CallStatus.MISSED, True),  # the queue gave up while it rang
        (RingResult.CANCELLED, CallStatus.ABANDONED, False),  # the caller hung up while it rang
    ],
)
def test_which_offers_are_the_agents_misses(result: RingResult | None, status: CallStatus, missed: bool) -> None:
    assert call_events.is_agent_miss(result, status) is missed


async def test_unanswered_call_needs_an_outcome(session: AsyncSession, unchanged: Unchanged) -> None:
    await _join(session)
    await call_events.record_ring_started(session, "c1", agent_extension="1001", started_at=at(2))
    async with unchanged(ValidationError, match="abandoned or missed"):
        await call_events.record_call_ended(session, "c1", ended_at=at(10))
    ended = await call_events.record_call_ended(
        session, "c1", ended_at=at(12.5), status=CallStatus.ABANDONED, reason="caller hung up"
    )
    assert (ended.status, ended.ring_seconds, ended.talk_seconds) == ("abandoned", 13, 0)
    assert ended.queue_id is None  # the queue number is kept even with no queue row
    attempt = await session.scalar(select(RingAttempt))
    assert attempt is not None and attempt.result == RingResult.CANCELLED


async def test_impossible_sequences_are_refused(session: AsyncSession, unchanged: Unchanged) -> None:
    await _join(session)
    async with unchanged(ValidationError, match="already recorded"):
        await _join(session)
    async with unchanged(ValidationError, match="timezone-aware"):
        await call_events.record_call_answered(
            session, "c1", agent_extension="1001", answered_at=datetime(2025, 6, 24, 13, 9)
        )
    async with unchanged(ValidationError, match="before"):
        await call_events.record_call_answered(session, "c1", agent_extension="1001", answered_at=at(-1))
    async with unchanged(NotFoundError):
        await call_events.record_call_answered(session, "nope", agent_extension="1001", answered_at=at(1))
    await call_events.record_call_answered(session, "c1", agent_extension="1001", answered_at=at(5))
    async with unchanged(ValidationError, match="already answered"):
        await call_events.record_call_answered(session, "c1", agent_extension="1002", answered_at=at(6))
    async with unchanged(ValidationError, match="was answered"):
        await call_events.record_call_ended(session, "c1", ended_at=at(9), status="missed")
    await call_events.record_call_ended(session, "c1", ended_at=at(9))
    async with unchanged(ValidationError, match="already ended"):
        await call_events.record_call_ended(session, "c1", ended_at=at(10))
    async with unchanged(ValidationError, match="already ended"):
        await call_events.record_ring_started(session, "c1", agent_extension="1001", started_at=at(10))
    async with unchanged(NotFoundError):
        await call_events.record_ring_ended(session, 4242, ended_at=at(10), result="busy")


async def test_agent_events(session: AsyncSession, unchanged: Unchanged) -> None:
    event = await call_events.record_agent_event(
        session,
        at=T0,
        agent_extension="1001",
        queue_number="6400",
        kind="pause",
        reason_code="*03",
        source=AgentEventSource.FEATURE_CODE,
    )
    assert (event.kind, event.source, event.reason_code) == (AgentEventKind.PAUSE, "feature_code", "*03")
    async with unchanged(ValidationError, match="has no reason"):
        await call_events.record_agent_event(
            session, at=T0, agent_extension="1001", kind="login", reason_code="*03", source="api"
        )
    async with unchanged(ValidationError, match="must be one of"):
        await call_events.record_agent_event(
            session, at=T0, agent_extension="1001", kind="nap", source="api"
        )
