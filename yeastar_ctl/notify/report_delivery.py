"""One run of a scheduled report: the CSV into ``<var_dir>/downloads/``, then an email with it.

The file is written under a temporary name and renamed, so a half-written report is never
offered for download. The run is recorded before the email goes out: a mail server that is
down loses the email (logged), not the report, and the run is not repeated at the next start.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo
from pathlib import Path

import aiosmtplib
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from yeastar_ctl.notify.mailer import Attachment, Mailer
from yeastar_ctl.notify.schedule_times import report_period
from yeastar_ctl.reports.catalog import build_report
from yeastar_ctl.reports.csv_export import write_csv
from yeastar_ctl.reports.formatting import local_time
from yeastar_ctl.services.scheduled_reports import get_schedule, mark_run, report_filter_of, timing_of

log = logging.getLogger(__name__)
UNSAFE_IN_FILE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class ReportRun:
    schedule_id: int
    title: str
    path: Path
    recipients: tuple[str, ...]
    subject: str
    body: str
    email_error: str | None = None  # the report is on disk even when the email failed


def file_name(schedule_name: str, start: datetime, end: datetime) -> str:
    """``Support-daily_20250623-20250623.csv``: the name, then the first and last local day."""
    slug = UNSAFE_IN_FILE_NAME.sub("-", schedule_name).strip("-.") or "report"
    last_day = end - timedelta(microseconds=1)
    return f"{slug}_{start:%Y%m%d}-{last_day:%Y%m%d}.csv"


async def write_report(sessions: async_sessionmaker[AsyncSession], schedule_id: int, due: datetime, *,
                       zone: tzinfo, downloads: Path, now: datetime) -> ReportRun:
    """Build the report for the period before ``due``, write its CSV and record the run."""
    async with sessions() as session:
        row = await get_schedule(session, schedule_id)
        start, end = report_period(timing_of(row, zone), due)
        table = await build_report(session, row.report_type, report_filter_of(row, start, end), zone, now)
        downloads.mkdir(parents=True, exist_ok=True)
        path = downloads / file_name(row.name, start, end)
        partial = path.with_suffix(".partial")
        with partial.open("wb") as out:
            await write_csv(table, out)
        partial.replace(path)
        period = f"{local_time(start, zone)} - {local_time(end, zone)}"
        run = ReportRun(
            schedule_id, table.title, path, tuple(row.recipients),
            subject=f"{table.title} ({row.name}): {period}",
            body=f"Report: {table.title}\nSchedule: {row.name}\nPeriod: {period}\nThe CSV file is attached.\n",
        )
    async with sessions.begin() as session:
        await mark_run(session, schedule_id, now)
    return run


async def run_scheduled_report(sessions: async_sessionmaker[AsyncSession], mailer: Mailer | None,
                               schedule_id: int, due: datetime, *, zone: tzinfo, downloads: Path,
                               now: datetime) -> ReportRun:
    run = await write_report(sessions, schedule_id, due, zone=zone, downloads=downloads, now=now)
    if mailer is None or not run.recipients:
        return run
    try:
        await mailer.send(list(run.recipients), run.subject, run.body, (Attachment.of_file(run.path),))
    except (OSError, aiosmtplib.SMTPException) as exc:
        log.error("scheduled report %s written to %s but not emailed: %s", schedule_id, run.path, exc)
        return replace(run, email_error=str(exc) or type(exc).__name__)
    return run
