"""agent_queue_states: the agents' login and pause state per queue, kept beside agent_events.

Until now the state was every ``agent_events`` row replayed on each read (21 s per read with a
million rows). From here on ``call_events.record_agent_event`` updates this table in the same
transaction as each row; this revision creates it and fills it with the replay the code did
until now (``services.agent_fold.fold_events``, all-queue rows expanded to each agent's dynamic
queues in today's configuration), so every reader sees exactly the state it saw before. The
rows are streamed in time order and folded in memory: only the result, one row per (agent,
queue) pair, is held and written.

Revision ID: 0011_agent_queue_states
Revises: 0010_company_contacts
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import sqlalchemy as sa
from alembic import op

from yeastar_ctl.db.types import UTCDateTime
from yeastar_ctl.services.agent_fold import fold_events

revision: str = "0011_agent_queue_states"
down_revision: str | None = "0010_company_contacts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FETCH_ROWS = 20_000  # rows per fetch while streaming agent_events
INSERT_ROWS = 5_000  # state rows per INSERT batch

_events = sa.table(
    "agent_events", sa.column("id"), sa.column("at", UTCDateTime()), sa.column("agent_extension"),
    sa.column("queue_number"), sa.column("kind"), sa.column("reason_code"),
)
_extensions = sa.table("extensions", sa.column("id"), sa.column("number"))
_queues = sa.table("queues", sa.column("id"), sa.column("number"))
_members = sa.table("queue_members", sa.column("queue_id"), sa.column("extension_id"), sa.column("kind"))
_states = sa.table(
    "agent_queue_states", sa.column("agent_extension"), sa.column("queue_number"),
    sa.column("logged_in", sa.Boolean()), sa.column("login_at", UTCDateTime()), sa.column("paused", sa.Boolean()),
    sa.column("pause_reason"), sa.column("in_last_queues", sa.Boolean()), sa.column("updated_at", UTCDateTime()),
)


def _dynamic_queues_of(bind: sa.Connection) -> dict[str, list[str]]:
    """extension -> the queues it is a dynamic member of (``ConfigSnapshot.dynamic_queues_of``)."""
    query = (
        sa.select(_extensions.c.number, _queues.c.number)
        .select_from(_members.join(_queues, _members.c.queue_id == _queues.c.id)
                     .join(_extensions, _members.c.extension_id == _extensions.c.id))
        .where(_members.c.kind == "dynamic")
        .order_by(_extensions.c.number, _queues.c.number)
    )
    queues_of: dict[str, list[str]] = {}
    for agent, queue in bind.execute(query):
        queues_of.setdefault(agent, []).append(queue)
    return queues_of


def _chunks(rows: list[dict[str, object]]) -> Iterator[list[dict[str, object]]]:
    for start in range(0, len(rows), INSERT_ROWS):
        yield rows[start:start + INSERT_ROWS]


def _backfill() -> None:
    bind = op.get_bind()
    queues_of = _dynamic_queues_of(bind)
    events = bind.execute(
        sa.select(_events.c.at, _events.c.agent_extension, _events.c.queue_number, _events.c.kind,
                  _events.c.reason_code).order_by(_events.c.at, _events.c.id),
        execution_options={"yield_per": FETCH_ROWS},  # a server-side cursor: never all rows at once
    )
    history = fold_events(events, queues_of)
    rows: list[dict[str, object]] = [
        {
            "agent_extension": agent, "queue_number": queue, "logged_in": state.logged_in,
            "login_at": state.login_at, "paused": state.paused, "pause_reason": state.pause_reason,
            "in_last_queues": queue in history.last_queues.get(agent, frozenset()),
            "updated_at": history.updated_at[(agent, queue)],
        }
        for (agent, queue), state in history.states.items()
    ]
    for chunk in _chunks(rows):
        bind.execute(sa.insert(_states), chunk)


def upgrade() -> None:
    op.create_table(
        "agent_queue_states",
        sa.Column("agent_extension", sa.String(10), nullable=False),
        sa.Column("queue_number", sa.String(10), nullable=False),
        sa.Column("logged_in", sa.Boolean(), nullable=False),
        sa.Column("login_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("pause_reason", sa.String(8), nullable=True),
        sa.Column("in_last_queues", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("agent_extension", "queue_number", name=op.f("pk_agent_queue_states")),
    )
    _backfill()


def downgrade() -> None:
    op.drop_table("agent_queue_states")
