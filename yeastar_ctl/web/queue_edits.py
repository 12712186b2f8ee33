"""Creating and changing a queue with its agents and managers in one go, for portal and API."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.queue_settings import DEFAULT_QUEUE_SETTINGS, QueueSettings
from yeastar_ctl.db.types import KeyPointPairs
from yeastar_ctl.services import queues as queue_service
from yeastar_ctl.services.errors import ValidationError
from yeastar_ctl.services.queues import NOTIFY_FIELDS, ManagerSpec, MemberSpec

MEMBER: Final = re.compile(r"^([0-9]+)(?::([0-9]+))?$")
KEY_POINTS: Final = re.compile(r"^([^=\s]+)\s*=\s*(-?[0-9]+)$")


@dataclass(frozen=True)
class ManagerEdit:
    """A queue manager and the notification switches asked for; switches not named keep the
    manager's current value (off for a new manager)."""

    extension: str
    switches: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True)
class QueueEdit:
    """What a form or an API body asks for; None leaves that part as it is."""

    name: str | None = None
    settings: QueueSettings | None = None
    static: tuple[MemberSpec, ...] | None = None
    dynamic: tuple[MemberSpec, ...] | None = None
    managers: tuple[ManagerEdit, ...] | None = None


def _typed_items(field: str, text: str, separators: str, pattern: re.Pattern[str], how: str) -> list[re.Match[str]]:
    """Each item of a typed list (empty items skipped) matched by ``pattern``; else refused."""
    matches = []
    for item in re.split(separators, text.strip()):
        if not item:
            continue
        match = pattern.fullmatch(item)
        if match is None:
            raise ValidationError(field, f"write {how}, got {item!r}")
        matches.append(match)
    return matches


def parse_members(field: str, text: str) -> tuple[MemberSpec, ...]:
    """``"1001, 1002:2"``: extensions, each with an optional skill level (default 1)."""
    matches = _typed_items(field, text, r"[\s,]+", MEMBER, "extensions as 1001 or 1001:2 (skill level)")
    return tuple((m[1], int(m[2] or queue_service.DEFAULT_SKILL)) for m in matches)


def members_text(specs: tuple[MemberSpec, ...] | list[MemberSpec]) -> str:
    return ", ".join(ext if skill == queue_service.DEFAULT_SKILL else f"{ext}:{skill}" for ext, skill in specs)


def parse_key_points(field: str, text: str) -> tuple[tuple[str, int], ...]:
    """``"1=5, 2=0"``: survey key -> points, in the order typed (the service refuses a key given twice)."""
    matches = _typed_items(field, text, r"\s*,\s*", KEY_POINTS, "key=points pairs like 1=5, 2=0")
    return tuple((m[1], int(m[2])) for m in matches)


def key_points_text(pairs: KeyPointPairs) -> str:
    return ", ".join(f"{key}={points}" for key, points in pairs)


async def _managers(session: AsyncSession, number: str, edits: tuple[ManagerEdit, ...]) -> list[ManagerSpec]:
    current = {m.extension: m for m in await queue_service.list_managers(session, number)}
    specs = []
    for index, edit in enumerate(edits):
        switches: dict[str, Any] = dict(edit.switches)
        for name in switches:
            if name not in NOTIFY_FIELDS:
                raise ValidationError(f"managers[{index}].{name}", "is not a notification switch")
        specs.append(replace(current.get(edit.extension, ManagerSpec(edit.extension)), **switches))
    return specs


async def _apply_people(session: AsyncSession, number: str, edit: QueueEdit) -> None:
    if edit.static is not None or edit.dynamic is not None:
        current = await queue_service.list_members(session, number)
        kept = {kind: [(m.extension, m.skill_level) for m in current if m.kind == kind] for kind in ("static", "dynamic")}
        await queue_service.set_members(
            session, number,
            static=edit.static if edit.static is not None else kept["static"],
            dynamic=edit.dynamic if edit.dynamic is not None else kept["dynamic"],
        )
    if edit.managers is not None:
        await queue_service.set_managers(session, number, await _managers(session, number, edit.managers))


async def create_queue(session: AsyncSession, number: str, edit: QueueEdit) -> None:
    await queue_service.create_queue(session, number, edit.name or "", edit.settings or DEFAULT_QUEUE_SETTINGS)
    await _apply_people(session, number, edit)


async def update_queue(session: AsyncSession, number: str, edit: QueueEdit) -> None:
    await queue_service.update_queue(session, number, name=edit.name, settings=edit.settings)
    await _apply_people(session, number, edit)
