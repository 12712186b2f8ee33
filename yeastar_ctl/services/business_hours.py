"""Business hours and holidays (seed, Call Control > Business Hours and Holidays), used by queues
whose Time Condition is on, each in the queue's own time zone."""

from __future__ import annotations

from datetime import date, time
from typing import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.acd.time_condition import HolidaySpan, OpeningPeriod
from yeastar_ctl.db.models import BusinessHours, Holiday
from yeastar_ctl.services.validation import Problems


def _time(problems: Problems, field: str, text: str) -> time | None:
    if len(text) == 5:
        try:
            return time.fromisoformat(text)
        except ValueError:
            pass
    problems.add(field, f"must be HH:MM, got {text!r}")
    return None


async def set_business_hours(session: AsyncSession, periods: Sequence[tuple[int, str, str]]) -> None:
    """Replace the weekly opening periods: (weekday 0=Monday..6, "HH:MM", "HH:MM")."""
    problems = Problems()
    for index, (weekday, start, end) in enumerate(periods):
        field = f"periods[{index}]"
        if not (isinstance(weekday, int) and 0 <= weekday <= 6):
            problems.add(f"{field}.weekday", "must be 0 (Monday) to 6 (Sunday)")
        begins, ends = _time(problems, f"{field}.start", start), _time(problems, f"{field}.end", end)
        if begins and ends and not begins < ends:
            problems.add(field, "must end after it starts")
    problems.raise_if_any()
    await session.execute(delete(BusinessHours))
    session.add_all(BusinessHours(weekday=w, start=s, end=e) for w, s, e in periods)
    await session.flush()


async def set_holidays(session: AsyncSession, holidays: Sequence[tuple[str, str, str, str | None]]) -> None:
    """Replace the holidays: (name, first day "YYYY-MM-DD", last day, prompt or None)."""
    problems = Problems()
    for index, (name, first, last, _prompt) in enumerate(holidays):
        field = f"holidays[{index}]"
        if not name.strip():
            problems.add(f"{field}.name", "is required")
        try:
            if date.fromisoformat(first) > date.fromisoformat(last):
                problems.add(field, "must end on or after its first day")
        except ValueError:
            problems.add(field, "days must be YYYY-MM-DD")
    problems.raise_if_any()
    await session.execute(delete(Holiday))
    session.add_all(Holiday(name=n, first_day=f, last_day=la, prompt=p) for n, f, la, p in holidays)
    await session.flush()


async def load_time_table(session: AsyncSession) -> tuple[tuple[OpeningPeriod, ...], tuple[HolidaySpan, ...]]:
    hours = await session.scalars(select(BusinessHours).order_by(BusinessHours.weekday, BusinessHours.start))
    holidays = await session.scalars(select(Holiday).order_by(Holiday.first_day))
    return (
        tuple(OpeningPeriod(h.weekday, time.fromisoformat(h.start), time.fromisoformat(h.end)) for h in hours),
        tuple(HolidaySpan(h.name, date.fromisoformat(h.first_day), date.fromisoformat(h.last_day), h.prompt)
              for h in holidays),
    )
