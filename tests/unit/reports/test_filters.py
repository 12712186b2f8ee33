"""Report filters: aware half-open periods, local dates from the CLI, hour/day/month buckets."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from yeastar_ctl.reports.filters import Granularity, ReportFilter, bucket_label, bucket_start, parse_local
from yeastar_ctl.services.errors import ValidationError

BERLIN = ZoneInfo("Europe/Berlin")


def test_a_bare_end_date_includes_that_day() -> None:
    assert parse_local("from", "2023-12-27", BERLIN) == datetime(2023, 12, 27, tzinfo=BERLIN)
    assert parse_local("to", "2023-12-27", BERLIN, end=True) == datetime(2023, 12, 28, tzinfo=BERLIN)
    assert parse_local("to", "2023-12-27T13:30", BERLIN, end=True) == datetime(2023, 12, 27, 13, 30, tzinfo=BERLIN)


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        parse_local("from", "27/12/2023", BERLIN)
    start = datetime(2023, 12, 27, tzinfo=UTC)
    with pytest.raises(ValidationError, match="after the start"):
        ReportFilter(start=start, end=start)
    with pytest.raises(ValidationError, match="aware"):
        ReportFilter(start=datetime(2023, 12, 27), end=start)
    with pytest.raises(ValidationError, match="zero or more"):
        ReportFilter(start=start, end=datetime(2023, 12, 28, tzinfo=UTC), exclude_abandoned_within=-1)


def test_buckets_are_local_hours_days_and_months() -> None:
    late = datetime(2023, 12, 31, 23, 30, tzinfo=UTC)  # already 2024 in Berlin
    assert bucket_label(bucket_start(late, Granularity.HOUR, BERLIN), Granularity.HOUR) == "01/01/2024 00:00"
    assert bucket_label(bucket_start(late, Granularity.DAY, BERLIN), Granularity.DAY) == "01/01/2024"
    assert bucket_label(bucket_start(late, Granularity.MONTH, BERLIN), Granularity.MONTH) == "01/2024"
    assert bucket_label(bucket_start(late, Granularity.MONTH, UTC), Granularity.MONTH) == "12/2023"
