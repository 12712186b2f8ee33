"""Agent Performance (queue block and agent rows), the agent call log and Agent Missed Call
Activity (seed: Agent Performance Reports). Pure: totals and rows in, cells out.

The seed prints the queue block and its agents as one table under two header rows; here they
share one column set so that one CSV holds them: a queue row (Agent empty) and then its agents,
whose Total Calls is the seed's Total Rings (Answered + Missed), and whose AVG Waiting Time
(Answered Calls) is the seed's agent "Average Waiting Time" (ring time of the calls they
answered / Answered: the same formula as the queue's, see ``queue_metrics``). Cells the seed
has no agent value for (Abandoned, AVG Waiting Time (All Calls)) stay empty on agent rows.

An agent's Missed counts offers, not calls: a call offered three times and never taken is three
misses (seed). Offers cut short because the caller hung up are not misses (``query``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import tzinfo
from typing import Final

from yeastar_ctl.db.enums import CallStatus
from yeastar_ctl.reports import queue_metrics as m
from yeastar_ctl.reports.formatting import average_seconds, extension_label, hms, local_time, party, percent
from yeastar_ctl.reports.queue_performance import TOTAL, queue_label
from yeastar_ctl.reports.table import Row
from yeastar_ctl.reports.values import AgentCall, AgentTotals, CallTotals

AGENT_PERFORMANCE_COLUMNS: Final = (
    "Queue", "Agent", "Total Calls", "Answered", "Missed", "Abandoned",
    "AVG Waiting Time (Answered Calls)", "AVG Waiting Time (All Calls)", "Max Waiting Time",
    "Average Talking Time", "Total Talking Time", "Missed Rate",
)
AGENT_CALL_COLUMNS: Final = (
    "Queue", "Agent", "ID", "Time", "Call From", "Status", "Ring Duration", "Talk Duration",
    "Polling Attempts", "Reason",
)
MISSED_CALL_COLUMNS: Final = (
    "Queue", "Agent", "Time", "Waiting Time", "Call From", "Polling Attempts", "Queue Status", "Calls",
)
QUEUE_ANSWERED: Final = "Agent Missed/Queue Answered"
QUEUE_NOT_ANSWERED: Final = "Agent Missed/Queue No Answered"


def queue_block_cells(label: str, t: CallTotals) -> Row:
    return (
        label, "", *m.counts(t), m.avg_wait_answered(t), m.avg_wait_all(t), hms(t.max_wait),
        m.avg_talk(t), hms(t.talk_answered), m.missed_rate(t),
    )


def agent_cells(queue: str, agent: str, a: AgentTotals) -> Row:
    rings = a.answered + a.missed
    return (
        queue, agent, str(rings), str(a.answered), str(a.missed), "",
        hms(average_seconds(a.ring_answered, a.answered)), "", hms(a.max_ring_answered),
        hms(average_seconds(a.talk, a.answered)), hms(a.talk), percent(a.missed, rings),
    )


def agent_performance_rows(
    queues: Mapping[str, CallTotals],
    agents: Mapping[tuple[str, str], AgentTotals],
    queue_names: Mapping[str, str],
    agent_names: Mapping[str, str],
) -> Iterator[Row]:
    """Per queue (by number): its row, then its agents' rows (by extension number)."""
    for number in sorted(queues):
        label = queue_label(number, queue_names)
        yield queue_block_cells(label, queues[number])
        for queue, agent in sorted(k for k in agents if k[0] == number):
            yield agent_cells(label, extension_label(agent, agent_names.get(agent)), agents[(queue, agent)])


def _queue_of(row: AgentCall) -> str:
    return extension_label(row.call.queue_number, row.call.queue_name)


def _agent_of(row: AgentCall) -> str:
    return extension_label(row.agent_extension, row.agent_name)


def agent_call_cells(row: AgentCall, zone: tzinfo) -> Row:
    call = row.call
    if row.answered_by_agent:
        status, talk, attempts, reason = "Answered", call.talk_seconds, row.missed_attempts + 1, call.reason or ""
    else:
        answered = call.status == CallStatus.ANSWERED
        status, talk, attempts = "Missed", 0, row.missed_attempts
        reason = QUEUE_ANSWERED if answered else QUEUE_NOT_ANSWERED
    return (
        _queue_of(row), _agent_of(row), call.id, local_time(call.joined_at, zone),
        party(call.caller_number, call.caller_name), status, hms(call.ring_seconds), hms(talk),
        str(attempts), reason,
    )


def missed_call_cells(row: AgentCall, zone: tzinfo) -> Row:
    call = row.call
    queue_status = "Answered" if call.status == CallStatus.ANSWERED else "No Answered"
    return (
        _queue_of(row), _agent_of(row), local_time(call.joined_at, zone), hms(call.ring_seconds),
        call.caller_number, str(row.missed_attempts), queue_status, "1",
    )


MissedTotals = tuple[int, int, int]  # waiting seconds, polling attempts, calls
NO_MISSED: Final[MissedTotals] = (0, 0, 0)


def missed_group(row: AgentCall) -> tuple[str, str]:
    return _queue_of(row), _agent_of(row)


def add_missed(totals: MissedTotals, row: AgentCall) -> MissedTotals:
    return totals[0] + row.call.ring_seconds, totals[1] + row.missed_attempts, totals[2] + 1


def missed_total_cells(group: tuple[str, str], totals: MissedTotals) -> Row:
    return group[0], TOTAL, "", hms(totals[0]), "", str(totals[1]), "", str(totals[2])
