"""Every report type by name: the service the CLI, the portal and scheduled reports call.

``build_report(session, kind, filter, zone, now)`` returns a ``Table`` whose rows stream from the
open session (consume them before the session closes). ``zone`` is the system time zone
(``settings.timezone``) that times print in and hours/days/months are cut in.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from enum import StrEnum
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.reports import agent_activity, agent_performance, callbacks, query, queue_performance, survey
from yeastar_ctl.reports.agent_call_summary import agent_call_summary_table
from yeastar_ctl.reports.filters import ReportFilter, bucket_start
from yeastar_ctl.reports.formatting import LocalTimes
from yeastar_ctl.reports.table import Table, batched, mapped, rows_of, with_group_totals
from yeastar_ctl.reports.values import CallTotals
from yeastar_ctl.services.errors import ValidationError


class ReportKind(StrEnum):
    QUEUE_PERFORMANCE = "queue-performance"
    QUEUE_CALLS = "queue-calls"
    QUEUE_PERFORMANCE_ACTIVITY = "queue-performance-activity"
    QUEUE_WAIT_TALK = "queue-wait-talk"
    QUEUE_CALLBACK_SUMMARY = "queue-callback-summary"
    QUEUE_CALLBACK_ACTIVITY = "queue-callback-activity"
    SATISFACTION_SURVEY = "satisfaction-survey"
    SATISFACTION_SURVEY_DETAILS = "satisfaction-survey-details"
    AGENT_LOGIN = "agent-login"
    AGENT_PAUSE = "agent-pause"
    AGENT_MISSED_CALLS = "agent-missed-calls"
    AGENT_PERFORMANCE = "agent-performance"
    AGENT_CALLS = "agent-calls"
    AGENT_CALL_SUMMARY = "agent-call-summary"


@dataclass(frozen=True)
class ReportRequest:
    session: AsyncSession
    filter: ReportFilter
    zone: tzinfo
    now: datetime

    @property
    def until(self) -> datetime:
        """Where open sessions and pauses stop counting: the period's end, or now if earlier."""
        return min(self.filter.end, self.now)


Builder = Callable[[ReportRequest], Awaitable[Table]]


async def _queue_performance(r: ReportRequest) -> Table:
    totals = await query.queue_totals(r.session, r.filter)
    names = await query.queue_names(r.session)
    return Table("Queue Performance", queue_performance.QUEUE_PERFORMANCE_COLUMNS,
                 rows_of(queue_performance.queue_performance_rows(totals, names)))


async def _queue_calls(r: ReportRequest) -> Table:
    cells = queue_performance.CallCells(
        LocalTimes(r.zone), await query.queue_names_by_id(r.session), await query.extension_names(r.session)
    )
    rows = batched(query.stream_call_rows(r.session, r.filter), cells)
    return Table("Queue Calls", queue_performance.CALL_COLUMNS, rows)


async def _buckets(r: ReportRequest) -> dict[datetime, CallTotals]:
    buckets: dict[datetime, CallTotals] = {}
    async for call in query.stream_call_facts(r.session, r.filter):
        start = bucket_start(call.joined_at, r.filter.granularity, r.zone)
        buckets[start] = buckets.get(start, CallTotals()) + CallTotals.of_call(call)
    return buckets


async def _queue_performance_activity(r: ReportRequest) -> Table:
    rows = queue_performance.activity_rows(await _buckets(r), r.filter.granularity)
    return Table("Queue Performance Activity", queue_performance.ACTIVITY_COLUMNS, rows_of(rows))


async def _queue_wait_talk(r: ReportRequest) -> Table:
    rows = queue_performance.wait_talk_rows(await _buckets(r), r.filter.granularity)
    return Table("Queue AVG Waiting & Talking Time", queue_performance.WAIT_TALK_COLUMNS, rows_of(rows))


async def _callback_summary(r: ReportRequest) -> Table:
    counts = await query.callback_counts(r.session, r.filter)
    calls = await query.queue_totals(r.session, r.filter)
    names = await query.queue_names(r.session)
    return Table("Queue Callback Summary", callbacks.SUMMARY_COLUMNS,
                 rows_of(callbacks.summary_rows(counts, calls, names)))


async def _callback_activity(r: ReportRequest) -> Table:
    rows = with_group_totals(
        query.stream_callbacks(r.session, r.filter), key=lambda _: None,
        cells=lambda record: callbacks.activity_cells(record, r.zone), empty=(0, 0),
        add=callbacks.add_callback, total_cells=callbacks.total_cells,
    )
    return Table("Queue Callback Activity", callbacks.ACTIVITY_COLUMNS, rows)


