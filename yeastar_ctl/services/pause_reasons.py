"""Pause reasons: PBX-wide reasons an agent gives when pausing, each with its own code.

An agent dials the pause code, the queue number and the reason code (``*076400*03``); BLF keys
watch ``*07<ext>*<queue><reason>``. The seed allows at most 20 reasons and ships ``*01`` Lunch,
``*02`` Break and ``*03`` Wrap up. A reason code is ``*`` and one or two digits; it only ever
follows a queue number, so it cannot clash with the stand-alone feature codes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.config_models import NAME_LENGTH
from yeastar_ctl.db.models import PauseReason
from yeastar_ctl.services.errors import NotFoundError
from yeastar_ctl.services.validation import Problems

MAX_PAUSE_REASONS: Final = 20
REASON_CODE: Final = re.compile(r"^\*[0-9]{1,2}$")
DEFAULT_PAUSE_REASONS: Final[tuple[tuple[str, str], ...]] = (
    ("*01", "Lunch"),
    ("*02", "Break"),
    ("*03", "Wrap up"),
)


async def list_pause_reasons(session: AsyncSession) -> list[PauseReason]:
    rows = await session.scalars(
        select(PauseReason).order_by(PauseReason.position, PauseReason.code)
    )
    return list(rows)


async def get_pause_reason(session: AsyncSession, code: str) -> PauseReason:
    reason = await session.scalar(select(PauseReason).where(PauseReason.code == code))
    if reason is None:
        raise NotFoundError("pause reason", code)
    return reason


def _check_list(reasons: Sequence[tuple[object, object]]) -> list[tuple[str, str]]:
    """The whole list as it would be saved: formats, uniqueness, size. Returns cleaned pairs."""
    problems = Problems()
    if len(reasons) > MAX_PAUSE_REASONS:
        problems.add("reasons", f"at most {MAX_PAUSE_REASONS} pause reasons are allowed")
    cleaned: list[tuple[str, str]] = []
    codes: set[str] = set()
    names: set[str] = set()
    for index, (code, name) in enumerate(reasons):
        ok_code = problems.pattern(
            f"reasons[{index}].code", code, REASON_CODE, "'*' and one or two digits, like *01"
        )
        ok_name = problems.text(f"reasons[{index}].name", name, NAME_LENGTH)
        if not ok_code or ok_name is None:
            continue
        assert isinstance(code, str)
        if code in codes:
            problems.add(f"reasons[{index}].code", f"{code} is used by another pause reason")
        # Names are compared without case: "Lunch" and "lunch" would confuse a supervisor.
        if ok_name.casefold() in names:
            problems.add(f"reasons[{index}].name", f"{ok_name!r} is used by another pause reason")
        codes.add(code)
        names.add(ok_name.casefold())
        cleaned.append((code, ok_name))
    problems.raise_if_any()
    return cleaned


async def replace_pause_reasons(
    session: AsyncSession, reasons: Sequence[tuple[str, str]]
) -> list[PauseReason]:
    """Save the whole list at once, like the seed's dialog; list order becomes the position."""
    cleaned = _check_list(reasons)
    existing = await list_pause_reasons(session)
    if _as_pairs(existing) == cleaned:
        return existing
    # Rows are replaced rather than edited: swapping two codes or names in place would hit
    # the unique constraints halfway through a flush. Events keep the code, not the row id.
    for row in existing:
        await session.delete(row)
    await session.flush()
    session.add_all(
        PauseReason(code=code, name=name, position=position)
        for position, (code, name) in enumerate(cleaned, start=1)
    )
    await session.flush()
    return await list_pause_reasons(session)


def _as_pairs(rows: Sequence[PauseReason]) -> list[tuple[str, str]]:
    return [(row.code, row.name) for row in rows]


async def add_pause_reason(session: AsyncSession, code: str, name: str) -> PauseReason:
    pairs = _as_pairs(await list_pause_reasons(session)) + [(code, name)]
    await replace_pause_reasons(session, pairs)
    return await get_pause_reason(session, code)


async def update_pause_reason(
    session: AsyncSession, code: str, *, new_code: str | None = None, name: str | None = None
) -> PauseReason:
    current = await get_pause_reason(session, code)
    pairs = [
        ((new_code or c), (name if name is not None else n)) if c == current.code else (c, n)
        for c, n in _as_pairs(await list_pause_reasons(session))
    ]
    await replace_pause_reasons(session, pairs)
    return await get_pause_reason(session, new_code or code)


async def delete_pause_reason(session: AsyncSession, code: str) -> None:
    await get_pause_reason(session, code)  # NotFoundError for an unknown code
    pairs = [pair for pair in _as_pairs(await list_pause_reasons(session)) if pair[0] != code]
    await replace_pause_reasons(session, pairs)


async def ensure_default_pause_reasons(session: AsyncSession) -> None:
    """Add each default reason whose code and name are both unused; never overwrite."""
    rows = await list_pause_reasons(session)
    codes = {row.code for row in rows}
    names = {row.name.casefold() for row in rows}
    pairs = _as_pairs(rows)
    pairs += [
        (code, name)
        for code, name in DEFAULT_PAUSE_REASONS
        if code not in codes and name.casefold() not in names
    ]
    if len(pairs) > len(rows):
        await replace_pause_reasons(session, pairs[:MAX_PAUSE_REASONS])

