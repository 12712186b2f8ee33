"""Queue call logs: list a queue's logs for an account, change the processing status of missed
and abandoned calls (with the seed's auto-sync of repeat callers), add call notes, delete logs.

Every operation is done on behalf of an account (an ``Actor``) and checked against the rules
in ``call_log_rules``; a refusal is a ``CallLogAccessError`` that says what is not allowed.
Times are passed in (the caller's clock), never read here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Protocol

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from yeastar_ctl.db.account_models import Role
from yeastar_ctl.db.call_log_models import (
    DISPOSITION_LENGTH,
    REMARK_LENGTH,
    CallLogDeletion,
    CallNote,
    CallProcessingChange,
    ProcessingStatus,
)
from yeastar_ctl.db.enums import CallStatus
from yeastar_ctl.db.models import Queue, QueueCall
from yeastar_ctl.services import queue_options
from yeastar_ctl.services import queues as queue_service
from yeastar_ctl.services.call_events import UNANSWERED_OUTCOMES
from yeastar_ctl.services.call_log_rules import (
    FULL_ACCESS,
    NO_ACCESS,
    LogAccess,
    Scope,
    access_for,
    deletion_refusal,
    is_forward,
    is_missed,
    sees,
    sync_window,
)
from yeastar_ctl.services.errors import NotFoundError, ServiceError, ValidationError
from yeastar_ctl.services.panel_permissions import permissions_of
from yeastar_ctl.services.validation import Problems, parse_choice

DEFAULT_LIMIT: Final = 200
MAX_LIMIT: Final = 1000
_ALLOWED_IN_REMARK: Final = frozenset("\n\r\t")


class CallLogAccessError(ServiceError):
    """The account may not see or do this (the API answers 403)."""


class Actor(Protocol):
    """Who is asking: a portal account or a users row."""

    @property
    def username(self) -> str: ...
    @property
    def role(self) -> Role: ...
    @property
    def extension_number(self) -> str | None: ...


@dataclass(frozen=True)
class ProcessingChange:
    status: ProcessingStatus
    operator: str
    operator_extension: str | None
    at: datetime
    auto_sync: bool


@dataclass(frozen=True)
class Note:
    id: int
    disposition: str | None
    remark: str | None
    author: str
    author_extension: str | None
    at: datetime


@dataclass(frozen=True)
class CallLog:
    id: str
    queue_number: str
    caller_number: str
    caller_name: str | None
    joined_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    agent_extension: str | None
    status: CallStatus
    ring_seconds: int
    talk_seconds: int
    processing: ProcessingStatus | None  # None for answered calls
    last_change: ProcessingChange | None  # the operation record shown beside the status
    notes: tuple[Note, ...]
    may_delete: bool  # for the account the log was read for


@dataclass(frozen=True)
class CallLogFilter:
    status: CallStatus | None = None  # answered, missed or abandoned
    processing: ProcessingStatus | None = None  # only missed and abandoned calls have one
    limit: int = DEFAULT_LIMIT
    offset: int = 0


@dataclass(frozen=True)
class ProcessingResult:
    log: CallLog
    synced: tuple[str, ...]  # the other calls auto-sync moved, oldest first


_Current = aliased(CallProcessingChange, name="current_change")


def _logs(*calls: ColumnElement[bool]) -> Select[QueueCall, CallProcessingChange]:
    """The calls matching ``calls`` that are logs (not waiting, not deleted) with their newest
    processing change. The conditions narrow the newest-change lookup too, so it reads only
    the changes of those calls rather than grouping the whole table."""
    newest = (select(CallProcessingChange.queue_call_id.label("call_id"),
                     func.max(CallProcessingChange.id).label("change_id"))
              .join(QueueCall, QueueCall.id == CallProcessingChange.queue_call_id).where(*calls)
              .group_by(CallProcessingChange.queue_call_id).subquery())
    return (select(QueueCall, _Current)
            .outerjoin(newest, newest.c.call_id == QueueCall.id)
            .outerjoin(_Current, _Current.id == newest.c.change_id)
            .outerjoin(CallLogDeletion, CallLogDeletion.queue_call_id == QueueCall.id)
            .where(*calls, CallLogDeletion.queue_call_id.is_(None), QueueCall.status != CallStatus.WAITING))


def _change(row: CallProcessingChange | None) -> ProcessingChange | None:
    if row is None:
        return None
    return ProcessingChange(row.status, row.operator, row.operator_extension, row.at, row.auto_sync)


def _note(row: CallNote) -> Note:
    return Note(row.id, row.disposition, row.remark, row.author, row.author_extension, row.at)


async def _notes(session: AsyncSession, call_ids: Sequence[str]) -> dict[str, tuple[Note, ...]]:
    rows = await session.scalars(
        select(CallNote).where(CallNote.queue_call_id.in_(call_ids)).order_by(CallNote.at, CallNote.id))
    grouped: dict[str, list[Note]] = {}
    for row in rows:
        grouped.setdefault(row.queue_call_id, []).append(_note(row))
    return {call_id: tuple(notes) for call_id, notes in grouped.items()}


def _log(call: QueueCall, change: CallProcessingChange | None, notes: tuple[Note, ...], may_delete: bool) -> CallLog:
    processing = None
    if is_missed(call.status):
        processing = change.status if change is not None else ProcessingStatus.NOT_DEALT
    return CallLog(
        id=call.id, queue_number=call.queue_number, caller_number=call.caller_number, caller_name=call.caller_name,
        joined_at=call.joined_at, answered_at=call.answered_at, ended_at=call.ended_at,
        agent_extension=call.agent_extension, status=call.status, ring_seconds=call.ring_seconds,
        talk_seconds=call.talk_seconds, processing=processing, last_change=_change(change), notes=notes,
        may_delete=may_delete,
    )


async def _access(session: AsyncSession, actor: Actor, queue: Queue) -> LogAccess:
    if actor.role == Role.ADMINISTRATOR:
        return FULL_ACCESS
    extension = actor.extension_number
    if extension is None:
        return NO_ACCESS
    managers = await queue_service.list_managers(session, queue.number)
    members = await queue_service.list_members(session, queue.number)
    return access_for(actor.role, await permissions_of(session, queue), extension=extension,
                      manages=any(m.extension == extension for m in managers),
                      is_agent=any(m.extension == extension for m in members))


async def queue_access(session: AsyncSession, actor: Actor, queue_number: str) -> LogAccess:
    """What ``actor`` may do with the queue's call logs (a queue that no longer exists: only an
    administrator reaches its logs)."""
    queue = await queue_service.get_by_number(session, queue_number)
    if queue is None:
        return FULL_ACCESS if actor.role == Role.ADMINISTRATOR else NO_ACCESS
    return await _access(session, actor, queue)


async def visible_queues(session: AsyncSession, actor: Actor) -> list[Queue]:
    """The queues whose call logs ``actor`` may see, in number order."""
    return [q for q in await queue_service.list_queues(session) if (await _access(session, actor, q)).any]


def _may_delete(access: LogAccess, call: QueueCall, actor: Actor) -> bool:
    return deletion_refusal(access, call.status, call.agent_extension, actor.extension_number) is None


def _visibility(access: LogAccess, actor: Actor) -> list[ColumnElement[bool]]:
    allowed: list[ColumnElement[bool]] = []
    if access.missed:
        allowed.append(QueueCall.status.in_(UNANSWERED_OUTCOMES))
    if access.answered == Scope.ALL:
        allowed.append(QueueCall.status == CallStatus.ANSWERED)
    elif access.answered == Scope.OWN:
        allowed.append((QueueCall.status == CallStatus.ANSWERED)
                       & (QueueCall.agent_extension == actor.extension_number))
    return allowed


def _checked_filter(filter_: CallLogFilter) -> CallLogFilter:
    problems = Problems()
    status = parse_choice("status", filter_.status, CallStatus) if filter_.status is not None else None
    if status == CallStatus.WAITING:
        problems.add("status", "a call still waiting has no log yet")
    processing = (parse_choice("processing", filter_.processing, ProcessingStatus)
                  if filter_.processing is not None else None)
    problems.integer("limit", filter_.limit, 1, MAX_LIMIT)
    problems.integer("offset", filter_.offset, 0)
    problems.raise_if_any()
    return CallLogFilter(status, processing, filter_.limit, filter_.offset)


async def list_call_logs(
    session: AsyncSession, actor: Actor, queue_number: str, filter_: CallLogFilter = CallLogFilter()
) -> list[CallLog]:
    """The queue's logs ``actor`` may see, newest first."""
    filter_ = _checked_filter(filter_)
    queue = await queue_service.get_queue(session, queue_number)
    access = await _access(session, actor, queue)
    if not access.any:
        raise CallLogAccessError(f"you may not see the call logs of queue {queue_number}")
    query = _logs(QueueCall.queue_number == queue.number).where(or_(*_visibility(access, actor)))
    if filter_.status is not None:
        query = query.where(QueueCall.status == filter_.status)
    if filter_.processing is not None:
        current = _Current.status == filter_.processing
        if filter_.processing == ProcessingStatus.NOT_DEALT:
            current = or_(current, _Current.id.is_(None))
        query = query.where(QueueCall.status.in_(UNANSWERED_OUTCOMES), current)
    rows = (await session.execute(
        query.order_by(QueueCall.joined_at.desc(), QueueCall.id.desc()).limit(filter_.limit).offset(filter_.offset)
    )).all()
    notes = await _notes(session, [call.id for call, _ in rows])
    return [_log(call, change, notes.get(call.id, ()), _may_delete(access, call, actor)) for call, change in rows]


