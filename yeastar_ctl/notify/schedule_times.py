"""When a scheduled report is due, which run was missed, and what period each run covers. Pure.

Times of day are local to the system time zone. A monthly day past the month's end (31 in
April) means the month's last day. A run covers the whole period before the day it is due:
daily the day before, weekly the seven days before, monthly the calendar month before; the
period follows from the due time, so a run caught up after a restart reports what the missed
run would have.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum

ONE_DAY = timedelta(days=1)
# Enough steps back to find a due day for any schedule: a month has at most 31 days.
MAX_DAYS_BACK = 62


class Frequency(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


@dataclass(frozen=True)
class Timing:
    frequency: Frequency
    time_of_day: time
    zone: tzinfo
    weekday: int | None = None  # weekly: 0 Monday .. 6 Sunday
    monthday: int | None = None  # monthly: 1 .. 31

    def is_due_on(self, day: date) -> bool:
        if self.frequency == Frequency.DAILY:
            return True
        if self.frequency == Frequency.WEEKLY:
            return day.weekday() == self.weekday
        last = calendar.monthrange(day.year, day.month)[1]
        return day.day == min(self.monthday or 1, last)

    def at(self, day: date) -> datetime:
        return datetime.combine(day, self.time_of_day, tzinfo=self.zone)


def next_run(timing: Timing, after: datetime) -> datetime:
    """The first due time strictly after ``after``."""
    day = after.astimezone(timing.zone).date()
    for _ in range(MAX_DAYS_BACK):
        if timing.is_due_on(day) and timing.at(day) > after:
            return timing.at(day)
        day += ONE_DAY
    raise AssertionError("no due day within two months")


def last_due(timing: Timing, at: datetime) -> datetime:
    """The latest due time at or before ``at``."""
    day = at.astimezone(timing.zone).date()
    for _ in range(MAX_DAYS_BACK):
        if timing.is_due_on(day) and timing.at(day) <= at:
            return timing.at(day)
        day -= ONE_DAY
    raise AssertionError("no due day within two months")


def missed_run(timing: Timing, last_run: datetime | None, created: datetime, now: datetime) -> datetime | None:
    """The due time of a run that should have happened while nothing ran, or None.

    Only the latest one: a control plane down for a week sends one daily report, not seven.
    A schedule created after its last due time has missed nothing.
    """
    due = last_due(timing, now)
    return due if due > (last_run or created) else None


def report_period(timing: Timing, due: datetime) -> tuple[datetime, datetime]:
    """``[start, end)`` in the system time zone: the period before the due day."""
    day = due.astimezone(timing.zone).date()
    if timing.frequency == Frequency.MONTHLY:
        end_day = day.replace(day=1)
        start_day = (end_day - ONE_DAY).replace(day=1)
    else:
        end_day = day
        start_day = day - (7 if timing.frequency == Frequency.WEEKLY else 1) * ONE_DAY
    return _midnight(start_day, timing.zone), _midnight(end_day, timing.zone)


def _midnight(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone)
