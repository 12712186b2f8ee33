"""Queue call logs: processing status and auto-sync, notes, who sees what, deleting."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from call_log_data import ADMIN, Who, add_call
from postgres import Unchanged
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.account_models import Role
from yeastar_ctl.db.call_log_models import CallLogMembers, CallLogViewRange, ProcessingStatus
from yeastar_ctl.db.enums import CallStatus
from yeastar_ctl.db.models import CallProcessingChange, QueueCall
from yeastar_ctl.services import call_logs, panel_permissions, queue_options
from yeastar_ctl.services.call_logs import CallLogAccessError, CallLogFilter
from yeastar_ctl.services.errors import NotFoundError, ValidationError
from yeastar_ctl.services.extensions import create_extension
from yeastar_ctl.services.queues import ManagerSpec, create_queue, set_managers, set_members

NOW = datetime(2025, 6, 24, 15, 0, tzinfo=UTC)  # the seed's example: an update at 3:00 PM
MANAGER = Who("leo", Role.QUEUE_MANAGER, "1003")
AGENT = Who("kristin", Role.AGENT, "1001")
OTHER_AGENT = Who("carmen", Role.AGENT, "1002")
OUTSIDER = Who("phil", Role.AGENT, "1004")
MISSED, ABANDONED, ANSWERED = CallStatus.MISSED, CallStatus.ABANDONED, CallStatus.ANSWERED
NOT_DEALT, DEALING, DEALT = ProcessingStatus.NOT_DEALT, ProcessingStatus.DEALING, ProcessingStatus.DEALT


def ago(**delta: float) -> datetime:
    return NOW - timedelta(**delta)


@pytest.fixture
async def center(session: AsyncSession) -> AsyncSession:
    """Queues 6400 (agents 1001, 1002; manager 1003) and 6401 (agent 1004)."""
    for number in ("1001", "1002", "1003", "1004"):
        await create_extension(session, number, f"Ext {number}")
    await create_queue(session, "6400", "Support")
    await create_queue(session, "6401", "Sales")
    await set_members(session, "6400", static=[("1001", 1), ("1002", 1)])
    await set_members(session, "6401", static=[("1004", 1)])
    await set_managers(session, "6400", [ManagerSpec("1003")])
    return session


@pytest.fixture
async def calls(center: AsyncSession) -> AsyncSession:
    """In 6400: m1 missed, a1 abandoned, in1 answered by 1001, in2 answered by 1002; in 6401: s1 missed."""
    await add_call(center, "m1", ago(hours=3), MISSED)
    await add_call(center, "a1", ago(hours=2), ABANDONED, caller="5002")
    await add_call(center, "in1", ago(hours=1), ANSWERED, agent="1001")
    await add_call(center, "in2", ago(minutes=30), ANSWERED, agent="1002")
    await add_call(center, "s1", ago(minutes=20), MISSED, queue="6401")
    return center


async def ids(session: AsyncSession, who: Who, queue: str = "6400", **filters: object) -> list[str]:
    logs = await call_logs.list_call_logs(session, who, queue, CallLogFilter(**filters))  # type: ignore[arg-type]
    return [log.id for log in logs]


async def permit(session: AsyncSession, queue: str = "6400", **changes: object) -> None:
    await panel_permissions.update_panel_permissions(session, queue, changes)


async def auto_sync(session: AsyncSession, hours: int) -> None:
    await queue_options.update_queue_options(session, disposition_auto_sync_enabled=True,
                                             disposition_auto_sync_hours=hours)


# --- processing status ---------------------------------------------------------------------------

async def test_a_missed_call_moves_from_not_dealt_to_dealt_with_operator_and_time(calls: AsyncSession) -> None:
    log = await call_logs.get_call_log(calls, MANAGER, "m1")
    assert (log.processing, log.last_change) == (NOT_DEALT, None)
    result = await call_logs.set_processing(calls, MANAGER, "m1", "dealing", at=NOW)
    assert result.log.processing == DEALING and result.synced == ()
    assert result.log.last_change == call_logs.ProcessingChange(DEALING, "leo", "1003", NOW, False)
    later = NOW + timedelta(minutes=5)
    result = await call_logs.set_processing(calls, ADMIN, "m1", DEALT, at=later)
    assert result.log.last_change == call_logs.ProcessingChange(DEALT, "admin", None, later, False)
    history = await call_logs.processing_history(calls, MANAGER, "m1")
    assert [(c.status, c.operator, c.at) for c in history] == [(DEALING, "leo", NOW), (DEALT, "admin", later)]


async def test_a_status_can_be_set_back_by_hand_and_the_same_status_changes_nothing(calls: AsyncSession) -> None:
    await call_logs.set_processing(calls, MANAGER, "a1", DEALT, at=NOW)
    result = await call_logs.set_processing(calls, MANAGER, "a1", NOT_DEALT, at=NOW + timedelta(minutes=1))
    assert result.log.processing == NOT_DEALT
    await call_logs.set_processing(calls, MANAGER, "a1", NOT_DEALT, at=NOW + timedelta(minutes=2))
    assert len(await call_logs.processing_history(calls, MANAGER, "a1")) == 2


async def test_answered_calls_have_no_processing_status(calls: AsyncSession, unchanged: Unchanged) -> None:
    assert (await call_logs.get_call_log(calls, ADMIN, "in1")).processing is None
    async with unchanged(ValidationError, match="only missed and abandoned") as caught:
        await call_logs.set_processing(calls, ADMIN, "in1", DEALT, at=NOW)
    assert caught.value.field == "processing"  # type: ignore[attr-defined]
    async with unchanged(ValidationError, match="must be one of not_dealt, dealing, dealt"):
        await call_logs.set_processing(calls, ADMIN, "m1", "done", at=NOW)
    async with unchanged(NotFoundError, match="call log nope"):
        await call_logs.set_processing(calls, ADMIN, "nope", DEALT, at=NOW)


# --- auto-sync -----------------------------------------------------------------------------------

@pytest.fixture
async def repeats(center: AsyncSession) -> AsyncSession:
    """Caller 5001 to 6400 around the seed's window (update at 15:00, 2 hours: 13:00-15:00)."""
    await add_call(center, "edge", ago(hours=2), MISSED)  # 13:00:00, the window's first instant
    await add_call(center, "before", ago(hours=2, seconds=1), MISSED)  # 12:59:59
    await add_call(center, "abandoned", ago(minutes=90), ABANDONED)
    await add_call(center, "answered", ago(minutes=80), ANSWERED, agent="1001")
    await add_call(center, "other-number", ago(minutes=70), MISSED, caller="5009")
    await add_call(center, "other-queue", ago(minutes=60), MISSED, queue="6401")
    await add_call(center, "updated", ago(minutes=10), MISSED)
    await add_call(center, "at-update", NOW, MISSED)  # the window's last instant
    await add_call(center, "after", NOW + timedelta(seconds=1), MISSED)
    return center


