"""The agent_queue_states projection equals the fold of every agent event row.

Random sequences of logins, logouts, pauses, reason changes, unpauses and all-queue logouts
(seeded, so a failure replays) are recorded through ``record_agent_event``; after every few
rows the projection (``load_agent_history``) must equal ``fold_events`` over all rows, the rule
the replay used to apply on each read. Agent 1001 is static in 6400 and dynamic in 6401; 1002
is dynamic in 6400, 6401 and 6402; 1003 is dynamic in 6402; 1004 is in no queue
(``agent_event_rows``).
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from agent_event_rows import QUEUES, START, Row, create_call_center, random_rows
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.enums import AgentEventKind, AgentEventSource
from yeastar_ctl.db.models import AgentEvent, AgentQueueStateRow
from yeastar_ctl.services import agent_projection, queues
from yeastar_ctl.services.agent_state import (
    LOGGED_OUT,
    AgentHistory,
    AgentQueueState,
    fold_events,
    load_agent_history,
)
from yeastar_ctl.services.call_events import record_agent_event
from yeastar_ctl.services.config_snapshot import load_config_snapshot


@pytest.fixture
async def call_center(session: AsyncSession) -> None:
    await create_call_center(session)
    await session.commit()


async def record(session: AsyncSession, row: Row) -> None:
    await record_agent_event(
        session, at=row.at, agent_extension=row.agent, queue_number=row.queue, kind=row.kind,
        source=AgentEventSource.FEATURE_CODE, reason_code=row.reason,
    )


async def folded(session: AsyncSession) -> AgentHistory:
    """What the replay of every row gives, with today's membership (the reference)."""
    snapshot = await load_config_snapshot(session)
    events = await session.scalars(select(AgentEvent).order_by(AgentEvent.at, AgentEvent.id))
    return fold_events(events, snapshot.dynamic_queues_of())


async def assert_projection_is_the_fold(session: AsyncSession) -> None:
    projected, expected = await load_agent_history(session), await folded(session)
    assert projected.states == expected.states
    assert projected.last_queues == expected.last_queues
    assert projected.updated_at == expected.updated_at


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_rows_in_time_order_update_the_projection_one_by_one(
    session: AsyncSession, call_center: None, seed: int, monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def no_rebuild(session: AsyncSession, agent: str) -> None:
        raise AssertionError(f"rows in time order rebuilt agent {agent}")

    monkeypatch.setattr(agent_projection, "rebuild_agent", no_rebuild)
    rows = random_rows(random.Random(seed), 240)
    for index, row in enumerate(rows, start=1):
        await record(session, row)
        if index % 20 == 0:
            await session.commit()
            await assert_projection_is_the_fold(session)
    history = await load_agent_history(session)
    # The sequence did exercise what it is meant to: logged-in, paused and last-queue states.
    assert any(s.logged_in for s in history.states.values())
    assert any(s.paused and s.pause_reason for s in history.states.values())
    assert history.last_queues


@pytest.mark.parametrize("seed", [4, 5])
async def test_a_row_older_than_the_agents_latest_rebuilds_that_agent(session: AsyncSession, call_center: None,
                                                                      seed: int) -> None:
    for index, row in enumerate(random_rows(random.Random(seed), 200, late=0.1), start=1):
        await record(session, row)
        if index % 25 == 0:
            await session.commit()
            await assert_projection_is_the_fold(session)


async def test_the_state_rolls_back_with_its_row(session: AsyncSession, call_center: None) -> None:
    await record(session, Row(START, "1002", "6400", AgentEventKind.LOGIN, None))
    await session.commit()
    await record(session, Row(START + timedelta(minutes=1), "1002", None, AgentEventKind.LOGOUT, None))
    await session.rollback()
    history = await load_agent_history(session)
    assert history.states == {("1002", "6400"): AgentQueueState(True, START)}
    assert history.last_queues == {}


async def test_an_all_queue_row_applies_to_the_dynamic_queues_when_it_is_written(
    session: AsyncSession, call_center: None,
) -> None:
    """The one place the projection and a replay with today's membership part: a queue joined
    after a "pause all" is not paused by it, and a queue left keeps the state it had."""
    await record(session, Row(START, "1003", None, AgentEventKind.PAUSE, "*01"))
    await queues.set_members(session, "6401", dynamic=[("1001", 1), ("1002", 1), ("1003", 1)])
    await queues.set_members(session, "6402", dynamic=[("1002", 1)])
    await session.commit()
    history = await load_agent_history(session)
    assert history.states == {("1003", "6402"): AgentQueueState(paused=True, pause_reason="*01")}
    assert ("1003", "6401") not in history.states
    # The replay would have paused 6401 (a member now) and forgotten 6402 (not a member now).
    assert set((await folded(session)).states) == {("1003", "6401")}


async def test_log_out_of_all_flags_the_queues_it_ended_and_the_next_one_resets_them(
    session: AsyncSession, call_center: None,
) -> None:
    minute = iter(range(100))

    async def row(queue: str | None, kind: AgentEventKind) -> None:
        await record(session, Row(START + timedelta(minutes=next(minute)), "1002", queue, kind, None))

    for queue in QUEUES:
        await row(queue, AgentEventKind.LOGIN)
    await row("6402", AgentEventKind.LOGOUT)
    await row(None, AgentEventKind.LOGOUT)
    assert (await load_agent_history(session)).last_queues == {"1002": frozenset({"6400", "6401"})}
    await row("6402", AgentEventKind.LOGIN)
    await row(None, AgentEventKind.LOGOUT)
    assert (await load_agent_history(session)).last_queues == {"1002": frozenset({"6402"})}
    await row(None, AgentEventKind.LOGOUT)  # logged in nowhere: nothing to log in to again
    assert (await load_agent_history(session)).last_queues == {}
    flags = await session.scalars(select(AgentQueueStateRow.in_last_queues))
    assert not any(flags)


async def test_a_static_queue_is_untouched_by_log_out_of_all(session: AsyncSession, call_center: None) -> None:
    await record(session, Row(START, "1001", "6400", AgentEventKind.PAUSE, "*01"))
    await record(session, Row(START, "1001", "6401", AgentEventKind.LOGIN, None))
    await record(session, Row(START, "1001", None, AgentEventKind.LOGOUT, None))
    history = await load_agent_history(session)
    assert history.states == {
        ("1001", "6400"): AgentQueueState(paused=True, pause_reason="*01"), ("1001", "6401"): LOGGED_OUT,
    }
    assert history.last_queues == {"1001": frozenset({"6401"})}


async def test_reading_the_state_is_one_select(session: AsyncSession, call_center: None) -> None:
    for minute in range(50):
        kind = AgentEventKind.LOGIN if minute % 2 == 0 else AgentEventKind.LOGOUT
        await record(session, Row(START + timedelta(minutes=minute), "1002", None if minute % 5 else "6400", kind, None))
    await session.commit()
    statements: list[str] = []
    connection = await session.connection()
    sync_engine = connection.engine.sync_engine

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(sync_engine, "before_cursor_execute", count)
    try:
        await load_agent_history(session)
    finally:
        event.remove(sync_engine, "before_cursor_execute", count)
    assert len(statements) == 1 and "agent_queue_states" in statements[0]
    assert "agent_events" not in statements[0]
