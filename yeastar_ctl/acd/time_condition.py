"""Business hours and holidays (seed, queue Time Condition): is the queue open at this moment in
the queue's time zone, closed, or on a holiday?"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo


class Period(StrEnum):
    OPEN = "open"
    OUTSIDE_HOURS = "outside business hours"
    HOLIDAY = "holiday"


@dataclass(frozen=True)
class OpeningPeriod:
    weekday: int  # 0 = Monday
    start: time
    end: time


@dataclass(frozen=True)
class HolidaySpan:
    name: str
    first_day: date
    last_day: date
    prompt: str | None = None


def classify(
    now: datetime, time_zone: str, hours: tuple[OpeningPeriod, ...], holidays: tuple[HolidaySpan, ...],
    *, ignore_holidays: bool = False,
) -> tuple[Period, HolidaySpan | None]:
    """Holidays win over business hours unless the queue ignores its holiday destination, in
    which case the day follows the business hours (seed, "Ignore the Holiday Destination")."""
    local = now.astimezone(ZoneInfo(time_zone))
    if not ignore_holidays:
        for holiday in holidays:
            if holiday.first_day <= local.date() <= holiday.last_day:
                return Period.HOLIDAY, holiday
    clock = local.time().replace(tzinfo=None)
    for period in hours:
        if period.weekday == local.weekday() and period.start <= clock < period.end:
            return Period.OPEN, None
    return Period.OUTSIDE_HOURS, None
