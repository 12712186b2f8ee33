"""Queue Panel Permissions: per queue, what its managers and agents may do on the Call Center
Console, and which agents see its call logs (the seed's "Grant Call Center Console Permissions"
and "Allow Agents to View Queue Call Logs")."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any, Final

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.call_log_models import (
    DEFAULT_PANEL_PERMISSIONS,
    CallLogMembers,
    CallLogViewRange,
    PanelPermissions,
    QueueCallLogViewer,
    QueuePanelPermissions,
)
from yeastar_ctl.db.models import Extension, Queue, QueueMember
from yeastar_ctl.services.errors import ValidationError
from yeastar_ctl.services.numbering import sort_key
from yeastar_ctl.services.queues import get_queue
from yeastar_ctl.services.validation import Problems

FIELD_NAMES: Final = tuple(f.name for f in fields(PanelPermissions))
FLAG_NAMES: Final = tuple(n for n in FIELD_NAMES if isinstance(getattr(DEFAULT_PANEL_PERMISSIONS, n), bool))
MANAGER_FLAGS: Final = tuple(n for n in FLAG_NAMES if n.startswith("manager_"))
AGENT_FLAGS: Final = tuple(n for n in FLAG_NAMES if n.startswith("agent_"))
AGENTS_FIELD: Final = "agent_call_log_agents"
# Every stored column except the agent list, which lives in queue_call_log_viewers.
_COLUMNS: Final = tuple(n for n in FIELD_NAMES if n != AGENTS_FIELD)


async def _row(session: AsyncSession, queue: Queue) -> QueuePanelPermissions | None:
    return await session.get(QueuePanelPermissions, queue.id)


async def _viewers(session: AsyncSession, queue: Queue) -> tuple[str, ...]:
    numbers = await session.scalars(
        select(Extension.number).join(QueueCallLogViewer, QueueCallLogViewer.extension_id == Extension.id)
        .where(QueueCallLogViewer.queue_id == queue.id))
    return tuple(sorted(numbers, key=sort_key))


async def permissions_of(session: AsyncSession, queue: Queue) -> PanelPermissions:
    row = await _row(session, queue)
    if row is None:
        return DEFAULT_PANEL_PERMISSIONS
    values: dict[str, Any] = {name: getattr(row, name) for name in _COLUMNS}
    return PanelPermissions(**values, agent_call_log_agents=await _viewers(session, queue))


async def get_panel_permissions(session: AsyncSession, queue_number: str) -> PanelPermissions:
    return await permissions_of(session, await get_queue(session, queue_number))


def _checked(problems: Problems, wanted: PanelPermissions) -> tuple[CallLogMembers | None, CallLogViewRange | None]:
    for name in FLAG_NAMES:
        problems.flag(name, getattr(wanted, name))
    members = problems.choice("agent_call_log_members", wanted.agent_call_log_members, CallLogMembers)
    view_range = problems.choice("agent_call_log_view_range", wanted.agent_call_log_view_range, CallLogViewRange)
    return members, view_range


def _agent_numbers(problems: Problems, agents: object) -> list[str] | None:
    if not isinstance(agents, (list, tuple)) or not all(isinstance(a, str) for a in agents):
        problems.add(AGENTS_FIELD, "must be a list of extension numbers")
        return None
    seen: set[str] = set()
    for number in agents:
        if number in seen:
            problems.add(AGENTS_FIELD, f"extension {number} is listed twice")
        seen.add(number)
    return list(seen)


async def _member_ids(session: AsyncSession, queue: Queue, numbers: list[str], problems: Problems) -> dict[str, int]:
    rows = await session.execute(
        select(Extension.number, Extension.id).join(QueueMember, QueueMember.extension_id == Extension.id)
        .where(QueueMember.queue_id == queue.id, Extension.number.in_(numbers)))
    found: dict[str, int] = {number: ext_id for number, ext_id in rows}
    for number in sorted(set(numbers) - set(found), key=sort_key):
        problems.add(AGENTS_FIELD, f"extension {number} is not an agent of queue {queue.number}")
    return found


async def set_panel_permissions(session: AsyncSession, queue_number: str, wanted: PanelPermissions) -> PanelPermissions:
    """Replace the queue's permissions. Specified agents must be agents of the queue, and the
    call logs for specified agents need at least one of them."""
    queue = await get_queue(session, queue_number)
    problems = Problems()
    members, view_range = _checked(problems, wanted)
    numbers = _agent_numbers(problems, wanted.agent_call_log_agents)
    if wanted.agent_queue_call_logs is True and members == CallLogMembers.SPECIFIED and numbers == []:
        problems.add(AGENTS_FIELD, "pick at least one agent, or let all agents view the call logs")
    ids = await _member_ids(session, queue, numbers or [], problems)
    problems.raise_if_any()
    row = await _row(session, queue)
    if row is None:
        row = QueuePanelPermissions(queue_id=queue.id)
        session.add(row)
    for name in FLAG_NAMES:
        setattr(row, name, getattr(wanted, name))
    row.agent_call_log_members = members or CallLogMembers.ALL
    row.agent_call_log_view_range = view_range or CallLogViewRange.ALL
    await session.execute(delete(QueueCallLogViewer).where(QueueCallLogViewer.queue_id == queue.id))
    session.add_all(QueueCallLogViewer(queue_id=queue.id, extension_id=ext_id) for ext_id in ids.values())
    await session.flush()
    return await permissions_of(session, queue)


async def update_panel_permissions(session: AsyncSession, queue_number: str, changes: dict[str, Any]) -> PanelPermissions:
    """Change the named permissions (the API's PATCH); names not in ``FIELD_NAMES`` are refused."""
    for name in changes:
        if name not in FIELD_NAMES:
            raise ValidationError(name, "is not a known permission")
    current = await get_panel_permissions(session, queue_number)
    return await set_panel_permissions(session, queue_number, replace(current, **changes))
