"""Queue call-log handling and Queue Panel Permissions.

Revision ID: 0007_call_logs
Revises: 0006_scheduled_reports
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0007_call_logs"
down_revision: str | None = "0006_scheduled_reports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