async def statuses(session: AsyncSession, *call_ids: str) -> dict[str, tuple[ProcessingStatus | None, bool | None]]:
    result = {}
    for call_id in call_ids:
        log = await call_logs.get_call_log(session, ADMIN, call_id)
        result[call_id] = (log.processing, log.last_change.auto_sync if log.last_change else None)
    return result


async def test_auto_sync_moves_the_same_callers_calls_to_the_same_queue_within_the_window(repeats: AsyncSession) -> None:
    await auto_sync(repeats, 2)
    result = await call_logs.set_processing(repeats, MANAGER, "updated", DEALING, at=NOW)
    assert result.synced == ("edge", "abandoned", "at-update")
    assert await statuses(repeats, "edge", "abandoned", "at-update", "updated") == {
        "edge": (DEALING, True), "abandoned": (DEALING, True), "at-update": (DEALING, True), "updated": (DEALING, False)}
    assert await statuses(repeats, "before", "other-number", "after", "answered") == {
        "before": (NOT_DEALT, None), "other-number": (NOT_DEALT, None), "after": (NOT_DEALT, None),
        "answered": (None, None)}
    assert (await call_logs.get_call_log(repeats, ADMIN, "other-queue")).processing == NOT_DEALT
    synced = (await call_logs.get_call_log(repeats, ADMIN, "edge")).last_change
    assert synced is not None and (synced.operator, synced.operator_extension, synced.at) == ("leo", "1003", NOW)


