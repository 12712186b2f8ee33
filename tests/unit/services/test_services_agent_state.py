"""Agents' login and pause state, folded from the agent event rows (``fold_events``, the rule) and
read from the projection the rows keep up to date (``load_agent_history``).

Seed: dynamic agents log in and out of a queue; static agents are always in it; both can pause,
with or without a reason (*01 Lunch, *02 Break, *03 Wrap up); "log out of all queues" (*077) and
"log in to the last queues" (*78). Agent 1001 is static in 6400 and dynamic in 6401; agent
1002 is dynamic in 6400, 6401 and 6402.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.enums import AgentEventKind, AgentEventSource
from yeastar_ctl.db.models import AgentEvent
from yeastar_ctl.services.agent_state import (
    LOGGED_OUT,
    AgentQueueState,
    apply_event,
    fold_events,
    load_agent_history,
    load_agent_states,
    pause_agent,
)
from yeastar_ctl.services import extensions, queues
from yeastar_ctl.services.call_events import record_agent_event

LOGIN = AgentEventKind.LOGIN
LOGOUT = AgentEventKind.LOGOUT
PAUSE = AgentEventKind.PAUSE
UNPAUSE = AgentEventKind.UNPAUSE
REASON_CHANGE = AgentEventKind.PAUSE_REASON_CHANGE
START = datetime(2025, 6, 24, 9, 0, tzinfo=UTC)
QUEUES_OF = {"1001": ["6400", "6401"], "1002": ["6400", "6401", "6402"]}


@pytest.fixture
async def call_center(session: AsyncSession) -> None:
    """The configuration QUEUES_OF describes, in the database (all-queue rows read it)."""
    for number in ("1001", "1002"):
        await extensions.create_extension(session, number, f"Agent {number}")
    await queues.create_queue(session, "6400", "Queue 6400")
    await queues.set_members(session, "6400", static=[("1001", 1)], dynamic=[("1002", 1)])
    for number in ("6401", "6402"):
        await queues.create_queue(session, number, f"Queue {number}")
        await queues.set_members(session, number, dynamic=[("1002", 1)] + ([("1001", 1)] if number == "6401" else []))
    await session.commit()


def at(minute: int) -> datetime:
    return START + timedelta(minutes=minute)


def event(minute: int, agent: str, queue: str | None, kind: AgentEventKind, reason: str | None = None) -> AgentEvent:
    return AgentEvent(
        at=at(minute), agent_extension=agent, queue_number=queue, kind=kind, reason_code=reason,
        source=AgentEventSource.FEATURE_CODE,
    )


def logged_in(minute: int) -> AgentQueueState:
    return AgentQueueState(logged_in=True, login_at=at(minute))


def test_no_rows_means_everybody_logged_out_and_no_last_queues() -> None:
    history = fold_events([], QUEUES_OF)
    assert (history.states, history.last_queues) == ({}, {})
    assert LOGGED_OUT == AgentQueueState(False, None, False, None)


def test_login_records_when_it_happened() -> None:
    history = fold_events([event(1, "1002", "6400", LOGIN)], QUEUES_OF)
    assert history.states == {("1002", "6400"): logged_in(1)}


def test_logging_in_again_keeps_the_pause_and_moves_login_at() -> None:
    state = apply_event(logged_in(1), PAUSE, at(2), "*01")
    assert apply_event(state, LOGIN, at(3), None) == AgentQueueState(True, at(3), True, "*01")


def test_pause_for_wrap_up_then_unpause() -> None:
    """1001 dials *076400*03 (paused in 6400 for Wrap up), then *076400 (unpaused)."""
    paused = fold_events([event(1, "1001", "6400", PAUSE, "*03")], QUEUES_OF)
    assert paused.states[("1001", "6400")] == AgentQueueState(paused=True, pause_reason="*03")
    resumed = fold_events([event(1, "1001", "6400", PAUSE, "*03"), event(2, "1001", "6400", UNPAUSE)], QUEUES_OF)
    assert resumed.states[("1001", "6400")] == LOGGED_OUT  # a static agent has no login rows


def test_a_reason_change_keeps_the_agent_paused() -> None:
    history = fold_events(
        [event(1, "1002", "6400", LOGIN), event(2, "1002", "6400", PAUSE, "*01"),
         event(3, "1002", "6400", REASON_CHANGE, "*02")],
        QUEUES_OF,
    )  # fmt: skip
    assert history.states[("1002", "6400")] == AgentQueueState(True, at(1), True, "*02")


def test_logging_out_ends_the_pause() -> None:
    history = fold_events(
        [event(1, "1002", "6400", LOGIN), event(2, "1002", "6400", PAUSE, "*01"), event(3, "1002", "6400", LOGOUT)],
        QUEUES_OF,
    )
    assert history.states[("1002", "6400")] == LOGGED_OUT
    assert history.last_queues == {}  # only "log out of all" sets the last queues


def test_a_queue_row_touches_that_queue_only() -> None:
    history = fold_events([event(1, "1002", "6401", LOGIN), event(2, "1002", "6401", PAUSE)], QUEUES_OF)
    assert history.states == {("1002", "6401"): AgentQueueState(True, at(1), True, None)}


def test_an_all_queue_row_applies_to_each_queue_of_the_agent() -> None:
    history = fold_events([event(1, "1002", None, PAUSE, "*02")], QUEUES_OF)
    assert history.states == {
        ("1002", q): AgentQueueState(paused=True, pause_reason="*02") for q in ("6400", "6401", "6402")
    }
    # An agent in no queue: the row changes nothing.
    assert fold_events([event(1, "1004", None, PAUSE)], QUEUES_OF).states == {}


def test_logout_all_remembers_the_queues_it_ended() -> None:
    """1002 logs in to all three, logs out of 6402 alone, then dials *077: *78 restores 6400, 6401."""
    history = fold_events(
        [event(1, "1002", "6400", LOGIN), event(2, "1002", "6401", LOGIN), event(3, "1002", "6402", LOGIN),
         event(4, "1002", "6401", PAUSE, "*01"), event(5, "1002", "6402", LOGOUT), event(6, "1002", None, LOGOUT)],
        QUEUES_OF,
    )  # fmt: skip
    assert history.last_queues == {"1002": frozenset({"6400", "6401"})}
    assert all(history.states[("1002", q)] == LOGGED_OUT for q in ("6400", "6401", "6402"))


def test_only_the_last_logout_all_counts() -> None:
    history = fold_events(
        [event(1, "1002", "6400", LOGIN), event(2, "1002", "6401", LOGIN), event(3, "1002", None, LOGOUT),
         event(4, "1002", "6402", LOGIN), event(5, "1002", None, LOGOUT)],
        QUEUES_OF,
    )  # fmt: skip
    assert history.last_queues == {"1002": frozenset({"6402"})}
    # Logging out of all while logged in nowhere leaves nothing to log in to again.
    again = fold_events([event(1, "1002", "6400", LOGIN), event(2, "1002", None, LOGOUT),
                         event(3, "1002", None, LOGOUT)], QUEUES_OF)  # fmt: skip
    assert again.last_queues == {}  # no last queues: absent, as the projection stores it


def test_logout_all_leaves_a_static_agents_pause() -> None:
    """1001 is static in 6400 (always in it) and dynamic in 6401; *077 ends 6401 only."""
    history = fold_events(
        [event(1, "1001", "6400", PAUSE, "*01"), event(2, "1001", "6401", LOGIN), event(3, "1001", None, LOGOUT)],
        QUEUES_OF,
    )
    assert history.states[("1001", "6400")] == AgentQueueState(paused=True, pause_reason="*01")
    assert history.states[("1001", "6401")] == LOGGED_OUT
    assert history.last_queues == {"1001": frozenset({"6401"})}


def test_all_queue_rows_use_the_queues_of_the_agent_now() -> None:
    """``queues_of`` is today's membership: a queue the agent has left is not expanded to."""
    rows = [event(1, "1002", None, PAUSE)]
    assert set(fold_events(rows, {"1002": ["6400"]}).states) == {("1002", "6400")}


