"""Scheduled reports: a report type with its filters, when it runs and who gets the CSV."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from yeastar_ctl.db.base import ENUM_LENGTH, Base
from yeastar_ctl.db.config_models import NAME_LENGTH
from yeastar_ctl.db.types import utcnow

REPORT_TYPE_LENGTH = 64
TIME_OF_DAY_LENGTH = 5  # "HH:MM"


class ScheduledReport(Base):
    __tablename__ = "scheduled_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)
    report_type: Mapped[str] = mapped_column(String(REPORT_TYPE_LENGTH))
    # The report filter without its period: {"queues": [...], "agents": [...], ...}.
    filters: Mapped[dict[str, Any]] = mapped_column(JSON)
    frequency: Mapped[str] = mapped_column(String(ENUM_LENGTH))  # daily, weekly, monthly
    time_of_day: Mapped[str] = mapped_column(String(TIME_OF_DAY_LENGTH))  # local, system time zone
    weekday: Mapped[int | None]  # weekly: 0 Monday .. 6 Sunday
    monthday: Mapped[int | None]  # monthly: 1 .. 31 (past the month's end: its last day)
    recipients: Mapped[list[str]] = mapped_column(JSON)
    last_run_at: Mapped[datetime | None]
    # A schedule created after its last due time has missed nothing (see missed_run).
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<ScheduledReport {self.name} {self.report_type} {self.frequency}>"
