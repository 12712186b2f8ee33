"""The shared number space of extensions and queues.

Extension and queue numbers never overlap: feature codes such as ``*07<a>*<b>`` are resolved
by looking the numbers up, so one number must mean one thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.models import Extension, Queue
from yeastar_ctl.services.errors import ValidationError

DIGITS: Final = re.compile(r"^[0-9]+$")


@dataclass(frozen=True)
class NumberRange:
    low: int
    high: int

    def __contains__(self, number: object) -> bool:
        # Written the canonical way only: "06400" would be a different dial string.
        if not isinstance(number, str) or not DIGITS.fullmatch(number):
            return False
        return str(int(number)) == number and self.low <= int(number) <= self.high

    def __str__(self) -> str:
        return f"{self.low}-{self.high}"


async def number_owner(session: AsyncSession, number: str) -> str | None:
    """"extension" or "queue" when ``number`` is taken, else None."""
    if await session.scalar(select(Extension.id).where(Extension.number == number)) is not None:
        return "extension"
    if await session.scalar(select(Queue.id).where(Queue.number == number)) is not None:
        return "queue"
    return None


async def used_numbers(session: AsyncSession) -> set[str]:
    extensions = await session.scalars(select(Extension.number))
    queues = await session.scalars(select(Queue.number))
    return set(extensions) | set(queues)


async def ensure_number_free(session: AsyncSession, number: str, field: str = "number") -> None:
    owner = await number_owner(session, number)
    if owner is not None:
        raise ValidationError(field, f"{number} is already the number of an existing {owner}")


def sort_key(number: str) -> tuple[int, str]:
    """Numeric order for digit strings of any length (99 before 1000)."""
    return (len(number), number)
