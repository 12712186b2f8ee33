"""Queue Performance, Queue Performance Activity, Queue AVG Waiting & Talking Time and the
per-call drill-down (seed: Queue Performance Reports). Pure: totals and rows in, cells out.

Queues are labelled ``6400-Pre-Sales`` (number and name), as the seed's filters show them, so
two queues with one name stay apart in a CSV.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, tzinfo
from typing import Final

from yeastar_ctl.db.enums import CallStatus
from yeastar_ctl.reports import queue_metrics as m
from yeastar_ctl.reports.filters import Granularity, bucket_label
from yeastar_ctl.reports.formatting import extension_label, hms, local_time, party
from yeastar_ctl.reports.table import Row
from yeastar_ctl.reports.values import CallRecord, CallTotals

TOTAL: Final = "Total"
PERFORMANCE_METRICS: Final = (
    "Total Calls", "Answered", "Missed", "Abandoned", "AVG Handle Time",
    "AVG Waiting Time (Answered Calls)", "AVG Waiting Time (All Calls)",
    "Max Waiting Time (All Calls)", "Average Talking Time", "AVG Hold Time", "Answered Rate",
    "Missed Rate", "Abandon Rate", "SLA",
)
QUEUE_PERFORMANCE_COLUMNS: Final = ("Queue", *PERFORMANCE_METRICS)
ACTIVITY_COLUMNS: Final = ("Date", *PERFORMANCE_METRICS)
WAIT_TALK_COLUMNS: Final = (
    "Time", "AVG Waiting Time (All Calls)", "AVG Waiting Time (Answered Calls)", "Average Talking Time",
)
CALL_COLUMNS: Final = (
    "ID", "Time", "Call From", "Queue", "Agent", "Status", "Ring Duration", "Talk Duration",
    "Hold Duration", "Reason",
)
STATUS_LABELS: Final = {
    CallStatus.ANSWERED: "Answered",
    CallStatus.ABANDONED: "Abandoned",
    CallStatus.MISSED: "Missed",
    CallStatus.WAITING: "Waiting",
}


def queue_label(number: str, names: Mapping[str, str]) -> str:
    return extension_label(number, names.get(number))


def performance_cells(t: CallTotals) -> tuple[str, ...]:
    return (
        *m.counts(t), m.avg_handle(t), m.avg_wait_answered(t), m.avg_wait_all(t), hms(t.max_wait),
        m.avg_talk(t), m.avg_hold(t), m.answered_rate(t), m.missed_rate(t), m.abandon_rate(t), m.sla(t),
    )


def _total(totals: Iterable[CallTotals]) -> CallTotals:
    return sum(totals, CallTotals())


def queue_performance_rows(totals: Mapping[str, CallTotals], names: Mapping[str, str]) -> Iterator[Row]:
    """A row per queue (by number), then the seed's Total row: counts only, as it prints it."""
    for number in sorted(totals):
        yield (queue_label(number, names), *performance_cells(totals[number]))
    if totals:
        blanks = ("",) * (len(PERFORMANCE_METRICS) - 4)
        yield (TOTAL, *m.counts(_total(totals.values())), *blanks)


def activity_rows(buckets: Mapping[datetime, CallTotals], granularity: Granularity) -> Iterator[Row]:
    """A row per hour, day or month that had calls, then a Total row with every metric."""
    for start in sorted(buckets):
        yield (bucket_label(start, granularity), *performance_cells(buckets[start]))
    if buckets:
        yield (TOTAL, *performance_cells(_total(buckets.values())))


def wait_talk_rows(buckets: Mapping[datetime, CallTotals], granularity: Granularity) -> Iterator[Row]:
    for start in sorted(buckets):
        t = buckets[start]
        yield (bucket_label(start, granularity), m.avg_wait_all(t), m.avg_wait_answered(t), m.avg_talk(t))


def call_cells(call: CallRecord, zone: tzinfo) -> Row:
    return (
        call.id,
        local_time(call.joined_at, zone),
        party(call.caller_number, call.caller_name),
        extension_label(call.queue_number, call.queue_name),
        party(call.agent_extension, call.agent_name),
        STATUS_LABELS[call.status],
        hms(call.ring_seconds),
        hms(call.talk_seconds),
        hms(call.hold_seconds),
        call.reason or "",
    )
