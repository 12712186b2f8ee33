"""Scheduling decisions with a fake clock: next run, the missed run, the period a run covers."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from yeastar_ctl.notify.schedule_times import Frequency, Timing, last_due, missed_run, next_run, report_period

BERLIN = ZoneInfo("Europe/Berlin")
DAILY = Timing(Frequency.DAILY, time(8, 0), BERLIN)
WEEKLY = Timing(Frequency.WEEKLY, time(7, 30), BERLIN, weekday=0)  # Mondays
MONTHLY = Timing(Frequency.MONTHLY, time(6, 0), BERLIN, monthday=31)


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN)


@pytest.mark.parametrize(("timing", "after", "expected"), [
    (DAILY, "2025-06-24 07:59:59", "2025-06-24 08:00"),
    (DAILY, "2025-06-24 08:00", "2025-06-25 08:00"),  # strictly after
    (WEEKLY, "2025-06-24 12:00", "2025-06-30 07:30"),  # a Tuesday: the next Monday
    (WEEKLY, "2025-06-30 07:00", "2025-06-30 07:30"),
    (MONTHLY, "2025-04-01 00:00", "2025-04-30 06:00"),  # no 31st in April: its last day
    (MONTHLY, "2025-04-30 06:00", "2025-05-31 06:00"),
    (MONTHLY, "2024-02-01 00:00", "2024-02-29 06:00"),
    (DAILY, "2025-03-29 12:00", "2025-03-30 08:00"),  # across the spring change: 08:00 local
])
def test_next_run(timing: Timing, after: str, expected: str) -> None:
    assert next_run(timing, local(after)) == local(expected)


def test_the_next_run_keeps_local_time_across_daylight_saving() -> None:
    assert next_run(DAILY, local("2025-03-29 12:00")).utcoffset() != local("2025-03-29 08:00").utcoffset()


def test_last_due_is_at_or_before() -> None:
    assert last_due(DAILY, local("2025-06-24 08:00")) == local("2025-06-24 08:00")
    assert last_due(DAILY, local("2025-06-24 07:59")) == local("2025-06-23 08:00")
    assert last_due(MONTHLY, local("2025-05-15 00:00")) == local("2025-04-30 06:00")


def test_a_run_missed_while_down_runs_once_and_only_the_latest() -> None:
    created = local("2025-06-01 12:00")
    # Down from Saturday to Tuesday noon: three daily runs missed, one catch-up for Tuesday's.
    assert missed_run(DAILY, local("2025-06-21 08:00"), created, local("2025-06-24 12:00")) == local("2025-06-24 08:00")
    # The run of the day already happened.
    assert missed_run(DAILY, local("2025-06-24 08:00"), created, local("2025-06-24 12:00")) is None
    # Never run: nothing is missed before the schedule existed.
    assert missed_run(DAILY, None, local("2025-06-24 09:00"), local("2025-06-24 12:00")) is None
    assert missed_run(DAILY, None, local("2025-06-23 09:00"), local("2025-06-24 12:00")) == local("2025-06-24 08:00")
    assert missed_run(WEEKLY, local("2025-06-16 07:30"), created, local("2025-06-24 12:00")) == local("2025-06-23 07:30")


def test_each_run_covers_the_period_before_its_due_day() -> None:
    assert report_period(DAILY, local("2025-06-24 08:00")) == (local("2025-06-23 00:00"), local("2025-06-24 00:00"))
    assert report_period(WEEKLY, local("2025-06-30 07:30")) == (local("2025-06-23 00:00"), local("2025-06-30 00:00"))
    assert report_period(MONTHLY, local("2025-04-30 06:00")) == (local("2025-03-01 00:00"), local("2025-04-01 00:00"))
    assert report_period(MONTHLY, local("2025-01-31 06:00")) == (local("2024-12-01 00:00"), local("2025-01-01 00:00"))
