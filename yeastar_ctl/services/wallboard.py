"""What the Wallboard and the Queue Panel read from the database, and who may see which queue.

Access (seed, "Grant Call Center Console Permissions"): administrators see every queue; a queue
manager the queues they manage whose Queue Panel Permissions grant the manager access to the
wallboard (or the queue panel); an agent the queues they are an agent of whose permissions grant
agents that access (off by default).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.account_models import Role, User
from yeastar_ctl.db.event_models import QueueCall
from yeastar_ctl.reports import query
from yeastar_ctl.reports.filters import ReportFilter
from yeastar_ctl.reports.values import AgentTotals, CallTotals
from yeastar_ctl.services import panel_permissions, queues, users
from yeastar_ctl.services.wallboard_metrics import CallbackCounts, OpenCall


class Console(StrEnum):
    WALLBOARD = "wallboard"
    QUEUE_PANEL = "queue_panel"


async def visible_queues(session: AsyncSession, user: User, console: Console) -> tuple[str, ...]:
    if user.role == Role.ADMINISTRATOR:
        return tuple(q.number for q in await queues.list_queues(session))
    candidates: tuple[str, ...]
    if user.role == Role.QUEUE_MANAGER:
        candidates, who = await users.managed_queue_numbers(session, user), "manager"
    elif user.extension_number:
        candidates, who = await _queues_of_agent(session, user.extension_number), "agent"
    else:
        return ()
    allowed = []
    for number in candidates:
        granted = await panel_permissions.get_panel_permissions(session, number)
        if getattr(granted, f"{who}_access_{console.value}"):
            allowed.append(number)
    return tuple(allowed)


async def _queues_of_agent(session: AsyncSession, extension: str) -> tuple[str, ...]:
    found = []
    for queue in await queues.list_queues(session):
        if any(m.extension == extension for m in await queues.list_members(session, queue.number)):
            found.append(queue.number)
    return tuple(found)


@dataclass(frozen=True)
class StoredFigures:
    """The database half of ``BoardInputs``."""

    queue_names: dict[str, str]
    members: dict[str, tuple[str, ...]]
    agent_names: dict[str, str]
    period: dict[str, CallTotals]
    callbacks: dict[str, CallbackCounts]
    agent_period: dict[tuple[str, str], AgentTotals]
    open_calls: tuple[OpenCall, ...]


async def open_calls(session: AsyncSession, queue_numbers: tuple[str, ...], since: datetime) -> tuple[OpenCall, ...]:
    """Queue calls of these queues that joined after ``since`` and have not ended."""
    rows = await session.execute(
        select(QueueCall.id, QueueCall.queue_number, QueueCall.caller_number, QueueCall.caller_name,
               QueueCall.joined_at, QueueCall.answered_at, QueueCall.agent_extension, QueueCall.is_callback)
        .where(QueueCall.ended_at.is_(None), QueueCall.joined_at >= since,
               QueueCall.queue_number.in_(queue_numbers))
        .order_by(QueueCall.joined_at))
    return tuple(OpenCall(*row) for row in rows)


async def stored_figures(session: AsyncSession, queue_numbers: tuple[str, ...], start: datetime, end: datetime,
                         open_since: datetime) -> StoredFigures:
    f = ReportFilter(start=start, end=end, queues=queue_numbers)
    members = {number: tuple(m.extension for m in await queues.list_members(session, number))
               for number in queue_numbers}
    return StoredFigures(
        queue_names=await query.queue_names(session), members=members,
        agent_names=await query.extension_names(session),
        period=await query.queue_totals(session, f),
        callbacks={q: CallbackCounts(*counts) for q, counts in (await query.callback_counts(session, f)).items()},
        agent_period=await query.agent_totals(session, f),
        open_calls=await open_calls(session, queue_numbers, open_since),
    )