async def _seen(session: AsyncSession, actor: Actor, call_id: str) -> tuple[QueueCall, CallProcessingChange | None, LogAccess]:
    row = (await session.execute(_logs(QueueCall.id == call_id))).first()
    if row is None:
        raise NotFoundError("call log", call_id)
    call, change = row
    access = await queue_access(session, actor, call.queue_number)
    if not sees(access, call.status, call.agent_extension, actor.extension_number):
        raise CallLogAccessError(f"you may not see call log {call_id} of queue {call.queue_number}")
    return call, change, access


async def get_call_log(session: AsyncSession, actor: Actor, call_id: str) -> CallLog:
    call, change, access = await _seen(session, actor, call_id)
    notes = await _notes(session, [call.id])
    return _log(call, change, notes.get(call.id, ()), _may_delete(access, call, actor))


async def processing_history(session: AsyncSession, actor: Actor, call_id: str) -> list[ProcessingChange]:
    """Every change of the call's processing status, oldest first (the operation record)."""
    await _seen(session, actor, call_id)
    rows = await session.scalars(select(CallProcessingChange).where(CallProcessingChange.queue_call_id == call_id)
                                 .order_by(CallProcessingChange.id))
    return [ProcessingChange(r.status, r.operator, r.operator_extension, r.at, r.auto_sync) for r in rows]


