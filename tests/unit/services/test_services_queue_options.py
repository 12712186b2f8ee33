from __future__ import annotations

import pytest
from postgres import Unchanged
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.enums import DynamicAgentStatus
from yeastar_ctl.db.models import QueueOptions
from yeastar_ctl.services import queue_options
from yeastar_ctl.services.errors import ValidationError


async def test_get_and_update(session: AsyncSession) -> None:
    options = await queue_options.get_queue_options(session)
    assert (options.shared_wrapup, options.default_dynamic_status) == (False, "logged_out")
    updated = await queue_options.update_queue_options(
        session, shared_wrapup=True, default_dynamic_status="logged_in", disposition_auto_sync_hours=2
    )
    assert updated.shared_wrapup is True
    assert updated.default_dynamic_status is DynamicAgentStatus.LOGGED_IN
    assert (updated.disposition_auto_sync_enabled, updated.disposition_auto_sync_hours) == (False, 2)


@pytest.mark.parametrize(
    "changes",
    [
        {"default_dynamic_status": "online"},
        {"disposition_auto_sync_hours": 0},
        {"shared_wrapup": "yes"},
        {"disposition_auto_sync_enabled": 1},
    ],
)
async def test_invalid_options_are_refused(
    session: AsyncSession, unchanged: Unchanged, changes: dict[str, object]
) -> None:
    async with unchanged(ValidationError):
        await queue_options.update_queue_options(session, **changes)  # type: ignore[arg-type]


async def test_missing_row_is_recreated_with_defaults(session: AsyncSession) -> None:
    await session.execute(delete(QueueOptions))
    options = await queue_options.get_queue_options(session)
    assert options.disposition_auto_sync_hours == 24
