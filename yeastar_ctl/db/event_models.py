"""Event tables: what happened on the call plane, written as it happens.

Reports, call logs and the wallboard are computed from these rows, and live state is rebuilt
from them after a restart. They keep queue and agent numbers as plain text, not only foreign
keys, so history survives deleting a queue or an extension.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from yeastar_ctl.db.base import Base
from yeastar_ctl.db.config_models import NUMBER_LENGTH
from yeastar_ctl.db.enums import AgentEventKind, AgentEventSource, CallbackResult, CallStatus, RingResult

CALL_ID_LENGTH = 40
PARTY_NUMBER_LENGTH = 64


class QueueCall(Base):
    __tablename__ = "queue_calls"
    __table_args__ = (
        # Everything the queue and agent totals read, so a year of calls is summed from the
        # index alone (SQLite: 2.7 s -> 0.7 s of CPU for a million calls; migration 0008). Its
        # first two columns serve the per-queue lookups the plain (queue, time) index did.
        Index(
            "ix_queue_calls_report_totals", "queue_number", "joined_at", "agent_extension", "status",
            "ring_seconds", "talk_seconds", "hold_seconds", "queue_id", "ended_at",
        ),
        # Newest first with the id as tie-break, in index order: the call lists need no sort.
        Index(None, "joined_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(CALL_ID_LENGTH), primary_key=True)
    queue_id: Mapped[int | None] = mapped_column(
        ForeignKey("queues.id", ondelete="SET NULL"), index=True
    )
    queue_number: Mapped[str] = mapped_column(String(NUMBER_LENGTH))
    caller_number: Mapped[str] = mapped_column(String(PARTY_NUMBER_LENGTH))
    caller_name: Mapped[str | None] = mapped_column(String(128))
    joined_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    agent_extension: Mapped[str | None] = mapped_column(String(NUMBER_LENGTH))
    status: Mapped[CallStatus] = mapped_column(default=CallStatus.WAITING)
    ring_seconds: Mapped[int] = mapped_column(default=0)
    talk_seconds: Mapped[int] = mapped_column(default=0)
    hold_seconds: Mapped[int] = mapped_column(default=0)
    reason: Mapped[str | None] = mapped_column(Text)
    channel_id: Mapped[str | None] = mapped_column(String(128))
    is_callback: Mapped[bool] = mapped_column(default=False)  # the queue panel's "QCB"
    recording_file: Mapped[str | None] = mapped_column(String(255))

    ring_attempts: Mapped[list[RingAttempt]] = relationship(
        back_populates="queue_call", passive_deletes=True, lazy="raise"
    )


class RingAttempt(Base):
    __tablename__ = "ring_attempts"
    # The first index covers the agent reports' join (per call: who was offered it, and how it
    # ended) without reading the table (migration 0004).
    __table_args__ = (
        Index(None, "queue_call_id", "agent_extension", "result"),
        # An agent's misses in a period, counted from this index alone (no join to the calls),
        # agent by queue by range of join times (``reports.query``).
        Index(None, "missed", "agent_extension", "queue_number", "joined_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_call_id: Mapped[str] = mapped_column(
        ForeignKey("queue_calls.id", ondelete="CASCADE"), index=True
    )
    # The call's queue and join time, copied when the offer starts (neither changes later).
    queue_number: Mapped[str] = mapped_column(String(NUMBER_LENGTH))
    joined_at: Mapped[datetime]
    agent_extension: Mapped[str] = mapped_column(String(NUMBER_LENGTH))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    result: Mapped[RingResult | None]  # None while the agent's phone is still ringing
    # Set when the call ends: the offer counts as the agent's miss (``call_events.is_agent_miss``).
    missed: Mapped[bool] = mapped_column(default=False)

    queue_call: Mapped[QueueCall] = relationship(back_populates="ring_attempts", lazy="raise")


class AgentEvent(Base):
    __tablename__ = "agent_events"
    __table_args__ = (Index(None, "agent_extension", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    agent_extension: Mapped[str] = mapped_column(String(NUMBER_LENGTH))
    queue_number: Mapped[str | None] = mapped_column(String(NUMBER_LENGTH))  # None: all queues
    kind: Mapped[AgentEventKind]
    reason_code: Mapped[str | None] = mapped_column(String(8))
    source: Mapped[AgentEventSource]


class CallbackRequest(Base):
    """A caller asked to be called back and hung up; the request keeps the call's place in line."""

    __tablename__ = "callback_requests"
    __table_args__ = (Index(None, "queue_number", "requested_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_call_id: Mapped[str] = mapped_column(ForeignKey("queue_calls.id", ondelete="CASCADE"), index=True)
    queue_number: Mapped[str] = mapped_column(String(NUMBER_LENGTH))
    callback_number: Mapped[str] = mapped_column(String(PARTY_NUMBER_LENGTH))
    requested_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    agent_extension: Mapped[str | None] = mapped_column(String(NUMBER_LENGTH))
    result: Mapped[CallbackResult] = mapped_column(default=CallbackResult.PENDING)
    reason: Mapped[str | None] = mapped_column(Text)  # e.g. "Customer no answer" (seed wording)


class SurveyResult(Base):
    """The key a caller pressed after the agent hung up, and its points (seed, Satisfaction Survey)."""

    __tablename__ = "survey_results"
    __table_args__ = (Index(None, "queue_number", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_call_id: Mapped[str] = mapped_column(ForeignKey("queue_calls.id", ondelete="CASCADE"), index=True)
    queue_number: Mapped[str] = mapped_column(String(NUMBER_LENGTH))
    agent_extension: Mapped[str | None] = mapped_column(String(NUMBER_LENGTH))
    caller_number: Mapped[str] = mapped_column(String(PARTY_NUMBER_LENGTH))
    at: Mapped[datetime]
    key: Mapped[str] = mapped_column(String(1))
    points: Mapped[int]
