"""The timed jobs: built from the tables, rebuilt on change, missed runs caught up, SLA alarms.
Decisions use a fake clock; no test waits for a real timer."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from smtp_inbox import Inbox
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from yeastar_ctl.db.engine import session_factory
from yeastar_ctl.db.queue_settings import QueueSettings
from yeastar_ctl.notify.events import QueueEvent, SlaBelowThreshold
from yeastar_ctl.notify.jobs import ControlPlaneJobs
from yeastar_ctl.notify.mailer import SmtpMailer
from yeastar_ctl.services import call_events, queues
from yeastar_ctl.services.scheduled_reports import ScheduleSpec, create_schedule, get_schedule, update_schedule

BERLIN = ZoneInfo("Europe/Berlin")
DAILY = ScheduleSpec("Daily", "queue-performance", "daily", "08:00", ("boss@example.com",))
WEEKLY = ScheduleSpec("Weekly", "agent-performance", "weekly", "07:30", ("boss@example.com",), weekday=0)


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def scheduler() -> AsyncIterator[AsyncIOScheduler]:
    # Paused: jobs get their next run times but never run by themselves.
    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.start(paused=True)
    yield scheduler
    scheduler.shutdown(wait=False)


def _jobs(engine: AsyncEngine, scheduler: AsyncIOScheduler, clock: FakeClock, tmp_path: Path,
          inbox: Inbox | None = None, events: list[QueueEvent] | None = None) -> ControlPlaneJobs:
    return ControlPlaneJobs(
        session_factory(engine), zone="Europe/Berlin", downloads=tmp_path / "downloads",
        mailer=SmtpMailer(inbox.settings) if inbox else None,
        publish=events.append if events is not None else None, clock=clock, scheduler=scheduler,
    )


async def test_jobs_are_built_from_the_tables_and_follow_changes(
    session: AsyncSession, engine: AsyncEngine, scheduler: AsyncIOScheduler, tmp_path: Path
) -> None:
    await queues.create_queue(session, "6400", "Support")
    await queues.create_queue(session, "6401", "Sales", QueueSettings(sla_eval_interval_minutes=15))
    daily = await create_schedule(session, DAILY)
    weekly = await create_schedule(session, WEEKLY)
    await session.commit()
    jobs = _jobs(engine, scheduler, FakeClock(datetime.now(UTC)), tmp_path, events=[])
    await jobs.sync()
    by_id = {job.id: job for job in scheduler.get_jobs()}
    assert set(by_id) == {"sla:6400", "sla:6401", f"report:{daily.id}", f"report:{weekly.id}"}
    sla_next = by_id["sla:6401"].next_run_time
    assert sla_next.minute % 15 == 0 and sla_next.second == 0  # on the window grid
    report_next = by_id[f"report:{weekly.id}"].next_run_time.astimezone(BERLIN)
    assert (report_next.weekday(), report_next.hour, report_next.minute) == (0, 7, 30)

    weekly_trigger = by_id[f"report:{weekly.id}"].trigger
    await update_schedule(session, daily.id, dataclasses.replace(DAILY, time_of_day="09:15"))
    await queues.delete_queue(session, "6401")
    await session.commit()
    await jobs.sync()
    by_id = {job.id: job for job in scheduler.get_jobs()}
    assert set(by_id) == {"sla:6400", f"report:{daily.id}", f"report:{weekly.id}"}
    moved = by_id[f"report:{daily.id}"].next_run_time.astimezone(BERLIN)
    assert (moved.hour, moved.minute) == (9, 15)
    assert by_id[f"report:{weekly.id}"].trigger is weekly_trigger  # unchanged timing: not replaced


async def test_without_email_there_are_no_sla_jobs(
    session: AsyncSession, engine: AsyncEngine, scheduler: AsyncIOScheduler, tmp_path: Path
) -> None:
    await queues.create_queue(session, "6400", "Support")
    await session.commit()
    await _jobs(engine, scheduler, FakeClock(datetime.now(UTC)), tmp_path).sync()
    assert scheduler.get_jobs() == []


async def test_a_run_missed_while_down_runs_once_at_start(
    session: AsyncSession, engine: AsyncEngine, scheduler: AsyncIOScheduler, tmp_path: Path, inbox: Inbox
) -> None:
    await queues.create_queue(session, "6400", "Support")
    daily = await create_schedule(session, DAILY)
    weekly = await create_schedule(session, WEEKLY)
    created = datetime(2025, 6, 20, 12, 0, tzinfo=BERLIN)  # a Friday
    for row in (daily, weekly):
        row.created_at = created
        row.last_run_at = None
    await session.commit()
    # Down from the Friday until Tuesday 09:00: the daily report of Tuesday 08:00 and the weekly
    # one of Monday 07:30 were missed; each runs once.
    clock = FakeClock(datetime(2025, 6, 24, 9, 0, tzinfo=BERLIN))
    jobs = _jobs(engine, scheduler, clock, tmp_path, inbox=inbox)
    assert await jobs.catch_up() == [daily.id, weekly.id]
    assert sorted(p.name for p in (tmp_path / "downloads").iterdir()) == [
        "Daily_20250623-20250623.csv", "Weekly_20250616-20250622.csv",
    ]
    assert [m.recipients for m in inbox.received] == [["boss@example.com"]] * 2
    async with session_factory(engine)() as check:
        assert (await get_schedule(check, daily.id)).last_run_at == clock.now
    assert await jobs.catch_up() == []  # already done
    clock.now += timedelta(days=1)  # Wednesday 09:00: the Wednesday run is due
    assert await jobs.catch_up() == [daily.id]


async def test_the_sla_job_publishes_an_alarm_for_its_window(
    session: AsyncSession, engine: AsyncEngine, scheduler: AsyncIOScheduler, tmp_path: Path
) -> None:
    await queues.create_queue(session, "6400", "Support", QueueSettings(sla_seconds=20))
    start = datetime(2025, 6, 24, 10, 1, tzinfo=UTC)
    await call_events.record_call_joined(session, call_id="a", queue_number="6400", caller_number="1", joined_at=start)
    await call_events.record_call_ended(session, "a", ended_at=start + timedelta(seconds=3), status="abandoned")
    await session.commit()
    events: list[QueueEvent] = []
    clock = FakeClock(datetime(2025, 6, 24, 10, 10, 1, tzinfo=UTC))
    jobs = _jobs(engine, scheduler, clock, tmp_path, events=events)
    await jobs.evaluate_sla("6400")
    assert events == [SlaBelowThreshold("6400", datetime(2025, 6, 24, 10, 10, tzinfo=UTC),
                                        datetime(2025, 6, 24, 10, 0, tzinfo=UTC), "0%", 80, calls=1, within_sla=0)]
    clock.now += timedelta(minutes=10)
    await jobs.evaluate_sla("6400")  # the next window has no call: no alarm
    assert len(events) == 1


async def test_start_schedules_the_jobs_and_close_stops_them(
    session: AsyncSession, engine: AsyncEngine, tmp_path: Path
) -> None:
    await queues.create_queue(session, "6400", "Support")
    await session.commit()
    jobs = ControlPlaneJobs(session_factory(engine), zone="UTC", downloads=tmp_path, mailer=None,
                            publish=lambda event: None)
    await jobs.start()
    try:
        ids = {job.id for job in jobs.scheduler.get_jobs()}
        assert {"sync", "sla:6400"} <= ids
    finally:
        await jobs.close()
    assert not jobs.scheduler.running