async def test_rows_replay_in_time_order_not_insertion_order(session: AsyncSession, call_center: None) -> None:
    await record_agent_event(session, at=at(5), agent_extension="1002", queue_number="6400", kind=LOGOUT,
                             source=AgentEventSource.FEATURE_CODE)  # fmt: skip
    await record_agent_event(session, at=at(1), agent_extension="1002", queue_number="6400", kind=LOGIN,
                             source=AgentEventSource.FEATURE_CODE)  # fmt: skip
    await record_agent_event(session, at=at(2), agent_extension="1002", queue_number="6401", kind=LOGIN,
                             source=AgentEventSource.FEATURE_CODE)  # fmt: skip
    await session.commit()
    states = await load_agent_states(session)
    assert states == {("1002", "6400"): LOGGED_OUT, ("1002", "6401"): logged_in(2)}


async def test_an_auto_pause_is_a_pause_row(session: AsyncSession, call_center: None) -> None:
    """Seed, Agent Auto Pause: the agent is paused in the queue, with no reason."""
    await record_agent_event(session, at=at(1), agent_extension="1002", queue_number="6400", kind=LOGIN,
                             source=AgentEventSource.FEATURE_CODE)  # fmt: skip
    await pause_agent(session, agent="1002", queue="6400", at=at(2), source=AgentEventSource.AUTO_PAUSE)
    await record_agent_event(session, at=at(3), agent_extension="1002", kind=LOGOUT,
                             source=AgentEventSource.FEATURE_CODE)  # fmt: skip
    await session.commit()
    history = await load_agent_history(session)
    assert history.last_queues == {"1002": frozenset({"6400"})}
    assert history.states[("1002", "6400")] == LOGGED_OUT
    before_logout = fold_events(
        [e for e in await _all_rows(session) if e.at < at(3)], QUEUES_OF
    )
    assert before_logout.states[("1002", "6400")] == AgentQueueState(True, at(1), True, None)


async def _all_rows(session: AsyncSession) -> list[AgentEvent]:
    return list(await session.scalars(select(AgentEvent).order_by(AgentEvent.at, AgentEvent.id)))
