"""The rows the query layer hands to the pure report code, and the totals they add up to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from yeastar_ctl.db.enums import AgentEventKind, CallbackResult, CallStatus


@dataclass(frozen=True)
class CallTotals:
    """Counts and sums over a set of finished queue calls: everything the queue formulas need.

    ``ring_*`` is the caller's waiting time, from joining the queue to the answer (answered
    calls) or to leaving it (abandoned and missed calls).
    """

    calls: int = 0
    answered: int = 0
    missed: int = 0
    abandoned: int = 0
    ring_total: int = 0
    ring_answered: int = 0
    talk_answered: int = 0
    hold_answered: int = 0
    max_wait: int = 0
    within_sla: int = 0

    def __add__(self, other: CallTotals) -> CallTotals:
        return CallTotals(
            calls=self.calls + other.calls,
            answered=self.answered + other.answered,
            missed=self.missed + other.missed,
            abandoned=self.abandoned + other.abandoned,
            ring_total=self.ring_total + other.ring_total,
            ring_answered=self.ring_answered + other.ring_answered,
            talk_answered=self.talk_answered + other.talk_answered,
            hold_answered=self.hold_answered + other.hold_answered,
            max_wait=max(self.max_wait, other.max_wait),
            within_sla=self.within_sla + other.within_sla,
        )

    @classmethod
    def of_call(cls, call: CallFacts) -> CallTotals:
        """One call's contribution; the query layer's SQL aggregate is the same sum."""
        answered = call.status == CallStatus.ANSWERED
        return cls(
            calls=1,
            answered=int(answered),
            missed=int(call.status == CallStatus.MISSED),
            abandoned=int(call.status == CallStatus.ABANDONED),
            ring_total=call.ring_seconds,
            ring_answered=call.ring_seconds if answered else 0,
            talk_answered=call.talk_seconds if answered else 0,
            hold_answered=call.hold_seconds if answered else 0,
            max_wait=call.ring_seconds,
            within_sla=int(call.within_sla),
        )


@dataclass(frozen=True)
class CallFacts:
    """The numbers of one finished queue call (for the per-hour/day/month reports)."""

    joined_at: datetime
    status: CallStatus
    ring_seconds: int
    talk_seconds: int
    hold_seconds: int
    within_sla: bool  # answered within the queue's SLA time


@dataclass(frozen=True)
class CallRecord:
    """One queue call as the drill-down tables show it."""

    id: str
    joined_at: datetime
    caller_number: str
    caller_name: str | None
    queue_number: str
    queue_name: str | None
    agent_extension: str | None
    agent_name: str | None
    status: CallStatus
    ring_seconds: int
    talk_seconds: int
    hold_seconds: int
    reason: str | None


@dataclass(frozen=True)
class AgentTotals:
    """One agent in one queue: the calls they answered and the offers they missed."""

    answered: int = 0
    missed: int = 0
    ring_answered: int = 0
    max_ring_answered: int = 0
    talk: int = 0


@dataclass(frozen=True)
class AgentCall:
    """One queue call as one agent saw it: answered by them, or offered and missed."""

    call: CallRecord
    agent_extension: str
    agent_name: str | None
    missed_attempts: int  # offers this agent let ring out (the seed's Polling Attempts)

    @property
    def answered_by_agent(self) -> bool:
        return self.call.agent_extension == self.agent_extension


@dataclass(frozen=True)
class AgentEventRecord:
    at: datetime
    agent_extension: str
    queue_number: str | None  # None: every queue of the agent
    kind: AgentEventKind
    reason_code: str | None


@dataclass(frozen=True)
class SurveyRecord:
    queue_number: str
    agent_extension: str | None
    agent_name: str | None
    caller_number: str
    joined_at: datetime  # the seed's Time: when the caller called the queue
    key: str
    points: int


@dataclass(frozen=True)
class CallbackRecord:
    queue_number: str
    joined_at: datetime
    caller_number: str
    caller_name: str | None
    callback_number: str
    ended_at: datetime | None
    result: CallbackResult
    reason: str | None
