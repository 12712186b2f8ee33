"""Queue Callback Summary and Queue Callback Activity (seed: Queue Performance Reports).

Callback Time is when the callback ended (the table keeps no separate start), and Waiting Time
runs from the caller joining the queue to then, which is how the seed's example adds up
(16:43:15 -> 16:44:25 is 00:01:10). A pending callback shows ``-`` for both.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import tzinfo
from typing import Final

from yeastar_ctl.db.enums import CallbackResult
from yeastar_ctl.reports.formatting import NONE_SHOWN, hms, local_time, party
from yeastar_ctl.reports.queue_performance import TOTAL, queue_label
from yeastar_ctl.reports.table import Row
from yeastar_ctl.reports.values import CallbackRecord, CallTotals
from yeastar_ctl.services.call_events import whole_seconds

SUMMARY_COLUMNS: Final = ("Queue", "Failed Callbacks", "Successful Callbacks", "Total Callbacks", "Total Calls")
ACTIVITY_COLUMNS: Final = (
    "Time", "Call From", "Callback Time", "Callback Number", "Waiting Time", "Callback Result", "Failed Reason",
)
RESULT_LABELS: Final = {
    CallbackResult.PENDING: "Pending",
    CallbackResult.SUCCEEDED: "Succeeded",
    CallbackResult.FAILED: "Failed",
}


def summary_rows(
    counts: Mapping[str, tuple[int, int, int]], calls: Mapping[str, CallTotals], names: Mapping[str, str]
) -> Iterator[Row]:
    for number in sorted(set(counts) | set(calls)):
        failed, succeeded, total = counts.get(number, (0, 0, 0))
        received = calls.get(number, CallTotals()).calls
        yield queue_label(number, names), str(failed), str(succeeded), str(total), str(received)


def waiting_seconds(record: CallbackRecord) -> int:
    return whole_seconds(record.joined_at, record.ended_at) if record.ended_at else 0


def activity_cells(record: CallbackRecord, zone: tzinfo) -> Row:
    ended = record.ended_at
    return (
        local_time(record.joined_at, zone),
        party(record.caller_number, record.caller_name),
        local_time(ended, zone) if ended else NONE_SHOWN,
        record.callback_number,
        hms(waiting_seconds(record)) if ended else NONE_SHOWN,
        RESULT_LABELS[record.result],
        record.reason or "" if record.result == CallbackResult.FAILED else "",
    )


CallbackTotals = tuple[int, int]  # callbacks, waiting seconds


def add_callback(totals: CallbackTotals, record: CallbackRecord) -> CallbackTotals:
    return totals[0] + 1, totals[1] + waiting_seconds(record)


def total_cells(_: object, totals: CallbackTotals) -> Row:
    """The seed's Total row: the number of callbacks under Callback Number, summed waiting."""
    return TOTAL, "", "", str(totals[0]), hms(totals[1]), "", ""
