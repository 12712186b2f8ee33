"""Agent Call Summary (seed: Agent Call Summary Report): per queue agent, the calls they
received and made, and their talk, handle, hold and waiting averages.

- Inbound: internal and inbound calls the agent received, i.e. answered: the queue calls they
  answered (whatever their caller) and the direct calls (``extension_calls``) that rang their
  extension and that they picked up. A ring they let go is a miss, which the missed-call reports
  show, not a call received.
- Outbound: the calls the agent made from their extension, answered or not: to a trunk, and to
  another extension (an internal call is received by one agent and made by the other).
- Total calls = Inbound + Outbound; Total Talk Duration likewise. The averages are the seed's
  formulas over the answered calls (every Inbound call and the answered Outbound ones):
  AVG Handle Time = (ring + talk) / answered, Average Talking Time = talk / answered,
  AVG Hold Time = hold / answered, Average Waiting Time = ring / answered. A queue call's ring is
  the caller's wait in the queue; a direct call's the time it rang before the answer.
- Which agents: the members (static and dynamic) of the chosen queues (of every queue if none
  is chosen), and whoever answered a call of those queues in the period; the agent filter
  narrows that. Direct calls have no queue: an agent's direct calls count whatever the queue
  filter. Calls count in the period they started (queue calls: joined the queue) in.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import ColumnElement, and_, case, func, not_, select
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.extension_call_models import CallDirection, CallDisposition, ExtensionCall
from yeastar_ctl.db.models import Extension, Queue, QueueCall, QueueMember
from yeastar_ctl.reports import queue_metrics as m
from yeastar_ctl.reports.filters import ReportFilter
from yeastar_ctl.reports.formatting import extension_label, hms
from yeastar_ctl.reports.query import ANSWERED, call_conditions, extension_names
from yeastar_ctl.reports.table import Row, Table, rows_of
from yeastar_ctl.reports.values import CallTotals
from yeastar_ctl.services.numbering import sort_key

TITLE: Final = "Agent Call Summary"
COLUMNS: Final = (
    "Agent", "Inbound", "Inbound Talk Duration", "Outbound", "Outbound Talk Duration", "Total calls",
    "Total Talk Duration", "AVG Handle Time", "Average Talking Time", "AVG Hold Time", "Average Waiting Time",
)
RECEIVED_DIRECTIONS: Final = (CallDirection.INTERNAL, CallDirection.INBOUND)
MADE_DIRECTIONS: Final = (CallDirection.INTERNAL, CallDirection.OUTBOUND)


@dataclass(frozen=True)
class CallSums:
    """One agent's calls of one side (received or made): counts, and sums over the answered."""

    calls: int = 0
    answered: int = 0
    ring: int = 0  # of the answered calls
    talk: int = 0
    hold: int = 0

    def __add__(self, other: CallSums) -> CallSums:
        return CallSums(self.calls + other.calls, self.answered + other.answered, self.ring + other.ring,
                        self.talk + other.talk, self.hold + other.hold)


@dataclass(frozen=True)
class AgentCallSummary:
    received: CallSums = field(default_factory=CallSums)
    made: CallSums = field(default_factory=CallSums)

    def answered_totals(self) -> CallTotals:
        both = self.received + self.made
        return CallTotals(answered=both.answered, ring_answered=both.ring, talk_answered=both.talk,
                          hold_answered=both.hold)


def summary_cells(agent: str, s: AgentCallSummary) -> Row:
    answered = s.answered_totals()
    return (
        agent, str(s.received.calls), hms(s.received.talk), str(s.made.calls), hms(s.made.talk),
        str(s.received.calls + s.made.calls), hms(s.received.talk + s.made.talk),
        m.avg_handle(answered), m.avg_talk(answered), m.avg_hold(answered), m.avg_wait_answered(answered),
    )


def summary_rows(summaries: Mapping[str, AgentCallSummary], names: Mapping[str, str]) -> Iterator[Row]:
    """One row per agent, by extension number."""
    for agent in sorted(summaries, key=sort_key):
        yield summary_cells(extension_label(agent, names.get(agent)), summaries[agent])


