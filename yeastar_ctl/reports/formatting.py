"""How report cells print: durations HH:MM:SS, percentages and times as the seed's tables show.

Averages are whole seconds rounded half up, as the rest of the project rounds durations. Built
from whole-second calls, the seed's Support example then adds up everywhere it is consistent:
231 s of talk over 4 answered calls prints 00:00:58, 33 s of ring 00:00:08, 44 s over 6 calls
00:00:07 (``tests/unit/reports``). The survey average is the exception: the seed truncates it.
Percentages are rounded half up to two decimals with trailing zeros dropped (2/3 -> 66.67%,
5/8 -> 62.5%, 0 -> 0%, 1 -> 100%).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Final

TIME_FORMAT: Final = "%m/%d/%Y %H:%M:%S"  # the seed's "12/28/2023 11:23:40"
NONE_SHOWN: Final = "-"
HUNDREDTH: Final = Decimal("0.01")
SECONDS_PER_HOUR: Final = 3600
SECONDS_PER_MINUTE: Final = 60
ONE_SECOND: Final = timedelta(seconds=1)
ONE_MINUTE: Final = timedelta(minutes=1)
ONE_HOUR: Final = timedelta(hours=1)


@lru_cache(maxsize=1 << 16)  # exports print the same few thousand durations again and again
def hms(seconds: int) -> str:
    """``00:01:42``; hours grow past two digits rather than wrapping into days."""
    hours, rest = divmod(seconds, SECONDS_PER_HOUR)
    minutes, secs = divmod(rest, SECONDS_PER_MINUTE)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}"


def average_seconds(total: int, count: int) -> int:
    """``total / count`` in whole seconds, rounded half up; 0 when there is nothing to average."""
    return (2 * total + count) // (2 * count) if count else 0


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent(part: int, whole: int) -> str:
    """``part / whole * 100%`` as the seed prints it: ``38.46%``, ``62.5%``, ``0%``, ``100%``."""
    if not whole:
        return "0%"
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
    return f"{_plain(value)}%"


def truncated_average(total: int, count: int) -> str:
    """Satisfaction survey: ``total / count`` cut (toward zero) to two decimals, no rounding."""
    if not count:
        return "0"
    return _plain((Decimal(total) / Decimal(count)).quantize(HUNDREDTH, rounding=ROUND_DOWN))


def local_time(at: datetime, zone: tzinfo) -> str:
    """``at`` in ``zone`` as ``TIME_FORMAT``; spelled out because strftime is the slow part of
    a large export."""
    t = at.astimezone(zone)
    return f"{t.month:02d}/{t.day:02d}/{t.year:04d} {t.hour:02d}:{t.minute:02d}:{t.second:02d}"


class LocalTimes:
    """Stored UTC times (text starting ``YYYY-MM-DD HH:MM:SS``) as ``local_time`` prints them,
    for exports of a million rows: the zone is asked once per UTC hour, not once per row.

    Within an hour whose offset does not change and is whole minutes (every zone today), a
    local time is the hour's local prefix plus the minutes and seconds, shifted by the
    offset's minutes; any other hour (an offset change inside it, historic offsets with
    seconds) converts each time in full.
    """

    def __init__(self, zone: tzinfo) -> None:
        self._zone = zone
        self._hour = ""
        self._shift = -1  # the offset's minutes past the hour; -1: convert each time in full
        self._prefixes = ("", "")  # the local "MM/DD/YYYY HH" the UTC hour starts in, and the next

    def __call__(self, utc: str) -> str:
        if utc[:13] != self._hour:
            self._enter(utc[:13])
        if self._shift == 0:
            return self._prefixes[0] + utc[13:19]
        if self._shift < 0:
            return local_time(datetime.fromisoformat(utc[:19]).replace(tzinfo=UTC), self._zone)
        minute = int(utc[14:16]) + self._shift
        return f"{self._prefixes[minute // 60]}:{minute % 60:02d}{utc[16:19]}"

    def _enter(self, hour: str) -> None:
        self._hour = hour
        utc_start = datetime.fromisoformat(hour + ":00").replace(tzinfo=UTC)
        start = utc_start.astimezone(self._zone)
        last = (utc_start + ONE_HOUR - ONE_SECOND).astimezone(self._zone)
        offset = start.utcoffset()
        if offset is None or offset != last.utcoffset() or offset % ONE_MINUTE:
            self._shift = -1
            return
        self._shift = start.minute
        self._prefixes = (_local_hour(start), _local_hour(start.replace(tzinfo=None) + ONE_HOUR))


def _local_hour(t: datetime) -> str:
    return f"{t.month:02d}/{t.day:02d}/{t.year:04d} {t.hour:02d}"


def party(number: str | None, name: str | None) -> str:
    """A caller or agent as the seed's call tables show one: ``Terrell Smith<15880123456>``."""
    if not number:
        return "None"
    return f"{name}<{number}>" if name else number


def extension_label(number: str, name: str | None) -> str:
    """An agent as the agent reports show one: ``2000-Leo Ball``."""
    return f"{number}-{name}" if name else number