async def test_auto_sync_is_forward_only(repeats: AsyncSession) -> None:
    await call_logs.set_processing(repeats, MANAGER, "abandoned", DEALT, at=ago(minutes=30))
    await auto_sync(repeats, 2)
    result = await call_logs.set_processing(repeats, MANAGER, "updated", DEALING, at=NOW)
    assert "abandoned" not in result.synced
    assert await statuses(repeats, "abandoned") == {"abandoned": (DEALT, False)}
    # Moving a log back syncs nothing: the others keep Dealing.
    result = await call_logs.set_processing(repeats, MANAGER, "updated", NOT_DEALT, at=NOW + timedelta(minutes=1))
    assert result.synced == ()
    assert await statuses(repeats, "edge") == {"edge": (DEALING, True)}
    # Dealing to Dealt is forward again; the window is now 13:02-15:02, so "edge" stays behind.
    result = await call_logs.set_processing(repeats, MANAGER, "at-update", DEALT, at=NOW + timedelta(minutes=2))
    assert result.synced == ("updated", "after")
    assert await statuses(repeats, "edge") == {"edge": (DEALING, True)}
    rows = await repeats.scalar(select(func.count()).select_from(CallProcessingChange)
                                .where(CallProcessingChange.queue_call_id == "abandoned"))
    assert rows == 1


async def test_auto_sync_off_moves_only_the_updated_call(repeats: AsyncSession) -> None:
    result = await call_logs.set_processing(repeats, MANAGER, "updated", DEALT, at=NOW)
    assert result.synced == ()
    assert await statuses(repeats, "edge") == {"edge": (NOT_DEALT, None)}


async def test_auto_sync_leaves_deleted_logs_alone(repeats: AsyncSession) -> None:
    await auto_sync(repeats, 2)
    await call_logs.delete_call_log(repeats, MANAGER, "edge", at=ago(minutes=1))
    result = await call_logs.set_processing(repeats, MANAGER, "updated", DEALT, at=NOW)
    assert result.synced == ("abandoned", "at-update")


# --- notes ---------------------------------------------------------------------------------------

async def test_notes_on_any_call_keep_author_and_time(calls: AsyncSession) -> None:
    await permit(calls, agent_queue_call_logs=True)
    note = await call_logs.add_note(calls, AGENT, "in1", disposition=" Tech Support ", remark="Reset\nthe router",
                                    at=NOW)
    assert (note.disposition, note.remark, note.author, note.author_extension, note.at) == (
        "Tech Support", "Reset\nthe router", "kristin", "1001", NOW)
    await call_logs.add_note(calls, MANAGER, "m1", remark="Called back", at=NOW)
    await call_logs.add_note(calls, MANAGER, "in1", disposition="Callback", at=NOW + timedelta(seconds=1))
    log = await call_logs.get_call_log(calls, ADMIN, "in1")
    assert [(n.disposition, n.author) for n in log.notes] == [("Tech Support", "kristin"), ("Callback", "leo")]
    assert [n.remark for n in (await call_logs.get_call_log(calls, ADMIN, "m1")).notes] == ["Called back"]


@pytest.mark.parametrize(("disposition", "remark", "field", "message"), [
    (None, None, "disposition", "a disposition code, a remark, or both"),
    ("  ", "", "disposition", "a disposition code, a remark, or both"),
    ("x" * 65, None, "disposition", "at most 64"),
    ("Sales\nLead", None, "disposition", "control characters"),
    (None, "x" * 1001, "remark", "at most 1000"),
    (None, "bell\x07", "remark", "control characters"),
    (7, None, "disposition", "must be text"),
])
async def test_a_wrong_note_is_refused(calls: AsyncSession, unchanged: Unchanged, disposition: object,
                                       remark: object, field: str, message: str) -> None:
    async with unchanged(ValidationError, match=message) as caught:
        await call_logs.add_note(calls, ADMIN, "m1", disposition=disposition, remark=remark, at=NOW)
    assert caught.value.field == field  # type: ignore[attr-defined]


async def test_no_note_on_a_log_the_account_does_not_see(calls: AsyncSession, unchanged: Unchanged) -> None:
    async with unchanged(CallLogAccessError, match="may not see call log s1"):
        await call_logs.add_note(calls, MANAGER, "s1", remark="x", at=NOW)