async def _sync_candidates(
    session: AsyncSession, call: QueueCall, status: ProcessingStatus, at: datetime, hours: int
) -> list[QueueCall]:
    start, end = sync_window(at, hours)
    rows = await session.execute(
        _logs(QueueCall.queue_number == call.queue_number, QueueCall.caller_number == call.caller_number,
              QueueCall.status.in_(UNANSWERED_OUTCOMES), QueueCall.id != call.id,
              QueueCall.joined_at >= start, QueueCall.joined_at <= end)
        .order_by(QueueCall.joined_at, QueueCall.id))
    # Forward only: a log already at or past the new status keeps its own.
    return [other for other, change in rows
            if is_forward(change.status if change is not None else ProcessingStatus.NOT_DEALT, status)]


async def set_processing(
    session: AsyncSession, actor: Actor, call_id: str, status: ProcessingStatus | str, *, at: datetime
) -> ProcessingResult:
    """Change a missed or abandoned call's processing status, recording who and when.

    With auto-sync on (Queue Options), a forward change also moves the other missed and
    abandoned calls from the same number to the same queue that came in the preceding X hours,
    marked "Auto Sync"; any that are already as far or further keep their status. Choosing the
    status the call already has changes nothing."""
    new = parse_choice("processing", status, ProcessingStatus)
    call, change, _ = await _seen(session, actor, call_id)
    if not is_missed(call.status):
        raise ValidationError("processing", "only missed and abandoned calls have a processing status")
    old = change.status if change is not None else ProcessingStatus.NOT_DEALT
    synced: list[QueueCall] = []
    if new != old:
        options = await queue_options.get_queue_options(session)
        if options.disposition_auto_sync_enabled and is_forward(old, new):
            synced = await _sync_candidates(session, call, new, at, options.disposition_auto_sync_hours)
        for target, auto in ((call, False), *((other, True) for other in synced)):
            session.add(CallProcessingChange(queue_call_id=target.id, status=new, operator=actor.username,
                                             operator_extension=actor.extension_number, at=at, auto_sync=auto))
        await session.flush()
    return ProcessingResult(await get_call_log(session, actor, call_id), tuple(c.id for c in synced))


