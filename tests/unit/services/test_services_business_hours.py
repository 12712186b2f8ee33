"""Seed, Business Hours and Holidays: opening periods and holidays, validated before storing."""

from __future__ import annotations

from datetime import date, time

import pytest
from postgres import Unchanged
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.acd.time_condition import HolidaySpan, OpeningPeriod
from yeastar_ctl.services.business_hours import load_time_table, set_business_hours, set_holidays
from yeastar_ctl.services.errors import ValidationError


async def test_periods_and_holidays_round_trip(session: AsyncSession) -> None:
    await set_business_hours(session, [(0, "09:00", "12:00"), (0, "13:00", "18:00")])
    await set_holidays(session, [("New Year", "2026-01-01", "2026-01-02", "holiday-greeting")])
    hours, holidays = await load_time_table(session)
    assert hours == (OpeningPeriod(0, time(9), time(12)), OpeningPeriod(0, time(13), time(18)))
    assert holidays == (HolidaySpan("New Year", date(2026, 1, 1), date(2026, 1, 2), "holiday-greeting"),)


@pytest.mark.parametrize(
    ("period", "message"),
    [((0, "9", "12:00"), "must be HH:MM"), ((0, "09:00", "25:00"), "must be HH:MM"),
     ((7, "09:00", "12:00"), "0 \\(Monday\\) to 6"), ((0, "12:00", "09:00"), "must end after it starts")],
)
async def test_a_bad_period_is_refused_and_nothing_changes(
    session: AsyncSession, unchanged: Unchanged, period: tuple[int, str, str], message: str,
) -> None:
    async with unchanged(ValidationError, match=message):
        await set_business_hours(session, [period])


async def test_a_holiday_ending_before_it_starts_is_refused(session: AsyncSession, unchanged: Unchanged) -> None:
    async with unchanged(ValidationError, match="on or after its first day"):
        await set_holidays(session, [("Oops", "2026-01-02", "2026-01-01", None)])