async def _satisfaction_survey(r: ReportRequest) -> Table:
    if len(r.filter.queues) != 1:
        raise ValidationError("queues", "the Satisfaction Survey report is for one queue")
    number = r.filter.queues[0]
    configured = await query.survey_points(r.session, number)
    records = [record async for record in query.stream_survey_results(r.session, r.filter)]
    names = await query.queue_names(r.session)
    table = survey.survey_table(queue_performance.queue_label(number, names), configured, records)
    return Table("Satisfaction Survey", table.columns, rows_of(table.rows))


async def _survey_details(r: ReportRequest) -> Table:
    rows = mapped(query.stream_survey_results(r.session, r.filter),
                  lambda record: survey.detail_cells(record, r.zone))
    return Table("Satisfaction Survey Details", survey.DETAIL_COLUMNS, rows)


async def _agent_login(r: ReportRequest) -> Table:
    events = await query.agent_events(r.session, r.filter)
    dynamic = await query.dynamic_queues_of(r.session)
    sessions = agent_activity.login_sessions(events, dynamic, r.filter.queues, r.until)
    rows = agent_activity.login_rows(
        sessions, await query.queue_names(r.session), await query.extension_names(r.session), r.zone
    )
    return Table("Agent Login Activity", agent_activity.LOGIN_COLUMNS, rows_of(rows))


async def _agent_pause(r: ReportRequest) -> Table:
    events = await query.agent_events(r.session, r.filter)
    dynamic = await query.dynamic_queues_of(r.session)
    spans = agent_activity.pause_spans(events, dynamic, r.filter.queues, r.until)
    if r.filter.pause_reasons:
        spans = [s for s in spans if s.reason_code in r.filter.pause_reasons]
    rows = agent_activity.pause_rows(
        spans, await query.queue_names(r.session), await query.extension_names(r.session),
        await query.pause_reason_names(r.session), r.zone,
    )
    return Table("Agent Pause Activity", agent_activity.PAUSE_COLUMNS, rows_of(rows))


async def _agent_missed_calls(r: ReportRequest) -> Table:
    ap = agent_performance
    rows = with_group_totals(
        query.stream_agent_calls(r.session, r.filter, missed_only=True), key=ap.missed_group,
        cells=lambda row: ap.missed_call_cells(row, r.zone), empty=ap.NO_MISSED,
        add=ap.add_missed, total_cells=ap.missed_total_cells,
    )
    return Table("Agent Missed Call Activity", ap.MISSED_CALL_COLUMNS, rows)


async def _agent_performance(r: ReportRequest) -> Table:
    queues, agents = await query.queue_and_agent_totals(r.session, r.filter)
    rows = agent_performance.agent_performance_rows(
        queues, agents, await query.queue_names(r.session), await query.extension_names(r.session)
    )
    return Table("Agent Performance", agent_performance.AGENT_PERFORMANCE_COLUMNS, rows_of(rows))


async def _agent_calls(r: ReportRequest) -> Table:
    rows = mapped(query.stream_agent_calls(r.session, r.filter, missed_only=False),
                  lambda row: agent_performance.agent_call_cells(row, r.zone))
    return Table("Agent Call Log", agent_performance.AGENT_CALL_COLUMNS, rows)


async def _agent_call_summary(r: ReportRequest) -> Table:
    return await agent_call_summary_table(r.session, r.filter)


BUILDERS: Final[dict[ReportKind, Builder]] = {
    ReportKind.QUEUE_PERFORMANCE: _queue_performance,
    ReportKind.QUEUE_CALLS: _queue_calls,
    ReportKind.QUEUE_PERFORMANCE_ACTIVITY: _queue_performance_activity,
    ReportKind.QUEUE_WAIT_TALK: _queue_wait_talk,
    ReportKind.QUEUE_CALLBACK_SUMMARY: _callback_summary,
    ReportKind.QUEUE_CALLBACK_ACTIVITY: _callback_activity,
    ReportKind.SATISFACTION_SURVEY: _satisfaction_survey,
    ReportKind.SATISFACTION_SURVEY_DETAILS: _survey_details,
    ReportKind.AGENT_LOGIN: _agent_login,
    ReportKind.AGENT_PAUSE: _agent_pause,
    ReportKind.AGENT_MISSED_CALLS: _agent_missed_calls,
    ReportKind.AGENT_PERFORMANCE: _agent_performance,
    ReportKind.AGENT_CALLS: _agent_calls,
    ReportKind.AGENT_CALL_SUMMARY: _agent_call_summary,
}


async def build_report(
    session: AsyncSession, kind: ReportKind | str, report_filter: ReportFilter, zone: tzinfo, now: datetime
) -> Table:
    from yeastar_ctl.services.validation import parse_choice

    checked = parse_choice("kind", kind, ReportKind)
    return await BUILDERS[checked](ReportRequest(session, report_filter, zone, now))
