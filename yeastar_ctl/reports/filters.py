"""What a report is asked for: a period, queues, agents and the seed's exclusion filters.

The period is half-open, ``[start, end)``, and aware; the portal's "00:00:00 ~ 23:59:59" day is
``[midnight, next midnight)``. Calls belong to the period they *joined* the queue in, agent
events to the period they happened in. Empty tuples mean "all".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from yeastar_ctl.db.enums import CallbackResult
from yeastar_ctl.services.errors import ValidationError

ONE_DAY = timedelta(days=1)


class Granularity(StrEnum):
    """The seed's "By Hour / By Day / By Month" of the activity and average reports."""

    HOUR = "hour"
    DAY = "day"
    MONTH = "month"


@dataclass(frozen=True, kw_only=True)
class ReportFilter:
    start: datetime
    end: datetime
    queues: tuple[str, ...] = ()
    agents: tuple[str, ...] = ()
    pause_reasons: tuple[str, ...] = ()  # reason codes, "*01"
    # "Exclude Calls Abandoned within Xs": abandoned calls that waited X seconds or less.
    exclude_abandoned_within: int | None = None
    # "Exclude Calls within Xs": answered calls that talked X seconds or less.
    exclude_talk_within: int | None = None
    callback_result: CallbackResult | None = None
    granularity: Granularity = Granularity.DAY

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value: datetime = getattr(self, name)
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValidationError(name, "must be a timezone-aware datetime")
        if self.end <= self.start:
            raise ValidationError("end", "must be after the start of the period")
        for name in ("exclude_abandoned_within", "exclude_talk_within"):
            seconds: int | None = getattr(self, name)
            if seconds is not None and seconds < 0:
                raise ValidationError(name, "must be zero or more seconds")


def parse_local(field: str, text: str, zone: tzinfo, *, end: bool = False) -> datetime:
    """``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM[:SS]`` in the report time zone, as an aware value.

    A bare date as the end of a period means the end of that day (the next midnight), so
    ``--from 2023-12-27 --to 2023-12-27`` is the whole day, as in the portal.
    """
    try:
        if "T" in text or " " in text:
            return datetime.fromisoformat(text).replace(tzinfo=zone)
        day = date.fromisoformat(text)
    except ValueError:
        raise ValidationError(field, f"expected YYYY-MM-DD or YYYY-MM-DDTHH:MM, got {text!r}") from None
    if end:
        day += ONE_DAY
    return datetime.combine(day, time(), tzinfo=zone)


def bucket_start(at: datetime, granularity: Granularity, zone: tzinfo) -> datetime:
    """The local hour, day or month ``at`` falls in (as a naive local value: a label key)."""
    local = at.astimezone(zone).replace(tzinfo=None)
    if granularity == Granularity.HOUR:
        return local.replace(minute=0, second=0, microsecond=0)
    if granularity == Granularity.DAY:
        return local.replace(hour=0, minute=0, second=0, microsecond=0)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


BUCKET_LABELS = {
    Granularity.HOUR: "%m/%d/%Y %H:00",
    Granularity.DAY: "%m/%d/%Y",
    Granularity.MONTH: "%m/%Y",
}


def bucket_label(start: datetime, granularity: Granularity) -> str:
    return start.strftime(BUCKET_LABELS[granularity])
