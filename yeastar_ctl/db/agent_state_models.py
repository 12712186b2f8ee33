"""The agents' current login and pause state per queue: a projection of ``agent_events``.

``agent_events`` stays the record (reports read it); this table is the same history folded to
its result, one row per (agent, queue) any event ever touched, updated in the transaction that
writes each event row (``services.agent_projection``), so reading the state is one SELECT
instead of a replay of every row ever written. Numbers are plain text like the event rows: a
row outlives its queue or extension, and only current members' rows are ever consulted.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from yeastar_ctl.db.base import Base
from yeastar_ctl.db.config_models import NUMBER_LENGTH

REASON_CODE_LENGTH = 8  # as agent_events.reason_code


class AgentQueueStateRow(Base):
    __tablename__ = "agent_queue_states"

    agent_extension: Mapped[str] = mapped_column(String(NUMBER_LENGTH), primary_key=True)
    queue_number: Mapped[str] = mapped_column(String(NUMBER_LENGTH), primary_key=True)
    logged_in: Mapped[bool] = mapped_column(default=False)
    login_at: Mapped[datetime | None]
    paused: Mapped[bool] = mapped_column(default=False)
    pause_reason: Mapped[str | None] = mapped_column(String(REASON_CODE_LENGTH))
    # One of the queues the agent's last "log out of all" ended (*78 "log in to last queues"):
    # a flag on the state row rather than a table of its own, since every such queue has a row
    # (it was logged in). Only the agent's last all-queue logout sets it; each one resets it.
    in_last_queues: Mapped[bool] = mapped_column(default=False)
    # The time of the last event applied to the row (event time, not wall-clock time).
    updated_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"<AgentQueueStateRow {self.agent_extension} {self.queue_number}>"
