"""Queue Panel Permissions: defaults, saving, and refused input."""

from __future__ import annotations

from dataclasses import replace

import pytest
from postgres import Unchanged
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.call_log_models import DEFAULT_PANEL_PERMISSIONS, CallLogMembers, CallLogViewRange
from yeastar_ctl.services import panel_permissions
from yeastar_ctl.services.errors import NotFoundError, ValidationError
from yeastar_ctl.services.extensions import create_extension, delete_extension
from yeastar_ctl.services.panel_permissions import AGENT_FLAGS, MANAGER_FLAGS
from yeastar_ctl.services.queues import create_queue, set_members


@pytest.fixture
async def queue(session: AsyncSession) -> AsyncSession:
    for number in ("1001", "1002", "1009"):
        await create_extension(session, number, f"Ext {number}")
    await create_queue(session, "6400", "Support")
    await set_members(session, "6400", static=[("1001", 1)], dynamic=[("1002", 1)])
    return session


def test_the_seed_tables_columns_and_the_defaults() -> None:
    assert len(MANAGER_FLAGS) == 11 and len(AGENT_FLAGS) == 7
    assert "manager_delete_missed_call_logs" in MANAGER_FLAGS and "agent_switch_agent_status" not in AGENT_FLAGS
    assert all(getattr(DEFAULT_PANEL_PERMISSIONS, name) for name in MANAGER_FLAGS)
    assert not any(getattr(DEFAULT_PANEL_PERMISSIONS, name) for name in AGENT_FLAGS)
    assert (DEFAULT_PANEL_PERMISSIONS.agent_call_log_members, DEFAULT_PANEL_PERMISSIONS.agent_call_log_view_range) == (
        CallLogMembers.ALL, CallLogViewRange.ALL)


async def test_a_new_queue_has_the_defaults_and_changes_are_kept(queue: AsyncSession) -> None:
    assert await panel_permissions.get_panel_permissions(queue, "6400") == DEFAULT_PANEL_PERMISSIONS
    wanted = replace(DEFAULT_PANEL_PERMISSIONS, manager_call_monitoring=False, agent_access_wallboard=True,
                     agent_queue_call_logs=True, agent_call_log_members=CallLogMembers.SPECIFIED,
                     agent_call_log_agents=("1002", "1001"), agent_call_log_view_range=CallLogViewRange.MISSED)
    saved = await panel_permissions.set_panel_permissions(queue, "6400", wanted)
    assert saved == replace(wanted, agent_call_log_agents=("1001", "1002"))
    assert await panel_permissions.get_panel_permissions(queue, "6400") == saved
    changed = await panel_permissions.update_panel_permissions(queue, "6400", {
        "agent_call_log_members": "all", "agent_call_log_agents": []})
    assert (changed.agent_call_log_members, changed.agent_call_log_agents, changed.manager_call_monitoring) == (
        CallLogMembers.ALL, (), False)


async def test_a_deleted_extension_leaves_the_specified_agents(queue: AsyncSession) -> None:
    await panel_permissions.update_panel_permissions(queue, "6400", {
        "agent_call_log_members": "specified", "agent_call_log_agents": ["1001", "1002"]})
    await delete_extension(queue, "1002")
    assert (await panel_permissions.get_panel_permissions(queue, "6400")).agent_call_log_agents == ("1001",)


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"agent_call_log_agents": ["1009"]}, "agent_call_log_agents", "1009 is not an agent of queue 6400"),
    ({"agent_call_log_agents": ["1001", "1001"]}, "agent_call_log_agents", "listed twice"),
    ({"agent_call_log_agents": "1001"}, "agent_call_log_agents", "a list of extension numbers"),
    ({"agent_queue_call_logs": True, "agent_call_log_members": "specified"}, "agent_call_log_agents",
     "at least one agent"),
    ({"agent_call_log_members": "some"}, "agent_call_log_members", "must be one of all, specified"),
    ({"agent_call_log_view_range": "answered"}, "agent_call_log_view_range", "all, incoming, missed"),
    ({"manager_access_wallboard": "yes"}, "manager_access_wallboard", "true or false"),
    ({"agent_switch_agent_status": True}, "agent_switch_agent_status", "not a known permission"),
])
async def test_wrong_permissions_are_refused(queue: AsyncSession, unchanged: Unchanged, changes: dict[str, object],
                                             field: str, message: str) -> None:
    async with unchanged(ValidationError, match=message) as caught:
        await panel_permissions.update_panel_permissions(queue, "6400", changes)
    assert caught.value.field == field  # type: ignore[attr-defined]


async def test_an_unknown_queue_is_not_found(queue: AsyncSession) -> None:
    with pytest.raises(NotFoundError):
        await panel_permissions.get_panel_permissions(queue, "6499")
