"""Cells as the seed prints them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from yeastar_ctl.reports.formatting import (
    LocalTimes,
    average_seconds,
    extension_label,
    hms,
    local_time,
    party,
    percent,
)


@pytest.mark.parametrize(("seconds", "text"), [(0, "00:00:00"), (102, "00:01:42"), (3600, "01:00:00"),
                                               (360000, "100:00:00")])
def test_hms(seconds: int, text: str) -> None:
    assert hms(seconds) == text


@pytest.mark.parametrize(
    ("part", "whole", "text"),
    [(5, 13, "38.46%"), (4, 13, "30.77%"), (2, 3, "66.67%"), (5, 8, "62.5%"), (7, 9, "77.78%"),
     (16, 23, "69.57%"), (1, 23, "4.35%"), (0, 6, "0%"), (6, 6, "100%"), (0, 0, "0%"), (1, 8, "12.5%")],
)
def test_percent_like_the_seeds_tables(part: int, whole: int, text: str) -> None:
    assert percent(part, whole) == text


@pytest.mark.parametrize(("total", "count", "average"), [(231, 4, 58), (33, 4, 8), (44, 6, 7), (25, 2, 13),
                                                         (0, 0, 0), (5, 10, 1), (4, 10, 0)])
def test_averages_round_half_up_to_whole_seconds(total: int, count: int, average: int) -> None:
    assert average_seconds(total, count) == average


def test_times_print_in_the_report_zone() -> None:
    at = datetime(2023, 12, 28, 10, 23, 40, tzinfo=UTC)
    assert local_time(at, ZoneInfo("Europe/Berlin")) == "12/28/2023 11:23:40"
    assert local_time(at, UTC) == "12/28/2023 10:23:40"


@pytest.mark.parametrize(
    ("zone", "first"),
    [
        ("Europe/Berlin", datetime(2023, 3, 25, 22, tzinfo=UTC)),  # into summer time at 01:00 UTC
        ("Europe/Berlin", datetime(2023, 10, 28, 22, tzinfo=UTC)),  # and back: 02:00-03:00 twice
        ("Asia/Kolkata", datetime(2023, 12, 27, 20, tzinfo=UTC)),  # +05:30: minutes carry an hour
        ("Asia/Kathmandu", datetime(2023, 12, 31, 17, tzinfo=UTC)),  # +05:45, over a new year
        ("America/St_Johns", datetime(2023, 3, 12, 3, tzinfo=UTC)),  # -03:30, changes at 05:30 UTC
        ("Australia/Lord_Howe", datetime(2023, 4, 1, 13, tzinfo=UTC)),  # a half-hour summer time
        ("Europe/Amsterdam", datetime(1930, 6, 1, 10, tzinfo=UTC)),  # +00:19:32: seconds in the offset
        ("UTC", datetime(2024, 2, 28, 22, tzinfo=UTC)),  # a leap day
    ],
)
def test_local_times_from_stored_text_match_local_time(zone: str, first: datetime) -> None:
    times, tz = LocalTimes(ZoneInfo(zone)), ZoneInfo(zone)
    for step in range(0, 2 * 24 * 3600, 397):  # two days, every 6 min 37 s: every minute and second
        at = first + timedelta(seconds=step)
        stored = at.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        assert times(stored) == local_time(at, tz), stored


def test_parties() -> None:
    assert party("15880123456", "Terrell Smith") == "Terrell Smith<15880123456>"
    assert party("15880123456", None) == "15880123456"
    assert party(None, None) == "None"
    assert extension_label("2000", "Leo Ball") == "2000-Leo Ball"
    assert extension_label("2000", None) == "2000"