# --- who sees what -------------------------------------------------------------------------------

async def test_administrators_and_managers_see_every_log_of_their_queues(calls: AsyncSession) -> None:
    assert await ids(calls, ADMIN) == ["in2", "in1", "a1", "m1"]
    assert await ids(calls, MANAGER) == ["in2", "in1", "a1", "m1"]
    assert await ids(calls, ADMIN, "6401") == ["s1"]
    with pytest.raises(CallLogAccessError, match="may not see the call logs of queue 6401"):
        await ids(calls, MANAGER, "6401")
    assert [q.number for q in await call_logs.visible_queues(calls, MANAGER)] == ["6400"]
    assert [q.number for q in await call_logs.visible_queues(calls, ADMIN)] == ["6400", "6401"]


async def test_a_manager_without_missed_call_logs_sees_only_answered_calls(calls: AsyncSession) -> None:
    await permit(calls, manager_missed_call_logs=False)
    assert await ids(calls, MANAGER) == ["in2", "in1"]
    with pytest.raises(CallLogAccessError):
        await call_logs.set_processing(calls, MANAGER, "m1", DEALT, at=NOW)


async def test_agents_see_nothing_until_permitted(calls: AsyncSession) -> None:
    assert await call_logs.visible_queues(calls, AGENT) == []
    with pytest.raises(CallLogAccessError, match="queue 6400"):
        await ids(calls, AGENT)
    await permit(calls, agent_queue_call_logs=True)
    assert [q.number for q in await call_logs.visible_queues(calls, AGENT)] == ["6400"]
    with pytest.raises(CallLogAccessError):  # permitted in 6400, but not an agent of 6401
        await ids(calls, AGENT, "6401")
    with pytest.raises(CallLogAccessError):
        await ids(calls, OUTSIDER)


@pytest.mark.parametrize(("view_range", "expected"), [
    (CallLogViewRange.ALL, ["in1", "a1", "m1"]),
    (CallLogViewRange.INCOMING, ["in1"]),
    (CallLogViewRange.MISSED, ["a1", "m1"]),
])
async def test_an_agents_view_range(calls: AsyncSession, view_range: CallLogViewRange, expected: list[str]) -> None:
    await permit(calls, agent_queue_call_logs=True, agent_call_log_view_range=view_range)
    assert await ids(calls, AGENT) == expected
    with pytest.raises(CallLogAccessError, match="may not see call log in2"):
        await call_logs.get_call_log(calls, AGENT, "in2")


async def test_specified_agents_only(calls: AsyncSession) -> None:
    await permit(calls, agent_queue_call_logs=True, agent_call_log_members=CallLogMembers.SPECIFIED,
                 agent_call_log_agents=["1002"])
    assert await ids(calls, OTHER_AGENT) == ["in2", "a1", "m1"]
    with pytest.raises(CallLogAccessError):
        await ids(calls, AGENT)


async def test_an_agent_with_missed_calls_manages_their_processing_status(calls: AsyncSession) -> None:
    await permit(calls, agent_queue_call_logs=True, agent_call_log_view_range=CallLogViewRange.MISSED)
    result = await call_logs.set_processing(calls, AGENT, "m1", DEALING, at=NOW)
    assert result.log.last_change is not None and result.log.last_change.operator == "kristin"
    await permit(calls, agent_call_log_view_range=CallLogViewRange.INCOMING)
    with pytest.raises(CallLogAccessError):
        await call_logs.set_processing(calls, AGENT, "m1", DEALT, at=NOW)


async def test_filters_by_status_and_processing(calls: AsyncSession) -> None:
    await add_call(calls, "m2", ago(minutes=5), MISSED)
    await call_logs.set_processing(calls, ADMIN, "m1", DEALT, at=NOW)
    await call_logs.set_processing(calls, ADMIN, "a1", DEALING, at=NOW)
    assert await ids(calls, ADMIN, status=MISSED) == ["m2", "m1"]
    assert await ids(calls, ADMIN, status="answered") == ["in2", "in1"]
    assert await ids(calls, ADMIN, processing=NOT_DEALT) == ["m2"]
    assert await ids(calls, ADMIN, processing="dealt") == ["m1"]
    assert await ids(calls, ADMIN, processing=DEALING) == ["a1"]
    assert await ids(calls, ADMIN, limit=2, offset=1) == ["in2", "in1"]


