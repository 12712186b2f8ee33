"""Queue Performance, Queue Performance Activity, Queue AVG Waiting & Talking Time and the
per-call drill-down (seed: Queue Performance Reports). Pure: totals and rows in, cells out.

Queues are labelled ``6400-Pre-Sales`` (number and name), as the seed's filters show them, so
two queues with one name stay apart in a CSV.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from yeastar_ctl.db.enums import CallStatus
from yeastar_ctl.reports import queue_metrics as m
from yeastar_ctl.reports.filters import Granularity, bucket_label
from yeastar_ctl.reports.formatting import LocalTimes, extension_label, hms, party
from yeastar_ctl.reports.table import Row
from yeastar_ctl.reports.values import CallTotals

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
STATUS_LABELS: Final[dict[str, str]] = {  # by CallStatus, which is also its text
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


# One queue call as ``query.stream_call_rows`` hands it over: id, join time (UTC text), caller
# number and name, queue number and id, agent extension, status (its text), ring, talk and hold
# seconds, reason. Plain tuples: the queue-calls export makes a million of them.
CallRow = tuple[str, str, str, str | None, str, int | None, str | None, str, int, int, int, str | None]


@dataclass(frozen=True)
class CallCells:
    """The drill-down's cells for a batch of ``CallRow``; queue and agent names are looked up
    here (``queue_names`` by queue id) rather than joined to every call."""

    times: LocalTimes
    queue_names: Mapping[int, str]
    agent_names: Mapping[str, str]

    def __call__(self, rows: Iterable[CallRow]) -> list[Row]:
        times, queue_names, agent_names = self.times, self.queue_names, self.agent_names
        return [
            (
                call_id,
                times(joined),
                party(caller, caller_name),
                extension_label(queue, queue_names.get(queue_id) if queue_id is not None else None),
                party(agent, agent_names.get(agent) if agent else None),
                STATUS_LABELS[status],
                hms(ring),
                hms(talk),
                hms(hold),
                reason or "",
            )
            for call_id, joined, caller, caller_name, queue, queue_id, agent, status, ring, talk, hold, reason
            in rows
        ]
