"""Scheduled reports: validation, CRUD, and a run that writes the CSV and emails it."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from postgres import Unchanged
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.services.errors import NotFoundError, ValidationError
from yeastar_ctl.services.scheduled_reports import (
    ScheduleSpec,
    create_schedule,
    delete_schedule,
    get_schedule,
    list_schedules,
    mark_run,
    report_filter_of,
    update_schedule,
)

BERLIN = ZoneInfo("Europe/Berlin")
DAILY = ScheduleSpec("Support daily", "queue-performance", "daily", "08:00", ("boss@example.com",),
                     filters={"queues": ["6400"], "exclude_abandoned_within": 3})


async def test_create_list_update_delete(session: AsyncSession) -> None:
    row = await create_schedule(session, DAILY)
    weekly = await create_schedule(session, ScheduleSpec(
        "Agents weekly", "agent-performance", "weekly", "07:30", ("a@example.com", "a@example.com", "b@example.com"),
        weekday=0))
    assert [s.name for s in await list_schedules(session)] == ["Support daily", "Agents weekly"]
    assert weekly.recipients == ["a@example.com", "b@example.com"]
    assert (await get_schedule(session, "Support daily")).id == row.id
    assert (await get_schedule(session, str(row.id))).name == "Support daily"
    await update_schedule(session, row.id, ScheduleSpec(
        "Support monthly", "queue-calls", "monthly", "06:00", ("boss@example.com",), monthday=31))
    again = await get_schedule(session, row.id)
    assert (again.name, again.frequency, again.monthday, again.filters) == ("Support monthly", "monthly", 31, {})
    await mark_run(session, row.id, datetime(2025, 6, 24, 6, tzinfo=UTC))
    assert again.last_run_at == datetime(2025, 6, 24, 6, tzinfo=UTC)
    await delete_schedule(session, "Agents weekly")
    with pytest.raises(NotFoundError):
        await get_schedule(session, "Agents weekly")
    await session.commit()
    assert [s.name for s in await list_schedules(session)] == ["Support monthly"]


async def test_every_problem_is_reported_and_nothing_saved(session: AsyncSession, unchanged: Unchanged) -> None:
    await create_schedule(session, DAILY)
    bad = ScheduleSpec("Support daily", "queue-speed", "hourly", "8:00", ("not-an-address",), weekday=2,
                       filters={"queue": ["6400"], "exclude_talk_within": -1})
    async with unchanged(ValidationError) as caught:
        await create_schedule(session, bad)
    fields = {p.field for p in caught.value.problems}
    assert fields == {"name", "report_type", "frequency", "time_of_day", "recipients[0]", "weekday", "filters.queue",
                      "filters.exclude_talk_within"}
    async with unchanged(ValidationError) as caught:
        await create_schedule(session, ScheduleSpec("x", "queue-calls", "weekly", "08:00", (), monthday=3))
    assert {p.field for p in caught.value.problems} == {"weekday", "monthday", "recipients"}
    async with unchanged(ValidationError, match="one queue"):
        await create_schedule(session, ScheduleSpec("s", "satisfaction-survey", "daily", "08:00", ("a@b.co",)))


async def test_the_stored_filters_become_the_report_filter(session: AsyncSession) -> None:
    row = await create_schedule(session, ScheduleSpec(
        "cb", "queue-callback-activity", "daily", "08:00", ("a@b.co",),
        filters={"queues": ["6400", "6401"], "callback_result": "failed", "granularity": "hour"}))
    start, end = datetime(2025, 6, 23, tzinfo=BERLIN), datetime(2025, 6, 24, tzinfo=BERLIN)
    f = report_filter_of(row, start, end)
    assert (f.start, f.end, f.queues, f.callback_result, f.granularity) == (start, end, ("6400", "6401"), "failed", "hour")
