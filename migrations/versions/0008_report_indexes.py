"""Indexes the reports' queries need.

Revision ID: 0008_report_indexes
Revises: 0007_call_logs
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0008_report_indexes"
down_revision: str | None = "0007_call_logs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
