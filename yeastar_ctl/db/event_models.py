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
    __table_args__ = (Index(None, "queue_number", "joined_at"),)

    id: Mapped[str] = mapped_column(String(CALL_ID_LENGTH), primary_key=True)
    queue_id: Mapped[int | None] = mapped_column(
        ForeignKey("queues.id", ondelete="SET NULL"), index=True
    )
    queue_number: Mapped[str] = mapped_column(String(NUMBER_LENGTH))
    caller_number: Mapped[str] = mapped_column(String(PARTY_NUMBER_LENGTH))
    caller_name: Mapped[str | None] = mapped_column(String(128))
    joined_at: Mapped[datetime] = mapped_column(index=True)
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
    # Covers the agent reports' join (per call: who was offered it, and how it ended) without
    # reading the table: that join over a year, 7.2 s -> 4.6 s on SQLite (migration 0004).
    __table_args__ = (Index(None, "queue_call_id", "agent_extension", "result"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_call_id: Mapped[str] = mapped_column(
        ForeignKey("queue_calls.id", ondelete="CASCADE"), index=True
    )
    agent_extension: Mapped[str] = mapped_column(String(NUMBER_LENGTH))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    result: Mapped[RingResult | None]  # None while the agent's phone is still ringing

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
