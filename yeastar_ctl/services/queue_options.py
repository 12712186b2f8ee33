"""PBX-wide queue options (the seed's Queue > Options dialog), one row."""

from __future__ import annotations

from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.enums import DynamicAgentStatus
from yeastar_ctl.db.models import QUEUE_OPTIONS_ID, QueueOptions
from yeastar_ctl.services.single_row import single_row
from yeastar_ctl.services.validation import Problems

DISPOSITION_SYNC_HOURS_RANGE: Final = (1, 720)


async def get_queue_options(session: AsyncSession) -> QueueOptions:
    return await single_row(session, QueueOptions, QUEUE_OPTIONS_ID)


async def update_queue_options(
    session: AsyncSession,
    *,
    shared_wrapup: bool | None = None,
    default_dynamic_status: DynamicAgentStatus | str | None = None,
    disposition_auto_sync_enabled: bool | None = None,
    disposition_auto_sync_hours: int | None = None,
) -> QueueOptions:
    """Change the given options; None leaves an option as it is.

    ``default_dynamic_status`` applies to dynamic agents added afterwards, never to agents
    already in a queue (the seed says so).
    """
    problems = Problems()
    if shared_wrapup is not None:
        problems.flag("shared_wrapup", shared_wrapup)
    status = (
        problems.choice("default_dynamic_status", default_dynamic_status, DynamicAgentStatus)
        if default_dynamic_status is not None
        else None
    )
    if disposition_auto_sync_enabled is not None:
        problems.flag("disposition_auto_sync_enabled", disposition_auto_sync_enabled)
    if disposition_auto_sync_hours is not None:
        low, high = DISPOSITION_SYNC_HOURS_RANGE
        problems.integer("disposition_auto_sync_hours", disposition_auto_sync_hours, low, high)
    problems.raise_if_any()
    options = await get_queue_options(session)
    if shared_wrapup is not None:
        options.shared_wrapup = shared_wrapup
    if status is not None:
        options.default_dynamic_status = status
    if disposition_auto_sync_enabled is not None:
        options.disposition_auto_sync_enabled = disposition_auto_sync_enabled
    if disposition_auto_sync_hours is not None:
        options.disposition_auto_sync_hours = disposition_auto_sync_hours
    await session.flush()
    return options
