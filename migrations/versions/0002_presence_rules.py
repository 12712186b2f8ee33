"""Presence rules: per extension and presence, the agent-status auto switch.

Revision ID: 0002_presence_rules
Revises: 0001_initial
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_presence_rules"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "presence_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("extension_id", sa.Integer(), nullable=False),
        sa.Column("presence", sa.String(32), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("reason_code", sa.String(8), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_presence_rules")),
        sa.UniqueConstraint("extension_id", "presence", name=op.f("uq_presence_rules_extension_id_presence")),
        sa.ForeignKeyConstraint(
            ["extension_id"], ["extensions.id"], name=op.f("fk_presence_rules_extension_id_extensions"),
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    op.drop_table("presence_rules")
