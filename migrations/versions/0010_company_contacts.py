"""Company contacts and caller-ID matching options.

Revision ID: 0010_company_contacts
Revises: 0009_extension_calls
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_company_contacts"
down_revision: str | None = "0009_extension_calls"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(name: str, length: int, nullable: bool = True) -> sa.Column[str]:
    return sa.Column(name, sa.String(length), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "company_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        _text("name", 128, nullable=False),
        _text("company", 128),
        _text("email", 254),
        _text("business", 64),
        _text("mobile", 64),
        _text("home", 64),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_company_contacts")),
    )
    op.create_index(op.f("ix_company_contacts_name"), "company_contacts", ["name"])
    options = op.create_table(
        "contact_match_options",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("match_mode", sa.String(32), nullable=False),
        sa.Column("match_digits", sa.Integer(), nullable=False),
        sa.Column("ignore_symbols", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_match_options")),
        sa.CheckConstraint("id = 1", name=op.f("ck_contact_match_options_single_row")),
    )
    # The seed's dialog as it first opens: match the last 7 digits, symbols count.
    op.bulk_insert(options, [{"id": 1, "match_mode": "last_digits", "match_digits": 7, "ignore_symbols": False}])


def downgrade() -> None:
    op.drop_table("contact_match_options")
    op.drop_index(op.f("ix_company_contacts_name"), table_name="company_contacts")
    op.drop_table("company_contacts")
