"""The control plane's timed jobs on APScheduler 3 (AsyncIOScheduler): each queue's SLA
evaluation and each scheduled report.

Jobs are rebuilt from the queue and scheduled-report tables at start-up and then once a minute
(``sync``), so a change made anywhere — the portal, the API, the CLI in another process — takes
effect within a minute without a restart; only jobs whose timing changed are replaced. At
start-up a report run missed while the control plane was down runs once (``catch_up``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from yeastar_ctl.db.models import ScheduledReport
from yeastar_ctl.notify.mailer import Mailer
from yeastar_ctl.notify.notifier import Publish
from yeastar_ctl.notify.report_delivery import run_scheduled_report
from yeastar_ctl.notify.schedule_times import Timing, last_due, missed_run, next_run
from yeastar_ctl.notify.sla import EPOCH, check_sla
from yeastar_ctl.services.queues import list_queues
from yeastar_ctl.services.scheduled_reports import get_schedule, list_schedules, timing_of

log = logging.getLogger(__name__)

SYNC_SECONDS: Final = 60
# A job that starts late (a busy loop, a suspended machine) still runs once within this.
MISFIRE_GRACE_S: Final = 3600
Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class TimingTrigger(BaseTrigger):
    """APScheduler asks this for fire times; the answer is ``schedule_times.next_run``, the same
    rule the missed-run check uses."""

    def __init__(self, timing: Timing) -> None:
        self.timing = timing

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        return next_run(self.timing, previous_fire_time or now)


def _report_signature(row: ScheduledReport) -> tuple[object, ...]:
    return (row.frequency, row.time_of_day, row.weekday, row.monthday)


class ControlPlaneJobs:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], *, zone: str, downloads: Path,
                 mailer: Mailer | None, publish: Publish | None, clock: Clock = _utc_now,
                 scheduler: AsyncIOScheduler | None = None) -> None:
        self._sessions = sessions
        self._zone = ZoneInfo(zone)
        self._downloads = downloads
        self._mailer = mailer
        self._publish = publish
        self._clock = clock
        self.scheduler = scheduler or AsyncIOScheduler(timezone=UTC)
        self._signatures: dict[str, tuple[object, ...]] = {}
        self._catch_up: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.scheduler.start()
        await self.sync()
        # In the background: a large catch-up report does not hold up start-up.
        self._catch_up = asyncio.create_task(self._catch_up_logged())
        self.scheduler.add_job(self.sync, IntervalTrigger(seconds=SYNC_SECONDS), id="sync", coalesce=True)

    async def close(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
            # AsyncIOScheduler stops on the loop's next turn; let it, so nothing fires after close.
            await asyncio.sleep(0)
        if self._catch_up is not None:
            await asyncio.gather(self._catch_up, return_exceptions=True)

    async def _catch_up_logged(self) -> None:
        try:
            await self.catch_up()
        except Exception:
            log.exception("catching up missed scheduled reports failed")

    async def sync(self) -> None:
        async with self._sessions() as session:
            queues = await list_queues(session)
            schedules = await list_schedules(session)
        wanted: dict[str, tuple[tuple[object, ...], Callable[[], None]]] = {}
        if self._publish is not None:
            for queue in queues:
                minutes = queue.sla_eval_interval_minutes
                wanted[f"sla:{queue.number}"] = ((minutes,), self._sla_job(queue.number, minutes))
        for row in schedules:
            wanted[f"report:{row.id}"] = (_report_signature(row), self._report_job(row))
        for job_id in set(self._signatures) - set(wanted):
            self.scheduler.remove_job(job_id)
            del self._signatures[job_id]
        for job_id, (signature, add) in wanted.items():
            if self._signatures.get(job_id) != signature:
                add()
                self._signatures[job_id] = signature

    def _sla_job(self, queue: str, minutes: int) -> Callable[[], None]:
        def add() -> None:
            # Started on the epoch grid, so each evaluation falls on the end of its window.
            trigger = IntervalTrigger(minutes=minutes, start_date=EPOCH, timezone=UTC)
            self.scheduler.add_job(self.evaluate_sla, trigger, args=(queue,), id=f"sla:{queue}",
                                   replace_existing=True, coalesce=True, misfire_grace_time=MISFIRE_GRACE_S)
        return add

    def _report_job(self, row: ScheduledReport) -> Callable[[], None]:
        trigger = TimingTrigger(timing_of(row, self._zone))
        schedule_id = row.id

        def add() -> None:
            self.scheduler.add_job(self.run_report, trigger, args=(schedule_id,), id=f"report:{schedule_id}",
                                   replace_existing=True, coalesce=True, misfire_grace_time=MISFIRE_GRACE_S)
        return add

    async def catch_up(self) -> list[int]:
        """Run once each report whose last due time passed while nothing ran; returns their ids."""
        now = self._clock()
        async with self._sessions() as session:
            due = [row.id for row in await list_schedules(session)
                   if missed_run(timing_of(row, self._zone), row.last_run_at, row.created_at, now)]
        for schedule_id in due:
            await self.run_report(schedule_id)
        return due

    async def run_report(self, schedule_id: int) -> None:
        now = self._clock()
        try:
            async with self._sessions() as session:
                row = await get_schedule(session, schedule_id)
                due = last_due(timing_of(row, self._zone), now)
            run = await run_scheduled_report(self._sessions, self._mailer, schedule_id, due, zone=self._zone,
                                             downloads=self._downloads, now=now)
            log.info("scheduled report %s written to %s", schedule_id, run.path)
        except Exception:
            log.exception("scheduled report %s failed", schedule_id)

    async def evaluate_sla(self, queue: str) -> None:
        try:
            async with self._sessions() as session:
                alarm = await check_sla(session, queue, self._clock())
            if alarm is not None and self._publish is not None:
                self._publish(alarm)
        except Exception:
            log.exception("SLA evaluation of queue %s failed", queue)
