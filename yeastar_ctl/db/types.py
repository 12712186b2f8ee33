"""Column types that keep Python values honest across SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar

from sqlalchemy import JSON, DateTime, Dialect, String
from sqlalchemy.types import TypeDecorator

E = TypeVar("E", bound=StrEnum)


class NaiveDatetimeError(ValueError):
    """A datetime without a time zone reached the database layer."""


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on every backend.

    SQLite has no time zone type and hands back naive values; PostgreSQL's ``timestamptz``
    hands back aware ones. Normalising both here means the rest of the code never compares
    a naive value with an aware one. Naive input is refused rather than guessed at.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise NaiveDatetimeError(f"naive datetime {value.isoformat()} (use an aware UTC value)")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            # SQLite's DATETIME text format has no offset; storing UTC keeps it sortable.
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class EnumTuple(TypeDecorator[tuple[E, ...]], Generic[E]):
    """A set of enum values stored as one comma-separated text column.

    Values come back de-duplicated in the enum's declaration order, so equal sets compare
    equal no matter the order they were given in.
    """

    impl = String(128)
    cache_ok = True

    def __init__(self, enum_cls: type[E]) -> None:
        super().__init__()
        self.enum_cls = enum_cls

    def canonical(self, values: Any) -> tuple[E, ...]:
        wanted = {self.enum_cls(v) for v in values}
        return tuple(member for member in self.enum_cls if member in wanted)

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return ",".join(member.value for member in self.canonical(value))

    def process_result_value(self, value: str | None, dialect: Dialect) -> tuple[E, ...] | None:
        if value is None:
            return None
        return self.canonical(part for part in value.split(",") if part)


KeyPointPairs = tuple[tuple[str, int], ...]


class KeyPoints(TypeDecorator[KeyPointPairs]):
    """A key -> points mapping stored as a JSON object, read back as sorted pairs.

    Sorted pairs are hashable and compare deterministically, which the frozen settings
    dataclasses and the config snapshot rely on.
    """

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> dict[str, int] | None:
        if value is None:
            return None
        pairs = value.items() if isinstance(value, dict) else value
        return {str(key): int(points) for key, points in pairs}

    def process_result_value(self, value: Any, dialect: Dialect) -> KeyPointPairs | None:
        if value is None:
            return None
        return tuple(sorted((str(key), int(points)) for key, points in value.items()))


def utcnow() -> datetime:
    return datetime.now(UTC)
