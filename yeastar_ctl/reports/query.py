"""The reports' only SQL: aggregates and row streams over the event tables.

Per-queue and per-agent totals are summed by the database (a year of a busy call center is a
million rows; moving them into Python for a sum would take seconds). Row-level reports
(drill-downs, call logs, CSV exports) are streamed in chunks so memory stays flat. Only
finished calls count: a call joins the report once it has ended, so a call still waiting or
talking never shows up as half of one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Final

from sqlalchemy import ColumnElement, Select, and_, case, func, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from yeastar_ctl.db.enums import CallbackResult, CallStatus, MemberKind, RingResult
from yeastar_ctl.db.models import (
    AgentEvent,
    CallbackRequest,
    Extension,
    PauseReason,
    Queue,
    QueueCall,
    QueueMember,
    RingAttempt,
    SurveyResult,
)
from yeastar_ctl.db.queue_settings import DEFAULT_QUEUE_SETTINGS
from yeastar_ctl.reports.filters import ReportFilter
from yeastar_ctl.reports.values import (
    AgentCall,
    AgentEventRecord,
    AgentTotals,
    CallbackRecord,
    CallFacts,
    CallRecord,
    CallTotals,
    SurveyRecord,
)

CHUNK_ROWS: Final = 2000
AgentExtension = aliased(Extension, name="agent_extension_row")
AttemptAgent = aliased(Extension, name="attempt_agent_row")

ANSWERED: Final = QueueCall.status == CallStatus.ANSWERED
WITHIN_SLA: Final = and_(
    ANSWERED,
    QueueCall.ring_seconds <= func.coalesce(Queue.sla_seconds, DEFAULT_QUEUE_SETTINGS.sla_seconds),
)
# An offer the agent did not take. Rings cut short because the caller hung up are not the
# agent's miss (the seed's Agent Missed Call Activity leaves the abandoned call out); rings
# stopped because another agent answered first are (its Ring All example counts them).
AGENT_MISSED: Final = and_(
    RingAttempt.result.is_not(None),
    RingAttempt.result != RingResult.ANSWERED,
    not_(and_(RingAttempt.result == RingResult.CANCELLED, QueueCall.status == CallStatus.ABANDONED)),
)


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _sum(value: Any, condition: ColumnElement[bool] | None = None) -> ColumnElement[int]:
    summed = value if condition is None else case((condition, value), else_=0)
    return func.coalesce(func.sum(summed), 0)


def call_conditions(f: ReportFilter) -> list[ColumnElement[bool]]:
    """The finished calls a filter selects (period by join time, queues, exclusions)."""
    conditions: list[ColumnElement[bool]] = [
        QueueCall.ended_at.is_not(None),
        QueueCall.status != CallStatus.WAITING,
        QueueCall.joined_at >= f.start,
        QueueCall.joined_at < f.end,
    ]
    if f.queues:
        conditions.append(QueueCall.queue_number.in_(f.queues))
    if f.exclude_abandoned_within is not None:
        conditions.append(not_(and_(
            QueueCall.status == CallStatus.ABANDONED, QueueCall.ring_seconds <= f.exclude_abandoned_within
        )))
    if f.exclude_talk_within is not None:
        conditions.append(not_(and_(ANSWERED, QueueCall.talk_seconds <= f.exclude_talk_within)))
    return conditions


def _with_queue(stmt: Select) -> Select:
    return stmt.outerjoin(Queue, Queue.id == QueueCall.queue_id)


async def _stream(session: AsyncSession, stmt: Select) -> AsyncIterator[Any]:
    # Core rows fetched a chunk at a time: one hop to the database driver per chunk, not per
    # row, which is most of the cost of a large export.
    connection = await session.connection()
    result = await connection.stream(stmt.execution_options(yield_per=CHUNK_ROWS))
    async for chunk in result.partitions(CHUNK_ROWS):
        for row in chunk:
            yield row


async def queue_totals(session: AsyncSession, f: ReportFilter) -> dict[str, CallTotals]:
    """Per queue number, the sums ``CallTotals.of_call`` would add up, computed in SQL."""
    stmt = _with_queue(select(
        QueueCall.queue_number,
        func.count(),
        _count(ANSWERED),
        _count(QueueCall.status == CallStatus.MISSED),
        _count(QueueCall.status == CallStatus.ABANDONED),
        _sum(QueueCall.ring_seconds),
        _sum(QueueCall.ring_seconds, ANSWERED),
        _sum(QueueCall.talk_seconds, ANSWERED),
        _sum(QueueCall.hold_seconds, ANSWERED),
        func.coalesce(func.max(QueueCall.ring_seconds), 0),
        _count(WITHIN_SLA),
    )).where(*call_conditions(f)).group_by(QueueCall.queue_number)
    rows = await session.execute(stmt)
    return {number: CallTotals(*(int(v) for v in values)) for number, *values in rows}


async def stream_call_facts(session: AsyncSession, f: ReportFilter) -> AsyncIterator[CallFacts]:
    stmt = _with_queue(select(
        QueueCall.joined_at, QueueCall.status, QueueCall.ring_seconds, QueueCall.talk_seconds,
        QueueCall.hold_seconds, WITHIN_SLA,
    )).where(*call_conditions(f)).order_by(QueueCall.joined_at)
    async for row in _stream(session, stmt):
        yield CallFacts(row[0], CallStatus(row[1]), row[2], row[3], row[4], bool(row[5]))


_RECORD_COLUMNS: Final = (
    QueueCall.id, QueueCall.joined_at, QueueCall.caller_number, QueueCall.caller_name,
    QueueCall.queue_number, Queue.name, QueueCall.agent_extension, AgentExtension.name,
    QueueCall.status, QueueCall.ring_seconds, QueueCall.talk_seconds, QueueCall.hold_seconds,
    QueueCall.reason,
)


def _record(row: Any) -> CallRecord:
    values = list(row[: len(_RECORD_COLUMNS)])
    values[8] = CallStatus(values[8])
    return CallRecord(*values)


def _records_select(*extra: Any) -> Select:
    return _with_queue(select(*_RECORD_COLUMNS, *extra)).outerjoin(
        AgentExtension, AgentExtension.number == QueueCall.agent_extension
    )


async def stream_call_records(session: AsyncSession, f: ReportFilter) -> AsyncIterator[CallRecord]:
    """The drill-down: newest call first, as the portal lists them."""
    stmt = _records_select().where(*call_conditions(f)).order_by(
        QueueCall.joined_at.desc(), QueueCall.id.desc()
    )
    async for row in _stream(session, stmt):
        yield _record(row)


async def agent_totals(session: AsyncSession, f: ReportFilter) -> dict[tuple[str, str], AgentTotals]:
    """Per (queue, agent): answered calls (and their waiting and talk time) and missed offers."""
    answered_stmt = select(
        QueueCall.queue_number, QueueCall.agent_extension, func.count(),
        _sum(QueueCall.ring_seconds), func.max(QueueCall.ring_seconds), _sum(QueueCall.talk_seconds),
    ).where(*call_conditions(f), ANSWERED, QueueCall.agent_extension.is_not(None))
    missed_stmt = (
        select(QueueCall.queue_number, RingAttempt.agent_extension, func.count())
        .join(RingAttempt, RingAttempt.queue_call_id == QueueCall.id)
        .where(*call_conditions(f), AGENT_MISSED)
    )
    if f.agents:
        answered_stmt = answered_stmt.where(QueueCall.agent_extension.in_(f.agents))
        missed_stmt = missed_stmt.where(RingAttempt.agent_extension.in_(f.agents))
    totals: dict[tuple[str, str], AgentTotals] = {}
    for queue, agent, answered, ring, max_ring, talk in await session.execute(
        answered_stmt.group_by(QueueCall.queue_number, QueueCall.agent_extension)
    ):
        totals[(queue, str(agent))] = AgentTotals(int(answered), 0, int(ring), int(max_ring), int(talk))
    for queue, agent, missed in await session.execute(
        missed_stmt.group_by(QueueCall.queue_number, RingAttempt.agent_extension)
    ):
        before = totals.get((queue, agent), AgentTotals())
        totals[(queue, agent)] = AgentTotals(
            before.answered, int(missed), before.ring_answered, before.max_ring_answered, before.talk
        )
    return totals


async def stream_agent_calls(
    session: AsyncSession, f: ReportFilter, *, missed_only: bool
) -> AsyncIterator[AgentCall]:
    """Per (call, agent offered it): one row, by queue, agent, newest call first.

    ``missed_only`` keeps the calls the agent missed at least once (Agent Missed Call Activity);
    otherwise the agent's call log: calls they answered or missed.
    """
    missed = _count(AGENT_MISSED)
    took_it = QueueCall.agent_extension == RingAttempt.agent_extension
    stmt = (
        _records_select(RingAttempt.agent_extension, AttemptAgent.name, missed)
        .join(RingAttempt, RingAttempt.queue_call_id == QueueCall.id)
        .outerjoin(AttemptAgent, AttemptAgent.number == RingAttempt.agent_extension)
        .where(*call_conditions(f))
        .group_by(*_RECORD_COLUMNS, RingAttempt.agent_extension, AttemptAgent.name)
        .having(missed > 0 if missed_only else or_(missed > 0, func.max(case((took_it, 1), else_=0)) > 0))
        .order_by(QueueCall.queue_number, RingAttempt.agent_extension, QueueCall.joined_at.desc(),
                  QueueCall.id.desc())
    )
    if f.agents:
        stmt = stmt.where(RingAttempt.agent_extension.in_(f.agents))
    async for row in _stream(session, stmt):
        agent, name, misses = row[len(_RECORD_COLUMNS):]
        yield AgentCall(_record(row), agent, name, int(misses))


async def agent_events(session: AsyncSession, f: ReportFilter) -> list[AgentEventRecord]:
    """Login and pause rows of the period; rows for "all queues" (None) are kept for expansion.

    Loaded whole: these are human actions (tens a day per agent), not call volume.
    """
    stmt = select(
        AgentEvent.at, AgentEvent.agent_extension, AgentEvent.queue_number, AgentEvent.kind,
        AgentEvent.reason_code,
    ).where(AgentEvent.at >= f.start, AgentEvent.at < f.end).order_by(AgentEvent.at, AgentEvent.id)
    if f.queues:
        stmt = stmt.where(or_(AgentEvent.queue_number.in_(f.queues), AgentEvent.queue_number.is_(None)))
    if f.agents:
        stmt = stmt.where(AgentEvent.agent_extension.in_(f.agents))
    return [AgentEventRecord(*row) for row in await session.execute(stmt)]


async def dynamic_queues_of(session: AsyncSession) -> dict[str, tuple[str, ...]]:
    """Each extension's dynamic queues now: what an agent event for "all queues" applies to
    (as ``services.agent_state`` replays it)."""
    stmt = (
        select(Extension.number, Queue.number)
        .join(QueueMember, QueueMember.extension_id == Extension.id)
        .join(Queue, Queue.id == QueueMember.queue_id)
        .where(QueueMember.kind == MemberKind.DYNAMIC)
        .order_by(Extension.number, Queue.number)
    )
    memberships: dict[str, list[str]] = {}
    for agent, queue in await session.execute(stmt):
        memberships.setdefault(agent, []).append(queue)
    return {agent: tuple(queues) for agent, queues in memberships.items()}


async def queue_names(session: AsyncSession) -> dict[str, str]:
    return {number: name for number, name in await session.execute(select(Queue.number, Queue.name))}


async def extension_names(session: AsyncSession) -> dict[str, str]:
    rows = await session.execute(select(Extension.number, Extension.name))
    return {number: name for number, name in rows}


async def pause_reason_names(session: AsyncSession) -> dict[str, str]:
    rows = await session.execute(select(PauseReason.code, PauseReason.name))
    return {code: name for code, name in rows}


async def survey_points(session: AsyncSession, queue_number: str) -> tuple[tuple[str, int], ...]:
    points = await session.scalar(select(Queue.survey_points).where(Queue.number == queue_number))
    return tuple(points or ())


async def stream_survey_results(session: AsyncSession, f: ReportFilter) -> AsyncIterator[SurveyRecord]:
    """Survey keys of calls that joined in the period, by agent, newest first."""
    stmt = (
        select(
            SurveyResult.queue_number, SurveyResult.agent_extension, AgentExtension.name,
            SurveyResult.caller_number, QueueCall.joined_at, SurveyResult.key, SurveyResult.points,
        )
        .join(QueueCall, QueueCall.id == SurveyResult.queue_call_id)
        .outerjoin(AgentExtension, AgentExtension.number == SurveyResult.agent_extension)
        .where(QueueCall.joined_at >= f.start, QueueCall.joined_at < f.end)
        .order_by(SurveyResult.queue_number, SurveyResult.agent_extension, QueueCall.joined_at.desc(),
                  SurveyResult.id.desc())
    )
    if f.queues:
        stmt = stmt.where(SurveyResult.queue_number.in_(f.queues))
    if f.agents:
        stmt = stmt.where(SurveyResult.agent_extension.in_(f.agents))
    async for row in _stream(session, stmt):
        yield SurveyRecord(*row)


def _callback_conditions(f: ReportFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [QueueCall.joined_at >= f.start, QueueCall.joined_at < f.end]
    if f.queues:
        conditions.append(CallbackRequest.queue_number.in_(f.queues))
    return conditions


async def stream_callbacks(session: AsyncSession, f: ReportFilter) -> AsyncIterator[CallbackRecord]:
    stmt = (
        select(
            CallbackRequest.queue_number, QueueCall.joined_at, QueueCall.caller_number,
            QueueCall.caller_name, CallbackRequest.callback_number, CallbackRequest.ended_at,
            CallbackRequest.result, CallbackRequest.reason,
        )
        .join(QueueCall, QueueCall.id == CallbackRequest.queue_call_id)
        .where(*_callback_conditions(f))
        .order_by(QueueCall.joined_at.desc(), CallbackRequest.id.desc())
    )
    if f.callback_result is not None:
        stmt = stmt.where(CallbackRequest.result == f.callback_result)
    async for row in _stream(session, stmt):
        yield CallbackRecord(*row)


async def callback_counts(session: AsyncSession, f: ReportFilter) -> dict[str, tuple[int, int, int]]:
    """Per queue: (failed, succeeded, requested) callbacks of calls that joined in the period."""
    stmt = (
        select(
            CallbackRequest.queue_number,
            _count(CallbackRequest.result == CallbackResult.FAILED),
            _count(CallbackRequest.result == CallbackResult.SUCCEEDED),
            func.count(),
        )
        .join(QueueCall, QueueCall.id == CallbackRequest.queue_call_id)
        .where(*_callback_conditions(f))
        .group_by(CallbackRequest.queue_number)
    )
    return {queue: (int(a), int(b), int(c)) for queue, a, b, c in await session.execute(stmt)}
