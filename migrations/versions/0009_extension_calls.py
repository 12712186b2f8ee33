"""Non-queue calls (internal, inbound, outbound) for Agent Call Summary.

Revision ID: 0009_extension_calls
Revises: 0008_report_indexes
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_extension_calls"
down_revision: str | None = "0008_report_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "extension_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(32), nullable=False),
        sa.Column("caller_number", sa.String(64), nullable=False),
        sa.Column("caller_name", sa.String(128), nullable=True),
        sa.Column("callee_number", sa.String(64), nullable=False),
        sa.Column("caller_extension", sa.String(10), nullable=True),
        sa.Column("callee_extension", sa.String(10), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ring_seconds", sa.Integer(), nullable=False),
        sa.Column("talk_seconds", sa.Integer(), nullable=False),
        sa.Column("hold_seconds", sa.Integer(), nullable=False),
        sa.Column("disposition", sa.String(32), nullable=False),
        sa.Column("unique_id", sa.String(150), nullable=False),
        sa.Column("linked_id", sa.String(150), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extension_calls")),
    )
    op.create_index(op.f("ix_extension_calls_started_at"), "extension_calls", ["started_at"])
    op.create_index(op.f("ix_extension_calls_caller_extension_started_at"), "extension_calls",
                    ["caller_extension", "started_at"])
    op.create_index(op.f("ix_extension_calls_callee_extension_started_at"), "extension_calls",
                    ["callee_extension", "started_at"])


def downgrade() -> None:
    op.drop_table("extension_calls")
