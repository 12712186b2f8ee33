"""Non-queue calls (internal, inbound, outbound) for Agent Call Summary.

Revision ID: 0009_extension_calls
Revises: 0008_report_indexes
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0009_extension_calls"
down_revision: str | None = "0008_report_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
