"""Indexes the reports' queries need: queue and agent totals from covering indexes.

- ``queue_calls``: one index holding every column the queue and agent totals read (it replaces
  the ``(queue_number, joined_at)`` index, whose columns it starts with), and
  ``(joined_at, id)`` in place of ``(joined_at)`` so the call lists come out sorted.
- ``ring_attempts``: the call's ``queue_number`` and ``joined_at`` (copied when the offer
  starts) and ``missed`` (set when the call ends), so an agent's misses are counted from one
  index without joining the calls. Existing rows are filled in from their calls.

Revision ID: 0008_report_indexes
Revises: 0007_call_logs
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_report_indexes"
down_revision: str | None = "0007_call_logs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOTALS_COLUMNS = [
    "queue_number", "joined_at", "agent_extension", "status", "ring_seconds", "talk_seconds",
    "hold_seconds", "queue_id", "ended_at",
]
MISSES_COLUMNS = ["missed", "agent_extension", "queue_number", "joined_at"]

_attempts = sa.table(
    "ring_attempts", sa.column("queue_call_id"), sa.column("result"), sa.column("queue_number"),
    sa.column("joined_at"), sa.column("missed", sa.Boolean()),
)
_calls = sa.table(
    "queue_calls", sa.column("id"), sa.column("queue_number"), sa.column("joined_at"), sa.column("status"),
    sa.column("ended_at"),
)


def _of_call(column: sa.ColumnClause) -> sa.ScalarSelect:
    return sa.select(column).where(_calls.c.id == _attempts.c.queue_call_id).scalar_subquery()


def _backfill_attempts() -> None:
    # The rule ``services.call_events.is_agent_miss`` applies when a call ends, in SQL.
    ended = _of_call(_calls.c.ended_at).is_not(None)
    cut_short_by_caller = sa.and_(
        _attempts.c.result == "cancelled", _of_call(_calls.c.status) == "abandoned"
    )
    missed = sa.and_(
        ended, _attempts.c.result.is_not(None), _attempts.c.result != "answered", sa.not_(cut_short_by_caller)
    )
    op.execute(_attempts.update().values(
        queue_number=_of_call(_calls.c.queue_number),
        joined_at=_of_call(_calls.c.joined_at),
        missed=sa.case((missed, sa.true()), else_=sa.false()),
    ))


def upgrade() -> None:
    op.drop_index(op.f("ix_queue_calls_queue_number_joined_at"), table_name="queue_calls")
    op.drop_index(op.f("ix_queue_calls_joined_at"), table_name="queue_calls")
    op.create_index("ix_queue_calls_report_totals", "queue_calls", TOTALS_COLUMNS)
    op.create_index(op.f("ix_queue_calls_joined_at_id"), "queue_calls", ["joined_at", "id"])
    with op.batch_alter_table("ring_attempts") as batch:
        batch.add_column(sa.Column("queue_number", sa.String(10), nullable=True))
        batch.add_column(sa.Column("joined_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("missed", sa.Boolean(), nullable=False, server_default=sa.false()))
    _backfill_attempts()
    with op.batch_alter_table("ring_attempts") as batch:
        batch.alter_column("queue_number", existing_type=sa.String(10), nullable=False)
        batch.alter_column("joined_at", existing_type=sa.DateTime(timezone=True), nullable=False)
    op.create_index(
        op.f("ix_ring_attempts_missed_agent_extension_queue_number_joined_at"), "ring_attempts", MISSES_COLUMNS
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_ring_attempts_missed_agent_extension_queue_number_joined_at"), table_name="ring_attempts")
    with op.batch_alter_table("ring_attempts") as batch:
        batch.drop_column("missed")
        batch.drop_column("joined_at")
        batch.drop_column("queue_number")
    op.drop_index(op.f("ix_queue_calls_joined_at_id"), table_name="queue_calls")
    op.drop_index("ix_queue_calls_report_totals", table_name="queue_calls")
    op.create_index(op.f("ix_queue_calls_joined_at"), "queue_calls", ["joined_at"])
    op.create_index(op.f("ix_queue_calls_queue_number_joined_at"), "queue_calls", ["queue_number", "joined_at"])