def _optional_text(problems: Problems, field: str, value: object, max_length: int, *, multiline: bool) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        problems.add(field, f"must be text, got {value!r}")
        return None
    cleaned = value.strip()
    if len(cleaned) > max_length:
        problems.add(field, f"must be at most {max_length} characters")
        return None
    allowed = _ALLOWED_IN_REMARK if multiline else frozenset()
    if any((ord(ch) < 32 and ch not in allowed) or ord(ch) == 127 for ch in cleaned):
        problems.add(field, "must not contain control characters")
        return None
    return cleaned


async def add_note(
    session: AsyncSession, actor: Actor, call_id: str, *, disposition: object = None, remark: object = None,
    at: datetime,
) -> Note:
    """A call note on any log the account sees: a disposition code, a remark, or both."""
    problems = Problems()
    code = _optional_text(problems, "disposition", disposition, DISPOSITION_LENGTH, multiline=False)
    text = _optional_text(problems, "remark", remark, REMARK_LENGTH, multiline=True)
    if not problems and code is None and text is None:
        problems.add("disposition", "write a disposition code, a remark, or both")
    problems.raise_if_any()
    await _seen(session, actor, call_id)
    note = CallNote(queue_call_id=call_id, disposition=code, remark=text, author=actor.username,
                    author_extension=actor.extension_number, at=at)
    session.add(note)
    await session.flush()
    return _note(note)


async def _deletable(session: AsyncSession, actor: Actor, call_id: str) -> QueueCall:
    call, _, access = await _seen(session, actor, call_id)
    refusal = deletion_refusal(access, call.status, call.agent_extension, actor.extension_number)
    if refusal is not None:
        raise CallLogAccessError(f"call log {call_id}: {refusal}")
    return call


async def delete_call_logs(session: AsyncSession, actor: Actor, call_ids: Sequence[str], *, at: datetime) -> None:
    """Hide logs from every call-log list: all of them, or none when one is refused. Queue
    managers delete missed logs (when permitted), agents only logs of calls they answered; the
    reports keep counting the calls."""
    calls = [await _deletable(session, actor, call_id) for call_id in dict.fromkeys(call_ids)]
    session.add_all(CallLogDeletion(queue_call_id=call.id, deleted_by=actor.username, at=at) for call in calls)
    await session.flush()


async def delete_call_log(session: AsyncSession, actor: Actor, call_id: str, *, at: datetime) -> None:
    await delete_call_logs(session, actor, [call_id], at=at)
