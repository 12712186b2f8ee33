"""The pure call-log rules: the forward order, the auto-sync window, access per role."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from yeastar_ctl.db.account_models import Role
from yeastar_ctl.db.call_log_models import DEFAULT_PANEL_PERMISSIONS, CallLogMembers, CallLogViewRange
from yeastar_ctl.db.call_log_models import ProcessingStatus as S
from yeastar_ctl.db.enums import CallStatus
from yeastar_ctl.services.call_log_rules import (
    FULL_ACCESS,
    NO_ACCESS,
    LogAccess,
    Scope,
    access_for,
    deletion_refusal,
    is_forward,
    sees,
    sync_window,
)

AGENT_LOGS = replace(DEFAULT_PANEL_PERMISSIONS, agent_queue_call_logs=True)


@pytest.mark.parametrize(("old", "new", "forward"), [
    (S.NOT_DEALT, S.DEALING, True), (S.DEALING, S.DEALT, True), (S.NOT_DEALT, S.DEALT, True),
    (S.DEALT, S.DEALING, False), (S.DEALING, S.NOT_DEALT, False), (S.DEALT, S.DEALT, False),
])
def test_forward_order(old: S, new: S, forward: bool) -> None:
    assert is_forward(old, new) is forward


def test_the_seeds_window_example() -> None:
    three_pm = datetime(2025, 6, 24, 15, 0, tzinfo=UTC)
    assert sync_window(three_pm, 2) == (datetime(2025, 6, 24, 13, 0, tzinfo=UTC), three_pm)


def test_access_per_role() -> None:
    p = DEFAULT_PANEL_PERMISSIONS
    assert access_for(Role.ADMINISTRATOR, p, extension=None, manages=False, is_agent=False) == FULL_ACCESS
    assert access_for(Role.QUEUE_MANAGER, p, extension="1003", manages=True, is_agent=False) == LogAccess(
        Scope.ALL, True, True, Scope.NONE)
    assert access_for(Role.QUEUE_MANAGER, p, extension="1003", manages=False, is_agent=True) == NO_ACCESS
    no_delete = replace(p, manager_delete_missed_call_logs=True, manager_missed_call_logs=False)
    assert access_for(Role.QUEUE_MANAGER, no_delete, extension="1003", manages=True, is_agent=False) == LogAccess(
        Scope.ALL, False, False, Scope.NONE)
    assert access_for(Role.AGENT, p, extension="1001", manages=False, is_agent=True) == NO_ACCESS
    assert access_for(Role.AGENT, AGENT_LOGS, extension="1001", manages=False, is_agent=True) == LogAccess(
        Scope.OWN, True, False, Scope.OWN)
    assert access_for(Role.AGENT, AGENT_LOGS, extension="1001", manages=True, is_agent=False) == NO_ACCESS


@pytest.mark.parametrize(("view_range", "answered", "missed"), [
    (CallLogViewRange.ALL, Scope.OWN, True), (CallLogViewRange.INCOMING, Scope.OWN, False),
    (CallLogViewRange.MISSED, Scope.NONE, True),
])
def test_an_agents_view_range(view_range: CallLogViewRange, answered: Scope, missed: bool) -> None:
    access = access_for(Role.AGENT, replace(AGENT_LOGS, agent_call_log_view_range=view_range), extension="1001",
                        manages=False, is_agent=True)
    assert (access.answered, access.missed, access.delete_answered) == (answered, missed, answered)


def test_specified_agents() -> None:
    p = replace(AGENT_LOGS, agent_call_log_members=CallLogMembers.SPECIFIED, agent_call_log_agents=("1002",))
    assert access_for(Role.AGENT, p, extension="1001", manages=False, is_agent=True) == NO_ACCESS
    assert access_for(Role.AGENT, p, extension="1002", manages=False, is_agent=True).any


def test_seeing_and_deleting() -> None:
    agent = LogAccess(Scope.OWN, True, False, Scope.OWN)
    assert sees(agent, CallStatus.ANSWERED, "1001", "1001") and not sees(agent, CallStatus.ANSWERED, "1002", "1001")
    assert sees(agent, CallStatus.ABANDONED, None, "1001") and not sees(agent, CallStatus.WAITING, None, "1001")
    assert deletion_refusal(agent, CallStatus.ANSWERED, "1001", "1001") is None
    assert deletion_refusal(agent, CallStatus.MISSED, None, "1001") == (
        "deleting missed call logs of this queue is not permitted")
    manager = LogAccess(Scope.ALL, True, True, Scope.NONE)
    assert deletion_refusal(manager, CallStatus.MISSED, None, "1003") is None
    assert deletion_refusal(manager, CallStatus.ANSWERED, "1001", "1003") == "only missed call logs may be deleted here"
    assert deletion_refusal(FULL_ACCESS, CallStatus.ANSWERED, "1001", None) is None
