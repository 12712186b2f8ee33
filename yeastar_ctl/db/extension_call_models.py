"""Direct calls: every finished call leg that did not go through a queue and involves an
extension (internal, inbound from a trunk, outbound to a trunk). Agent Call Summary counts them
beside the queue calls. Numbers are kept as plain text, like the other event tables, so history
survives deleting an extension.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from yeastar_ctl.db.base import Base
from yeastar_ctl.db.config_models import NUMBER_LENGTH
from yeastar_ctl.db.event_models import PARTY_NUMBER_LENGTH

CHANNEL_ID_LENGTH = 150  # Asterisk's AST_MAX_UNIQUEID


class CallDirection(StrEnum):
    INTERNAL = "internal"  # extension to extension
    INBOUND = "inbound"  # a trunk to an extension
    OUTBOUND = "outbound"  # an extension to a trunk


class CallDisposition(StrEnum):
    """Asterisk's CDR dispositions, as stored values."""

    ANSWERED = "answered"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    FAILED = "failed"
    CONGESTION = "congestion"


class ExtensionCall(Base):
    __tablename__ = "extension_calls"
    # Agent Call Summary reads an agent's calls in a period from either side.
    __table_args__ = (
        Index(None, "caller_extension", "started_at"),
        Index(None, "callee_extension", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    direction: Mapped[CallDirection]
    caller_number: Mapped[str] = mapped_column(String(PARTY_NUMBER_LENGTH))
    caller_name: Mapped[str | None] = mapped_column(String(128))
    callee_number: Mapped[str] = mapped_column(String(PARTY_NUMBER_LENGTH))
    # The extension on each side; None on the trunk side of an inbound or outbound call.
    caller_extension: Mapped[str | None] = mapped_column(String(NUMBER_LENGTH))
    callee_extension: Mapped[str | None] = mapped_column(String(NUMBER_LENGTH))
    started_at: Mapped[datetime] = mapped_column(index=True)
    answered_at: Mapped[datetime | None]
    ended_at: Mapped[datetime]
    ring_seconds: Mapped[int] = mapped_column(default=0)
    talk_seconds: Mapped[int] = mapped_column(default=0)
    hold_seconds: Mapped[int] = mapped_column(default=0)  # part of the talk time
    disposition: Mapped[CallDisposition]
    # The caller channel's Asterisk ids: a trace back to Asterisk's own logs.
    unique_id: Mapped[str] = mapped_column(String(CHANNEL_ID_LENGTH))
    linked_id: Mapped[str | None] = mapped_column(String(CHANNEL_ID_LENGTH))
