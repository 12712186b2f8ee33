"""Scheduled reports: which report, with which filters, when, and to whom (CRUD with validation).

The schedule's time of day is local to the system time zone (``settings.timezone``); the
period each run covers follows from the frequency (``notify.schedule_times.report_period``).
Filters are the report filter without its period, stored as JSON.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, tzinfo
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.config_models import NAME_LENGTH
from yeastar_ctl.db.enums import CallbackResult
from yeastar_ctl.db.models import ScheduledReport
from yeastar_ctl.notify.schedule_times import Frequency, Timing
from yeastar_ctl.reports.catalog import ReportKind
from yeastar_ctl.reports.filters import Granularity, ReportFilter
from yeastar_ctl.services.errors import NotFoundError, ValidationError
from yeastar_ctl.services.extensions import EMAIL, EMAIL_MAX
from yeastar_ctl.services.validation import Problems

LIST_FILTERS: Final = ("queues", "agents", "pause_reasons")
SECONDS_FILTERS: Final = ("exclude_abandoned_within", "exclude_talk_within")
FILTER_KEYS: Final = (*LIST_FILTERS, *SECONDS_FILTERS, "callback_result", "granularity")
WEEKDAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_RECIPIENTS: Final = 50


@dataclass(frozen=True)
class ScheduleSpec:
    name: str
    report_type: str
    frequency: str
    time_of_day: str  # "HH:MM", local
    recipients: tuple[str, ...]
    weekday: int | None = None  # weekly: 0 Monday .. 6 Sunday
    monthday: int | None = None  # monthly: 1 .. 31
    filters: Mapping[str, Any] = field(default_factory=dict)


def parse_time_of_day(text: str) -> time | None:
    try:
        parsed = time.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return parsed if len(text) == 5 and text[2] == ":" else None


def _check_filters(problems: Problems, kind: ReportKind | None, filters: Mapping[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for key, value in filters.items():
        where = f"filters.{key}"
        if key not in FILTER_KEYS:
            problems.add(where, f"unknown filter, expected one of {', '.join(FILTER_KEYS)}")
        elif value is None or value == []:
            continue
        elif key in LIST_FILTERS:
            if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v for v in value):
                problems.add(where, f"must be a list of numbers or codes, got {value!r}")
            else:
                cleaned[key] = list(value)
        elif key in SECONDS_FILTERS:
            problems.integer(where, value, 0)
            cleaned[key] = value
        elif key == "callback_result":
            result = problems.choice(where, value, CallbackResult)
            cleaned[key] = result.value if result else None
        else:
            granularity = problems.choice(where, value, Granularity)
            cleaned[key] = granularity.value if granularity else None
    if kind == ReportKind.SATISFACTION_SURVEY and len(cleaned.get("queues", [])) != 1:
        problems.add("filters.queues", "the Satisfaction Survey report is for one queue")
    return cleaned


def _check_when(problems: Problems, spec: ScheduleSpec) -> Frequency | None:
    frequency = problems.choice("frequency", spec.frequency, Frequency)
    if parse_time_of_day(spec.time_of_day) is None:
        problems.add("time_of_day", f"must be HH:MM (00:00-23:59), got {spec.time_of_day!r}")
    if frequency == Frequency.WEEKLY:
        problems.integer("weekday", spec.weekday, 0, 6)
    elif spec.weekday is not None:
        problems.add("weekday", "only a weekly schedule has a weekday")
    if frequency == Frequency.MONTHLY:
        problems.integer("monthday", spec.monthday, 1, 31)
    elif spec.monthday is not None:
        problems.add("monthday", "only a monthly schedule has a day of the month")
    return frequency


def _check_recipients(problems: Problems, recipients: Sequence[str]) -> list[str]:
    if not recipients:
        problems.add("recipients", "at least one email address is needed")
    if len(recipients) > MAX_RECIPIENTS:
        problems.add("recipients", f"at most {MAX_RECIPIENTS} addresses")
    cleaned = [r.strip() for r in recipients if isinstance(r, str)]
    for index, address in enumerate(cleaned):
        if len(address) > EMAIL_MAX or not EMAIL.fullmatch(address):
            problems.add(f"recipients[{index}]", f"must be an email address, got {address!r}")
    return list(dict.fromkeys(cleaned))


async def _checked(session: AsyncSession, spec: ScheduleSpec, own_id: int | None) -> dict[str, Any]:
    problems = Problems()
    name = problems.text("name", spec.name, NAME_LENGTH)
    kind = problems.choice("report_type", spec.report_type, ReportKind)
    frequency = _check_when(problems, spec)
    recipients = _check_recipients(problems, spec.recipients)
    filters = _check_filters(problems, kind, spec.filters)
    if name is not None:
        clash = await session.scalar(select(ScheduledReport.id).where(ScheduledReport.name == name))
        if clash is not None and clash != own_id:
            problems.add("name", f"a scheduled report named {name!r} exists")
    problems.raise_if_any()
    return {
        "name": name, "report_type": str(kind), "frequency": str(frequency), "time_of_day": spec.time_of_day,
        "weekday": spec.weekday, "monthday": spec.monthday, "recipients": recipients, "filters": filters,
    }


async def create_schedule(session: AsyncSession, spec: ScheduleSpec) -> ScheduledReport:
    row = ScheduledReport(**await _checked(session, spec, None))
    session.add(row)
    await session.flush()
    return row


async def update_schedule(session: AsyncSession, key: int | str, spec: ScheduleSpec) -> ScheduledReport:
    """Replace every field; the run history (last run) is kept."""
    row = await get_schedule(session, key)
    for name, value in (await _checked(session, spec, row.id)).items():
        setattr(row, name, value)
    await session.flush()
    return row


async def list_schedules(session: AsyncSession) -> list[ScheduledReport]:
    return list(await session.scalars(select(ScheduledReport).order_by(ScheduledReport.id)))


async def get_schedule(session: AsyncSession, key: int | str) -> ScheduledReport:
    """By id, or by name (a name of digits is looked up as an id first)."""
    row = None
    if isinstance(key, int) or key.isdigit():
        row = await session.get(ScheduledReport, int(key))
    if row is None and isinstance(key, str):
        row = await session.scalar(select(ScheduledReport).where(ScheduledReport.name == key))
    if row is None:
        raise NotFoundError("scheduled report", str(key))
    return row


async def delete_schedule(session: AsyncSession, key: int | str) -> None:
    await session.delete(await get_schedule(session, key))
    await session.flush()


async def mark_run(session: AsyncSession, schedule_id: int, at: datetime) -> None:
    row = await get_schedule(session, schedule_id)
    if at.tzinfo is None:
        raise ValidationError("at", "must be a timezone-aware datetime")
    row.last_run_at = at
    await session.flush()


def timing_of(row: ScheduledReport, zone: tzinfo) -> Timing:
    at = parse_time_of_day(row.time_of_day)
    assert at is not None, "validated when saved"
    return Timing(Frequency(row.frequency), at, zone, row.weekday, row.monthday)


def report_filter_of(row: ScheduledReport, start: datetime, end: datetime) -> ReportFilter:
    f = row.filters
    options: dict[str, Any] = {key: tuple(f[key]) for key in LIST_FILTERS if key in f}
    options.update({key: f[key] for key in SECONDS_FILTERS if key in f})
    if f.get("callback_result"):
        options["callback_result"] = CallbackResult(f["callback_result"])
    if f.get("granularity"):
        options["granularity"] = Granularity(f["granularity"])
    return ReportFilter(start=start, end=end, **options)