def _sum(value: Any, condition: ColumnElement[bool] | None = None) -> ColumnElement[int]:
    return func.coalesce(func.sum(value if condition is None else case((condition, value), else_=0)), 0)


def _direct_conditions(f: ReportFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [ExtensionCall.started_at >= f.start, ExtensionCall.started_at < f.end]
    if f.exclude_talk_within is not None:
        conditions.append(not_(and_(ExtensionCall.disposition == CallDisposition.ANSWERED,
                                    ExtensionCall.talk_seconds <= f.exclude_talk_within)))
    return conditions


async def queue_agents(session: AsyncSession, f: ReportFilter) -> set[str]:
    """The members, static and dynamic, of the filter's queues (every queue if none)."""
    stmt = select(Extension.number).join(QueueMember, QueueMember.extension_id == Extension.id)
    if f.queues:
        stmt = stmt.join(Queue, Queue.id == QueueMember.queue_id).where(Queue.number.in_(f.queues))
    return set(await session.scalars(stmt.distinct()))


async def received_queue_calls(session: AsyncSession, f: ReportFilter) -> dict[str, CallSums]:
    stmt = select(
        QueueCall.agent_extension, func.count(), _sum(QueueCall.ring_seconds), _sum(QueueCall.talk_seconds),
        _sum(QueueCall.hold_seconds),
    ).where(*call_conditions(f), ANSWERED, QueueCall.agent_extension.is_not(None)).group_by(QueueCall.agent_extension)
    return {
        str(agent): CallSums(int(n), int(n), int(ring), int(talk), int(hold))
        for agent, n, ring, talk, hold in await session.execute(stmt)
    }


async def received_direct_calls(session: AsyncSession, f: ReportFilter, agents: set[str]) -> dict[str, CallSums]:
    stmt = select(
        ExtensionCall.callee_extension, func.count(), _sum(ExtensionCall.ring_seconds),
        _sum(ExtensionCall.talk_seconds), _sum(ExtensionCall.hold_seconds),
    ).where(
        *_direct_conditions(f), ExtensionCall.direction.in_(RECEIVED_DIRECTIONS),
        ExtensionCall.disposition == CallDisposition.ANSWERED, ExtensionCall.callee_extension.in_(agents),
    ).group_by(ExtensionCall.callee_extension)
    return {
        str(agent): CallSums(int(n), int(n), int(ring), int(talk), int(hold))
        for agent, n, ring, talk, hold in await session.execute(stmt)
    }


async def made_direct_calls(session: AsyncSession, f: ReportFilter, agents: set[str]) -> dict[str, CallSums]:
    answered = ExtensionCall.disposition == CallDisposition.ANSWERED
    stmt = select(
        ExtensionCall.caller_extension, func.count(), _sum(1, answered), _sum(ExtensionCall.ring_seconds, answered),
        _sum(ExtensionCall.talk_seconds), _sum(ExtensionCall.hold_seconds),
    ).where(
        *_direct_conditions(f), ExtensionCall.direction.in_(MADE_DIRECTIONS),
        ExtensionCall.caller_extension.in_(agents),
    ).group_by(ExtensionCall.caller_extension)
    return {
        str(agent): CallSums(int(n), int(a), int(ring), int(talk), int(hold))
        for agent, n, a, ring, talk, hold in await session.execute(stmt)
    }


async def agent_call_summaries(session: AsyncSession, f: ReportFilter) -> dict[str, AgentCallSummary]:
    queue_calls = await received_queue_calls(session, f)
    agents = await queue_agents(session, f) | set(queue_calls)
    if f.agents:
        agents &= set(f.agents)
    received = await received_direct_calls(session, f, agents)
    made = await made_direct_calls(session, f, agents)
    return {
        agent: AgentCallSummary(queue_calls.get(agent, CallSums()) + received.get(agent, CallSums()),
                                made.get(agent, CallSums()))
        for agent in agents
    }


async def agent_call_summary_table(session: AsyncSession, f: ReportFilter) -> Table:
    summaries = await agent_call_summaries(session, f)
    return Table(TITLE, COLUMNS, rows_of(summary_rows(summaries, await extension_names(session))))
