"""The seed's queue formulas over ``CallTotals``, in one place for every report that shows them.

- AVG Handle Time = (ring of answered + talk of answered) / answered
- AVG Waiting Time (Answered Calls) = (ring of answered + Retry Interval) / answered
- AVG Waiting Time (All Calls) = (total ring + Retry Interval) / total calls
- Average Talking Time = talk / answered; AVG Hold Time = hold / answered
- Answered, Missed, Abandon Rate = count / total calls; SLA = answered within SLA time / total

"Retry Interval" adds nothing here: a call's ``ring_seconds`` runs from joining the queue to
the answer (or to leaving), so it already holds every retry pause the caller sat through. Adding
the queue's setting once more per call would count those pauses twice, and the seed's own
example only adds up without it ((15 + 9 + 7 + 2) s / 4 answered prints 00:00:08; with its 5 s
retry added per call it would print 00:00:13).
"""

from __future__ import annotations

from yeastar_ctl.reports.formatting import average_seconds, hms, percent
from yeastar_ctl.reports.values import CallTotals


def avg_handle(t: CallTotals) -> str:
    return hms(average_seconds(t.ring_answered + t.talk_answered, t.answered))


def avg_wait_answered(t: CallTotals) -> str:
    return hms(average_seconds(t.ring_answered, t.answered))


def avg_wait_all(t: CallTotals) -> str:
    return hms(average_seconds(t.ring_total, t.calls))


def avg_talk(t: CallTotals) -> str:
    return hms(average_seconds(t.talk_answered, t.answered))


def avg_hold(t: CallTotals) -> str:
    return hms(average_seconds(t.hold_answered, t.answered))


def answered_rate(t: CallTotals) -> str:
    return percent(t.answered, t.calls)


def missed_rate(t: CallTotals) -> str:
    return percent(t.missed, t.calls)


def abandon_rate(t: CallTotals) -> str:
    return percent(t.abandoned, t.calls)


def sla(t: CallTotals) -> str:
    return percent(t.within_sla, t.calls)


def counts(t: CallTotals) -> tuple[str, str, str, str]:
    return str(t.calls), str(t.answered), str(t.missed), str(t.abandoned)
