"""Queue call-log handling and Queue Panel Permissions.

Revision ID: 0007_call_logs
Revises: 0006_scheduled_reports
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_call_logs"
down_revision: str | None = "0006_scheduled_reports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MANAGER_FLAGS = (
    "access_wallboard", "access_queue_panel", "switch_agent_status", "call_distribution", "pickup_hangup",
    "call_monitoring", "call_parking", "switch_recording", "contacts_matching", "missed_call_logs",
    "delete_missed_call_logs",
)
AGENT_FLAGS = (
    "access_wallboard", "access_queue_panel", "call_distribution", "pickup_hangup", "call_parking",
    "contacts_matching", "queue_call_logs",
)


def _call_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["queue_call_id"], ["queue_calls.id"], name=op.f(f"fk_{table}_queue_call_id_queue_calls"), ondelete="CASCADE")


def _flag(name: str) -> sa.Column[bool]:
    return sa.Column(name, sa.Boolean(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "call_processing_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("queue_call_id", sa.String(40), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("operator", sa.String(64), nullable=False),
        sa.Column("operator_extension", sa.String(10), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        _flag("auto_sync"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_processing_changes")),
        _call_fk("call_processing_changes"),
    )
    op.create_index(op.f("ix_call_processing_changes_queue_call_id"), "call_processing_changes", ["queue_call_id"])
    op.create_table(
        "call_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("queue_call_id", sa.String(40), nullable=False),
        sa.Column("disposition", sa.String(64), nullable=True),
        sa.Column("remark", sa.Text(), nullable=True),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("author_extension", sa.String(10), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_notes")),
        _call_fk("call_notes"),
    )
    op.create_index(op.f("ix_call_notes_queue_call_id"), "call_notes", ["queue_call_id"])
    op.create_table(
        "call_log_deletions",
        sa.Column("queue_call_id", sa.String(40), nullable=False),
        sa.Column("deleted_by", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("queue_call_id", name=op.f("pk_call_log_deletions")),
        _call_fk("call_log_deletions"),
    )
    op.create_table(
        "queue_panel_permissions",
        sa.Column("queue_id", sa.Integer(), autoincrement=False, nullable=False),
        *(_flag(f"manager_{name}") for name in MANAGER_FLAGS),
        *(_flag(f"agent_{name}") for name in AGENT_FLAGS),
        sa.Column("agent_call_log_members", sa.String(32), nullable=False),
        sa.Column("agent_call_log_view_range", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("queue_id", name=op.f("pk_queue_panel_permissions")),
        sa.ForeignKeyConstraint(["queue_id"], ["queues.id"], name=op.f("fk_queue_panel_permissions_queue_id_queues"),
                                ondelete="CASCADE"),
    )
    op.create_table(
        "queue_call_log_viewers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("queue_id", sa.Integer(), nullable=False),
        sa.Column("extension_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queue_call_log_viewers")),
        sa.UniqueConstraint("queue_id", "extension_id", name=op.f("uq_queue_call_log_viewers_queue_id_extension_id")),
        sa.ForeignKeyConstraint(["queue_id"], ["queues.id"], name=op.f("fk_queue_call_log_viewers_queue_id_queues"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["extension_id"], ["extensions.id"],
                                name=op.f("fk_queue_call_log_viewers_extension_id_extensions"), ondelete="CASCADE"),
    )
    op.create_index(op.f("ix_queue_call_log_viewers_extension_id"), "queue_call_log_viewers", ["extension_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_queue_call_log_viewers_extension_id"), table_name="queue_call_log_viewers")
    op.drop_table("queue_call_log_viewers")
    op.drop_table("queue_panel_permissions")
    op.drop_table("call_log_deletions")
    op.drop_index(op.f("ix_call_notes_queue_call_id"), table_name="call_notes")
    op.drop_table("call_notes")
    op.drop_index(op.f("ix_call_processing_changes_queue_call_id"), table_name="call_processing_changes")
    op.drop_table("call_processing_changes")
