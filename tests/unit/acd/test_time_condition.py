"""Seed, queue Time Condition: business hours and holidays in the queue's time zone."""

from datetime import UTC, date, datetime, time

from yeastar_ctl.acd.time_condition import HolidaySpan, OpeningPeriod, Period, classify

WEEKDAYS_9_TO_18 = tuple(OpeningPeriod(day, time(9), time(18)) for day in range(5))
NEW_YEAR = HolidaySpan("New Year", date(2026, 1, 1), date(2026, 1, 2), prompt="holiday-greeting")


def at(iso: str) -> datetime:
    return datetime.fromisoformat(iso).replace(tzinfo=UTC)


def test_open_inside_business_hours_in_the_queues_time_zone() -> None:
    # 08:30 UTC on a Monday is 09:30 in Berlin (winter time): open there, closed in UTC.
    monday = at("2026-01-05T08:30")
    assert classify(monday, "Europe/Berlin", WEEKDAYS_9_TO_18, ())[0] == Period.OPEN
    assert classify(monday, "UTC", WEEKDAYS_9_TO_18, ())[0] == Period.OUTSIDE_HOURS


def test_the_end_of_a_period_is_already_closed_and_weekends_are_closed() -> None:
    assert classify(at("2026-01-05T18:00"), "UTC", WEEKDAYS_9_TO_18, ())[0] == Period.OUTSIDE_HOURS
    assert classify(at("2026-01-10T10:00"), "UTC", WEEKDAYS_9_TO_18, ())[0] == Period.OUTSIDE_HOURS


def test_a_holiday_wins_over_business_hours_unless_ignored() -> None:
    friday_in_holiday = at("2026-01-02T10:00")
    assert classify(friday_in_holiday, "UTC", WEEKDAYS_9_TO_18, (NEW_YEAR,)) == (Period.HOLIDAY, NEW_YEAR)
    assert classify(friday_in_holiday, "UTC", WEEKDAYS_9_TO_18, (NEW_YEAR,), ignore_holidays=True) == (Period.OPEN, None)


def test_no_business_hours_means_always_closed() -> None:
    assert classify(at("2026-01-05T10:00"), "UTC", (), ())[0] == Period.OUTSIDE_HOURS