@pytest.mark.parametrize(("filters", "field"), [
    ({"status": "waiting"}, "status"), ({"status": "lost"}, "status"), ({"processing": "done"}, "processing"),
    ({"limit": 0}, "limit"), ({"limit": 1001}, "limit"), ({"offset": -1}, "offset"),
])
async def test_wrong_filters_are_refused(calls: AsyncSession, filters: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        await ids(calls, ADMIN, **filters)
    assert caught.value.field == field


async def test_a_call_still_waiting_is_no_log_and_an_unknown_queue_is_not_found(calls: AsyncSession) -> None:
    from yeastar_ctl.services import call_events
    await call_events.record_call_joined(calls, call_id="w1", queue_number="6400", caller_number="5003",
                                         joined_at=NOW)
    assert "w1" not in await ids(calls, ADMIN)
    with pytest.raises(NotFoundError):
        await ids(calls, ADMIN, "6499")


# --- deleting ------------------------------------------------------------------------------------

async def test_a_manager_deletes_missed_logs_and_the_reports_keep_the_call(calls: AsyncSession) -> None:
    await call_logs.delete_call_log(calls, MANAGER, "m1", at=NOW)
    assert "m1" not in await ids(calls, ADMIN)
    assert await calls.get(QueueCall, "m1") is not None
    with pytest.raises(NotFoundError, match="call log m1"):
        await call_logs.get_call_log(calls, ADMIN, "m1")


async def test_a_manager_may_not_delete_answered_logs_or_without_permission(calls: AsyncSession,
                                                                           unchanged: Unchanged) -> None:
    async with unchanged(CallLogAccessError, match="only missed call logs"):
        await call_logs.delete_call_log(calls, MANAGER, "in1", at=NOW)
    await permit(calls, manager_delete_missed_call_logs=False)
    async with unchanged(CallLogAccessError, match="not permitted"):
        await call_logs.delete_call_log(calls, MANAGER, "m1", at=NOW)


async def test_an_agent_deletes_only_logs_of_calls_they_answered(calls: AsyncSession, unchanged: Unchanged) -> None:
    await permit(calls, agent_queue_call_logs=True)
    assert [log.may_delete for log in await call_logs.list_call_logs(calls, AGENT, "6400")] == [True, False, False]
    async with unchanged(CallLogAccessError, match="not permitted"):
        await call_logs.delete_call_log(calls, AGENT, "m1", at=NOW)
    async with unchanged(CallLogAccessError, match="may not see call log in2"):
        await call_logs.delete_call_log(calls, AGENT, "in2", at=NOW)
    await call_logs.delete_call_log(calls, AGENT, "in1", at=NOW)
    assert await ids(calls, ADMIN) == ["in2", "a1", "m1"]


async def test_bulk_delete_is_all_or_nothing(calls: AsyncSession, unchanged: Unchanged) -> None:
    async with unchanged(CallLogAccessError, match="call log in1"):
        await call_logs.delete_call_logs(calls, MANAGER, ["m1", "a1", "in1"], at=NOW)
    await call_logs.delete_call_logs(calls, MANAGER, ["m1", "a1", "m1"], at=NOW)
    assert await ids(calls, ADMIN) == ["in2", "in1"]


async def test_administrators_delete_any_log(calls: AsyncSession) -> None:
    await permit(calls, manager_delete_missed_call_logs=False)
    await call_logs.delete_call_logs(calls, ADMIN, ["in1", "m1"], at=NOW)
    assert await ids(calls, ADMIN) == ["in2", "a1"]


async def test_a_deleted_queues_logs_stay_for_administrators(calls: AsyncSession) -> None:
    from yeastar_ctl.services.queues import delete_queue
    await delete_queue(calls, "6401")
    assert (await call_logs.get_call_log(calls, ADMIN, "s1")).queue_number == "6401"
    with pytest.raises(CallLogAccessError):
        await call_logs.get_call_log(calls, replace(OUTSIDER), "s1")
