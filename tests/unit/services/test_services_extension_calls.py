"""Recording direct-call legs: durations derived like queue calls', impossible legs refused."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.extension_call_models import CallDirection, CallDisposition, ExtensionCall
from yeastar_ctl.services import extensions
from yeastar_ctl.services.errors import ValidationError
from yeastar_ctl.services.extension_calls import ExtensionCallLeg, extension_numbers, record_extension_call

START = datetime(2024, 11, 22, 13, 0, tzinfo=UTC)
ANSWERED = ExtensionCallLeg(
    direction=CallDirection.INTERNAL, caller_number="1001", caller_name="Alice", callee_number="1002",
    caller_extension="1001", callee_extension="1002", started_at=START,
    answered_at=START + timedelta(seconds=7, milliseconds=500), ended_at=START + timedelta(seconds=69, milliseconds=900),
    disposition=CallDisposition.ANSWERED, unique_id="1732280400.20", linked_id="1732280400.20", hold_seconds=20,
)


async def test_an_answered_leg_is_stored_with_ring_and_talk_rounded_half_up(session: AsyncSession) -> None:
    await record_extension_call(session, ANSWERED)
    row = (await session.scalars(select(ExtensionCall))).one()
    assert (row.ring_seconds, row.talk_seconds, row.hold_seconds) == (8, 62, 20)  # 7.5 s -> 8, 62.4 s -> 62
    assert (row.direction, row.disposition, row.caller_extension, row.callee_extension) == (
        CallDirection.INTERNAL, CallDisposition.ANSWERED, "1001", "1002")
    assert row.answered_at == ANSWERED.answered_at and row.ended_at == ANSWERED.ended_at


async def test_an_unanswered_leg_rang_until_it_ended(session: AsyncSession) -> None:
    leg = replace(ANSWERED, answered_at=None, disposition=CallDisposition.NO_ANSWER,
                  ended_at=START + timedelta(seconds=30), hold_seconds=3)
    row = await record_extension_call(session, leg)
    # No talk, so no hold either: hold is part of the talk time.
    assert (row.ring_seconds, row.talk_seconds, row.hold_seconds, row.answered_at) == (30, 0, 0, None)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"direction": CallDirection.INBOUND}, "caller_extension"),  # a trunk caller is no extension
        ({"direction": CallDirection.OUTBOUND}, "callee_extension"),
        ({"callee_extension": None}, "callee_extension"),  # internal: both sides are extensions
        ({"disposition": CallDisposition.BUSY}, "answered_at"),  # busy, yet answered?
        ({"answered_at": None}, "answered_at"),  # answered with no answer time
        ({"started_at": datetime(2024, 11, 22, 13, 0)}, "started_at"),  # naive
        ({"ended_at": START + timedelta(seconds=5)}, "ended_at"),  # ended before it was answered
        ({"hold_seconds": -1}, "hold_seconds"),
    ],
)
async def test_impossible_legs_are_refused(session: AsyncSession, changes: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        await record_extension_call(session, replace(ANSWERED, **changes))  # type: ignore[arg-type]
    assert refused.value.field == field
    assert (await session.scalars(select(ExtensionCall))).all() == []


async def test_extension_numbers_are_the_configured_extensions(session: AsyncSession) -> None:
    for number in ("1001", "1002"):
        await extensions.create_extension(session, number, f"Ext {number}")
    assert await extension_numbers(session) == frozenset({"1001", "1002"})
