"""Creating and changing a queue with its agents and managers in one go, for portal and API."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.queue_settings import DEFAULT_QUEUE_SETTINGS, QueueSettings
from yeastar_ctl.services import queues as queue_service
from yeastar_ctl.services.errors import ValidationError
from yeastar_ctl.services.queues import ManagerSpec, MemberSpec

MEMBER: Final = re.compile(r"^([0-9]+)(?::([0-9]+))?$")


@dataclass(frozen=True)
class QueueEdit:
    """What a form or an API body asks for; None leaves that part as it is."""

    name: str | None = None
    settings: QueueSettings | None = None
    static: tuple[MemberSpec, ...] | None = None
    dynamic: tuple[MemberSpec, ...] | None = None
    managers: tuple[str, ...] | None = None


def parse_members(field: str, text: str) -> tuple[MemberSpec, ...]:
    """``"1001, 1002:2"``: extensions, each with an optional skill level (default 1)."""
    specs = []
    for item in re.split(r"[\s,]+", text.strip()):
        if not item:
            continue
        match = MEMBER.fullmatch(item)
        if match is None:
            raise ValidationError(field, f"write extensions as 1001 or 1001:2 (skill level), got {item!r}")
        specs.append((match[1], int(match[2] or queue_service.DEFAULT_SKILL)))
    return tuple(specs)


def members_text(specs: tuple[MemberSpec, ...] | list[MemberSpec]) -> str:
    return ", ".join(ext if skill == queue_service.DEFAULT_SKILL else f"{ext}:{skill}" for ext, skill in specs)


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
        await queue_service.set_managers(session, number, [ManagerSpec(ext) for ext in edit.managers])


async def create_queue(session: AsyncSession, number: str, edit: QueueEdit) -> None:
    await queue_service.create_queue(session, number, edit.name or "", edit.settings or DEFAULT_QUEUE_SETTINGS)
    await _apply_people(session, number, edit)


async def update_queue(session: AsyncSession, number: str, edit: QueueEdit) -> None:
    await queue_service.update_queue(session, number, name=edit.name, settings=edit.settings)
    await _apply_people(session, number, edit)
