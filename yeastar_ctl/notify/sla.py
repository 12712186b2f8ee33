"""SLA alarms: a queue's SLA over its last evaluation interval against its alarm threshold.

The window is the evaluation interval that just ended on a fixed grid counted from the Unix
epoch (every 10 minutes: 10:00-10:10, 10:10-10:20, ...), so windows never overlap or leave gaps,
and an alarm names a period the manager can run Queue Performance for and get the same SLA.
The SLA is the reports' own: ``query.queue_totals`` over that period (calls that joined in it
and have ended) and ``queue_metrics.sla`` to print it. A call still waiting when its window is
evaluated is not counted in any alarm; the reports count it once it ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.notify.events import SlaBelowThreshold
from yeastar_ctl.reports import query
from yeastar_ctl.reports.filters import ReportFilter
from yeastar_ctl.reports.queue_metrics import sla
from yeastar_ctl.reports.values import CallTotals
from yeastar_ctl.services import queues

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class SlaWindow:
    start: datetime
    end: datetime


def sla_window(now: datetime, interval_minutes: int) -> SlaWindow:
    """The last whole interval of the grid that ended at or before ``now``."""
    interval = timedelta(minutes=interval_minutes)
    end = EPOCH + ((now - EPOCH) // interval) * interval
    return SlaWindow(end - interval, end)


def below_threshold(totals: CallTotals, threshold_percent: int) -> bool:
    """With at least one call: within / calls < threshold, compared exactly (no rounding)."""
    return totals.calls > 0 and totals.within_sla * 100 < threshold_percent * totals.calls


async def check_sla(session: AsyncSession, queue_number: str, now: datetime) -> SlaBelowThreshold | None:
    """The alarm for the window that just ended, or None when the SLA is met or no call counted."""
    queue = await queues.get_by_number(session, queue_number)
    if queue is None:
        return None
    window = sla_window(now, queue.sla_eval_interval_minutes)
    report_filter = ReportFilter(start=window.start, end=window.end, queues=(queue_number,))
    totals = (await query.queue_totals(session, report_filter)).get(queue_number, CallTotals())
    threshold = queue.sla_alarm_threshold_percent
    if not below_threshold(totals, threshold):
        return None
    return SlaBelowThreshold(queue_number, window.end, window.start, sla(totals), threshold,
                             calls=totals.calls, within_sla=totals.within_sla)
