"""Company contacts and caller-ID matching options.

Revision ID: 0010_company_contacts
Revises: 0009_extension_calls
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0010_company_contacts"
down_revision: str | None = "0009_extension_calls"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
