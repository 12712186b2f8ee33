from __future__ import annotations

import pytest
from postgres import Unchanged
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.services import pause_reasons
from yeastar_ctl.services.errors import NotFoundError, ValidationError
from yeastar_ctl.services.pause_reasons import MAX_PAUSE_REASONS


async def _pairs(session: AsyncSession) -> list[tuple[str, str, int]]:
    return [(r.code, r.name, r.position) for r in await pause_reasons.list_pause_reasons(session)]


async def test_defaults_come_from_the_migration(session: AsyncSession) -> None:
    assert await _pairs(session) == [("*01", "Lunch", 1), ("*02", "Break", 2), ("*03", "Wrap up", 3)]


async def test_the_twenty_first_reason_is_refused(session: AsyncSession, unchanged: Unchanged) -> None:
    for n in range(4, MAX_PAUSE_REASONS + 1):
        await pause_reasons.add_pause_reason(session, f"*{n:02d}", f"Reason {n}")
    assert len(await pause_reasons.list_pause_reasons(session)) == 20
    async with unchanged(ValidationError, match="at most 20"):
        await pause_reasons.add_pause_reason(session, "*21", "One too many")


@pytest.mark.parametrize(
    ("code", "name", "match"),
    [
        ("01", "Coffee", "'\\*' and one or two digits"),
        ("*123", "Coffee", "one or two digits"),
        ("*a", "Coffee", "one or two digits"),
        ("*01", "Coffee", "used by another"),
        ("*04", "lunch", "used by another"),
        ("*04", "  ", "must not be empty"),
    ],
)
async def test_bad_reasons_are_refused(
    session: AsyncSession, unchanged: Unchanged, code: str, name: str, match: str
) -> None:
    async with unchanged(ValidationError, match=match):
        await pause_reasons.add_pause_reason(session, code, name)


async def test_update_swap_and_delete(session: AsyncSession, unchanged: Unchanged) -> None:
    await pause_reasons.update_pause_reason(session, "*02", name="Coffee")
    await pause_reasons.update_pause_reason(session, "*03", new_code="*9")
    assert await _pairs(session) == [("*01", "Lunch", 1), ("*02", "Coffee", 2), ("*9", "Wrap up", 3)]
    swapped = await pause_reasons.replace_pause_reasons(
        session, [("*02", "Lunch"), ("*01", "Coffee")]
    )
    assert [(r.code, r.name) for r in swapped] == [("*02", "Lunch"), ("*01", "Coffee")]
    await pause_reasons.delete_pause_reason(session, "*01")
    assert await _pairs(session) == [("*02", "Lunch", 1)]
    async with unchanged(ValidationError, match="used by another"):
        await pause_reasons.add_pause_reason(session, "*02", "Other")
    with pytest.raises(NotFoundError):
        await pause_reasons.delete_pause_reason(session, "*77")


async def test_ensure_defaults_never_overwrites(session: AsyncSession) -> None:
    await pause_reasons.replace_pause_reasons(session, [("*01", "Meeting"), ("*05", "Break")])
    await pause_reasons.ensure_default_pause_reasons(session)
    assert await _pairs(session) == [
        ("*01", "Meeting", 1),
        ("*05", "Break", 2),
        ("*03", "Wrap up", 3),
    ]
    await pause_reasons.ensure_default_pause_reasons(session)
    assert len(await _pairs(session)) == 3
