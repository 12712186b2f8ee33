"""SLA alarms: the evaluation window, the threshold comparison, and the SLA over real rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.queue_settings import QueueSettings
from yeastar_ctl.notify.events import SlaBelowThreshold
from yeastar_ctl.notify.sla import SlaWindow, below_threshold, check_sla, sla_window
from yeastar_ctl.reports.values import CallTotals
from yeastar_ctl.services import call_events, extensions, queues


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_the_window_is_the_last_whole_interval_of_a_grid_from_the_epoch() -> None:
    assert sla_window(utc("2025-06-24 10:12:30"), 10) == SlaWindow(utc("2025-06-24 10:00"), utc("2025-06-24 10:10"))
    assert sla_window(utc("2025-06-24 10:10:00"), 10) == SlaWindow(utc("2025-06-24 10:00"), utc("2025-06-24 10:10"))
    assert sla_window(utc("2025-06-24 10:09:59"), 10) == SlaWindow(utc("2025-06-24 09:50"), utc("2025-06-24 10:00"))
    # An interval that does not divide the hour still tiles time without gaps.
    first = sla_window(utc("2025-06-24 10:00"), 7)
    assert first.end - first.start == timedelta(minutes=7)
    assert sla_window(first.end + timedelta(minutes=7), 7).start == first.end


def test_below_threshold_needs_a_call_and_compares_exactly() -> None:
    assert not below_threshold(CallTotals(), 80)
    assert not below_threshold(CallTotals(calls=5, within_sla=4), 80)  # exactly 80 % is met
    assert below_threshold(CallTotals(calls=1000, within_sla=799), 80)  # 79.9 % prints as 79.9%
    assert not below_threshold(CallTotals(calls=3, within_sla=0), 0)


async def _call(session: AsyncSession, call_id: str, joined: str, *, answer_after: int | None = None,
                end_after: int | None = None, status: str | None = None) -> None:
    start = utc(joined)
    await call_events.record_call_joined(session, call_id=call_id, queue_number="6400",
                                         caller_number="15880123456", joined_at=start)
    if answer_after is not None:
        await call_events.record_call_answered(session, call_id, agent_extension="1001",
                                               answered_at=start + timedelta(seconds=answer_after))
    if end_after is not None:
        await call_events.record_call_ended(session, call_id, ended_at=start + timedelta(seconds=end_after),
                                            status=status)


async def test_the_sla_of_the_window_that_just_ended(session: AsyncSession) -> None:
    await extensions.create_extension(session, "1001", "Leo Ball")
    settings = QueueSettings(sla_seconds=20, sla_eval_interval_minutes=10, sla_alarm_threshold_percent=80)
    await queues.create_queue(session, "6400", "Support", settings)
    await _call(session, "before", "2025-06-24 09:58:00", answer_after=5, end_after=60)  # previous window
    await _call(session, "within", "2025-06-24 10:01:00", answer_after=20, end_after=90)  # 20 s: within
    await _call(session, "late", "2025-06-24 10:03:00", answer_after=25, end_after=90)
    await _call(session, "gave-up", "2025-06-24 10:05:00", end_after=5, status="abandoned")
    await _call(session, "timed-out", "2025-06-24 10:06:00", end_after=120, status="missed")
    await _call(session, "waiting", "2025-06-24 10:08:00")  # not ended: not counted
    await _call(session, "after", "2025-06-24 10:10:00", end_after=1, status="abandoned")  # next window
    alarm = await check_sla(session, "6400", utc("2025-06-24 10:12:30"))
    assert alarm == SlaBelowThreshold(
        "6400", utc("2025-06-24 10:10"), utc("2025-06-24 10:00"), "25%", 80, calls=4, within_sla=1,
    )
    # The window before holds one call answered within 5 s: 100 %, no alarm.
    assert await check_sla(session, "6400", utc("2025-06-24 10:05")) is None
    # A window with no call at all raises no alarm.
    assert await check_sla(session, "6400", utc("2025-06-24 12:00")) is None
    assert await check_sla(session, "6499", utc("2025-06-24 10:12")) is None
