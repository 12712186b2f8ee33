"""The reports' only SQL: aggregates and row streams over the event tables.

Per-queue and per-agent totals are summed by the database (a year of a busy call center is a
million rows; moving them into Python for a sum would take seconds). Row-level reports
(drill-downs, call logs, CSV exports) are streamed in chunks so memory stays flat. Only
finished calls count: a call joins the report once it has ended, so a call still waiting or
talking never shows up as half of one.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from typing import Any, Final

from sqlalchemy import ColumnElement, Select, String, and_, case, func, not_, or_, select, true, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from yeastar_ctl.db.enums import CallbackResult, CallStatus, MemberKind
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
# An offer the agent did not take, as ``call_events.is_agent_miss`` marked it when the call ended.
AGENT_MISSED: Final = RingAttempt.missed == true()


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


async def _batches(session: AsyncSession, stmt: Select, *, read_ahead: bool = False) -> AsyncIterator[Sequence[Any]]:
    """Core rows fetched a chunk at a time: one hop to the database driver per chunk, not per
    row, which is most of the cost of a large export.

    ``read_ahead`` asks for the next chunk before handing on this one, so the driver's thread
    (aiosqlite's) reads it while the caller formats this one. Only for a consumer that runs
    no other statement on the session until the stream is done.
    """
    connection = await session.connection()
    result = await connection.stream(stmt.execution_options(yield_per=CHUNK_ROWS))
    chunks = result.partitions(CHUNK_ROWS)
    if not read_ahead:
        async for chunk in chunks:
            yield chunk
        return
    upcoming = asyncio.ensure_future(anext(chunks, None))
    try:
        while (ready := await upcoming) is not None:
            upcoming = asyncio.ensure_future(anext(chunks, None))
            await asyncio.sleep(0)  # lets the read start before the caller takes this chunk
            yield ready
    finally:
        await upcoming  # a consumer that stops early leaves no read running on the connection


async def _stream(session: AsyncSession, stmt: Select) -> AsyncIterator[Any]:
    async for chunk in _batches(session, stmt):
        for row in chunk:
            yield row


async def _distinct(session: AsyncSession, column: Any, *where: ColumnElement[bool]) -> tuple[str, ...]:
    """Every value of ``column`` (among the rows ``where`` selects) by a loose index scan:
    one step of an index that starts with them per value, not a read of every row."""
    found = select(func.min(column).label("value")).where(*where).cte("found", recursive=True)
    following = select(func.min(column)).where(*where, column > found.c.value).scalar_subquery()
    found = found.union_all(select(following).where(found.c.value.is_not(None)))
    return tuple(await session.scalars(select(found.c.value).where(found.c.value.is_not(None))))


async def _queues_named(session: AsyncSession, f: ReportFilter) -> ReportFilter:
    """``f`` with its queues spelled out: its own, or every queue number that has calls.

    The totals then read the totals index queue by queue (a range of join times in each),
    which SQLite picks whatever statistics it has; asked for "all queues" it may walk the
    join-time index instead and fetch every call from the table (4x slower for a year).
    """
    return f if f.queues else replace(f, queues=await _distinct(session, QueueCall.queue_number))


_TOTALS: Final = (  # in CallTotals' field order
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
)


async def _call_totals(
    session: AsyncSession, named: ReportFilter, keys: Sequence[Any], extra: Sequence[Any] = ()
) -> list[Any]:
    """Rows of ``keys``, ``extra`` aggregates and the ``_TOTALS`` of the calls with those keys
    (``named``: a filter whose queues are spelled out)."""
    stmt = _with_queue(select(*keys, *extra, *_TOTALS)).where(*call_conditions(named)).group_by(*keys)
    return list(await session.execute(stmt))


def _call_totals_of(values: Sequence[Any]) -> CallTotals:
    return CallTotals(*(int(v) for v in values))


async def queue_totals(session: AsyncSession, f: ReportFilter) -> dict[str, CallTotals]:
    """Per queue number, the sums ``CallTotals.of_call`` would add up, computed in SQL."""
    rows = await _call_totals(session, await _queues_named(session, f), [QueueCall.queue_number])
    return {number: _call_totals_of(values) for number, *values in rows}


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


class _UtcText(FunctionElement[str]):
    """A stored time as UTC text that starts ``YYYY-MM-DD HH:MM:SS`` on every backend: what
    ``formatting.LocalTimes`` reads, a good deal cheaper per row than an aware datetime."""

    type = String()
    inherit_cache = True
    name = "utc_text"


@compiles(_UtcText, "sqlite")
def _utc_text_sqlite(element: _UtcText, compiler: SQLCompiler, **kw: Any) -> str:
    # Stored as exactly that text (UTC, then the microseconds): handed over as it is.
    return compiler.process(element.clauses, **kw)


@compiles(_UtcText, "postgresql")
def _utc_text_postgresql(element: _UtcText, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')"


async def stream_call_rows(session: AsyncSession, f: ReportFilter) -> AsyncIterator[Sequence[Any]]:
    """The drill-down, newest call first, as batches of plain rows in
    ``queue_performance.CallRow``'s order (names are looked up by the caller, not joined)."""
    stmt = select(
        QueueCall.id, _UtcText(QueueCall.joined_at), QueueCall.caller_number, QueueCall.caller_name,
        QueueCall.queue_number, QueueCall.queue_id, QueueCall.agent_extension,
        type_coerce(QueueCall.status, String()),  # its text: no enum lookup per row
        QueueCall.ring_seconds, QueueCall.talk_seconds, QueueCall.hold_seconds, QueueCall.reason,
    ).where(*call_conditions(f)).order_by(QueueCall.joined_at.desc(), QueueCall.id.desc())
    async for batch in _batches(session, stmt, read_ahead=True):
        yield batch


async def queue_and_agent_totals(
    session: AsyncSession, f: ReportFilter
) -> tuple[dict[str, CallTotals], dict[tuple[str, str], AgentTotals]]:
    """Per queue number the ``queue_totals``, and per (queue, agent) the ``agent_totals``.

    One pass over the calls grouped by (queue, answering agent) gives both: the queue's totals
    are the sum of its groups, an agent's answered calls are their group. Misses are counted
    from the ring attempts' own index (``RingAttempt.missed``); only the exclusion filters,
    which depend on the call, join the calls.
    """
    named = await _queues_named(session, f)
    max_ring_answered = func.coalesce(func.max(case((ANSWERED, QueueCall.ring_seconds))), 0)
    keys = [QueueCall.queue_number, QueueCall.agent_extension]
    rows = await _call_totals(session, named, keys, [max_ring_answered])
    queues: dict[str, CallTotals] = {}
    agents: dict[tuple[str, str], AgentTotals] = {}
    for queue, agent, max_ring, *values in rows:
        group = _call_totals_of(values)
        queues[queue] = queues.get(queue, CallTotals()) + group
        if agent is not None and group.answered and (not f.agents or agent in f.agents):
            agents[(queue, agent)] = AgentTotals(
                group.answered, 0, group.ring_answered, int(max_ring), group.talk_answered
            )
    for agent, queue, missed in await _misses(session, named):
        before = agents.get((queue, agent), AgentTotals())
        agents[(queue, agent)] = AgentTotals(
            before.answered, int(missed), before.ring_answered, before.max_ring_answered, before.talk
        )
    return queues, agents


async def _misses(session: AsyncSession, named: ReportFilter) -> list[Any]:
    """Per (agent, queue) of ``named``'s queues, the offers the agent missed.

    With the agents spelled out too (the filter's, or a loose scan of those with misses), the
    misses index is read agent by queue by range of join times, already in group order: no
    sort of a year of misses (0.85 s -> 0.13 s of CPU on SQLite for 1.2 million).
    """
    agents = named.agents or await _distinct(session, RingAttempt.agent_extension, AGENT_MISSED)
    stmt = select(RingAttempt.agent_extension, RingAttempt.queue_number, func.count()).where(
        AGENT_MISSED, RingAttempt.agent_extension.in_(agents), RingAttempt.queue_number.in_(named.queues),
        RingAttempt.joined_at >= named.start, RingAttempt.joined_at < named.end,
    )
    if named.exclude_abandoned_within is not None or named.exclude_talk_within is not None:
        stmt = stmt.join(QueueCall, QueueCall.id == RingAttempt.queue_call_id).where(*call_conditions(named))
    return list(await session.execute(stmt.group_by(RingAttempt.agent_extension, RingAttempt.queue_number)))


async def agent_totals(session: AsyncSession, f: ReportFilter) -> dict[tuple[str, str], AgentTotals]:
    """Per (queue, agent): answered calls (and their waiting and talk time) and missed offers."""
    return (await queue_and_agent_totals(session, f))[1]


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


async def queue_names_by_id(session: AsyncSession) -> dict[int, str]:
    """Queue names by id: a call's queue is the row its ``queue_id`` points at (None once deleted)."""
    return {queue_id: name for queue_id, name in await session.execute(select(Queue.id, Queue.name))}


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
