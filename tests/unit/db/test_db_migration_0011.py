"""Migration 0011 fills agent_queue_states with the replay of the existing agent event rows.

The rows are written at revision 0010 (no projection yet), in an order other than their time
order, some for a queue that no longer exists; after the upgrade the projection must be exactly
what ``fold_events`` gives over all rows with today's dynamic membership (what every reader got
before), and the next recorded row must keep it so.
"""

from __future__ import annotations

import random
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
import pytest
from agent_event_rows import START, Row, create_call_center, random_rows

from yeastar_ctl.db.engine import make_engine, session_factory
from yeastar_ctl.db.enums import AgentEventKind, AgentEventSource
from yeastar_ctl.db.migrate import upgrade_async
from yeastar_ctl.db.models import AgentEvent
from yeastar_ctl.db.types import UTCDateTime
from yeastar_ctl.services.agent_state import AgentHistory, fold_events, load_agent_history
from yeastar_ctl.services.call_events import record_agent_event
from yeastar_ctl.services.config_snapshot import load_config_snapshot

END = START + timedelta(days=20)  # after every random row
EVENTS = sa.table(  # agent_events at 0010
    "agent_events", sa.column("id"), sa.column("at", UTCDateTime()), sa.column("agent_extension"),
    sa.column("queue_number"), sa.column("kind"), sa.column("reason_code"), sa.column("source"),
)


async def _folded(session: AsyncSession) -> AgentHistory:
    snapshot = await load_config_snapshot(session)
    events = await session.scalars(sa.select(AgentEvent).order_by(AgentEvent.at, AgentEvent.id))
    return fold_events(events, snapshot.dynamic_queues_of())


def _tail() -> list[Row]:
    """Rows after the random ones, so the end state surely shows how all-queue rows expand."""
    end = END
    return [
        Row(end, "1001", "6401", AgentEventKind.LOGIN, None),
        Row(end, "1001", None, AgentEventKind.PAUSE, "*02"),  # 6401 only: 1001 is static in 6400
        Row(end, "1003", "6402", AgentEventKind.LOGIN, None),
        Row(end + timedelta(minutes=1), "1003", None, AgentEventKind.LOGOUT, None),  # last queues: 6402
    ]


@pytest.mark.parametrize("count", [60, 600])
async def test_the_backfill_is_the_replay_of_every_row(db_url: str, count: int) -> None:
    await upgrade_async(db_url, "0010_company_contacts")
    rows = random_rows(random.Random(count), count, late=0.2, queues=("6400", "6401", "6402", "6499")) + _tail()
    engine = make_engine(db_url)
    try:
        async with session_factory(engine).begin() as session:
            await create_call_center(session)
        async with engine.begin() as connection:
            # Inserted shuffled: ids are not in time order, as with rows written late.
            shuffled = random.Random(12).sample(rows, len(rows))
            await connection.execute(sa.insert(EVENTS), [
                {"at": r.at, "agent_extension": r.agent, "queue_number": r.queue, "kind": r.kind.value,
                 "reason_code": r.reason, "source": "feature_code"}
                for r in shuffled
            ])
        await engine.dispose()
        await upgrade_async(db_url)
        async with session_factory(engine)() as session:
            projected, expected = await load_agent_history(session), await _folded(session)
            assert projected == expected
            assert projected.states[("1001", "6401")].pause_reason == "*02"
            assert projected.updated_at.get(("1001", "6400"), START) < END  # static: untouched by the tail
            assert projected.last_queues["1003"] == frozenset({"6402"})
            assert any(s.logged_in for s in projected.states.values()) and projected.last_queues
            assert any(queue == "6499" for _, queue in projected.states)  # a deleted queue's rows too
            # The projection carries on from the backfill.
            await record_agent_event(session, at=START + timedelta(days=30), agent_extension="1002",
                                     kind=AgentEventKind.LOGOUT, source=AgentEventSource.FEATURE_CODE)  # fmt: skip
            await record_agent_event(session, at=START + timedelta(days=30), agent_extension="1001",
                                     queue_number="6401", kind=AgentEventKind.LOGIN, source=AgentEventSource.API)  # fmt: skip
            await session.commit()
            assert await load_agent_history(session) == await _folded(session)
    finally:
        await engine.dispose()


async def test_no_rows_no_states(db_url: str) -> None:
    await upgrade_async(db_url)
    engine = make_engine(db_url)
    try:
        async with session_factory(engine)() as session:
            assert await load_agent_history(session) == AgentHistory({}, {}, {})
    finally:
        await engine.dispose()
