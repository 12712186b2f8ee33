"""The caller's journey: business hours, holidays, callback requests, survey results, and queue
call flags (callback, recording file).

Revision ID: 0003_caller_journey
Revises: 0002_presence_rules
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_caller_journey"
down_revision: str | None = "0002_presence_rules"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, nullable: bool = False) -> sa.Column[sa.DateTime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("queue_calls") as batch:
        batch.add_column(sa.Column("is_callback", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("recording_file", sa.String(255), nullable=True))
    op.create_table(
        "business_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("start", sa.String(5), nullable=False),
        sa.Column("end", sa.String(5), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_business_hours")),
    )
    op.create_table(
        "holidays",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("first_day", sa.String(10), nullable=False),
        sa.Column("last_day", sa.String(10), nullable=False),
        sa.Column("prompt", sa.String(128), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holidays")),
    )
    op.create_table(
        "callback_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("queue_call_id", sa.String(40), nullable=False),
        sa.Column("queue_number", sa.String(10), nullable=False),
        sa.Column("callback_number", sa.String(64), nullable=False),
        _when("requested_at"),
        _when("ended_at", nullable=True),
        sa.Column("agent_extension", sa.String(10), nullable=True),
        sa.Column("result", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callback_requests")),
        sa.ForeignKeyConstraint(
            ["queue_call_id"], ["queue_calls.id"], name=op.f("fk_callback_requests_queue_call_id_queue_calls"),
            ondelete="CASCADE",
        ),
    )
    op.create_index(op.f("ix_callback_requests_queue_call_id"), "callback_requests", ["queue_call_id"])
    op.create_index(
        op.f("ix_callback_requests_queue_number_requested_at"), "callback_requests", ["queue_number", "requested_at"],
    )
    op.create_table(
        "survey_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("queue_call_id", sa.String(40), nullable=False),
        sa.Column("queue_number", sa.String(10), nullable=False),
        sa.Column("agent_extension", sa.String(10), nullable=True),
        sa.Column("caller_number", sa.String(64), nullable=False),
        _when("at"),
        sa.Column("key", sa.String(1), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_results")),
        sa.ForeignKeyConstraint(
            ["queue_call_id"], ["queue_calls.id"], name=op.f("fk_survey_results_queue_call_id_queue_calls"),
            ondelete="CASCADE",
        ),
    )
    op.create_index(op.f("ix_survey_results_queue_call_id"), "survey_results", ["queue_call_id"])
    op.create_index(op.f("ix_survey_results_queue_number_at"), "survey_results", ["queue_number", "at"])


def downgrade() -> None:
    op.drop_table("survey_results")
    op.drop_table("callback_requests")
    op.drop_table("holidays")
    op.drop_table("business_hours")
    with op.batch_alter_table("queue_calls") as batch:
        batch.drop_column("recording_file")
        batch.drop_column("is_callback")
