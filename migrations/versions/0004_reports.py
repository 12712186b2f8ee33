"""Reports: a covering index for the agent reports' join of ring attempts to queue calls.

Revision ID: 0004_reports
Revises: 0003_caller_journey
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004_reports"
down_revision: str | None = "0003_caller_journey"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        op.f("ix_ring_attempts_queue_call_id_agent_extension_result"),
        "ring_attempts",
        ["queue_call_id", "agent_extension", "result"],
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_ring_attempts_queue_call_id_agent_extension_result"), table_name="ring_attempts")
