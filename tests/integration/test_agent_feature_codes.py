"""Agents run their day from a phone (seed, feature codes and BLF keys), through a real Asterisk:
the dialed code reaches the control plane, the change is stored as an agent event, the caller
hears a prompt, and BLF subscribers get a NOTIFY."""

from __future__ import annotations


import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from calls import dial, subscribe
from sipp import Sipp
from yeastar_ctl.ari import AriClient, AriNotFound
from yeastar_ctl.db.models import AgentEvent


async def lamp_state(ari: AriClient, device: str) -> str:
    """A lamp's state; one Asterisk was never told about is off (the control plane sets only
    the lamps that are lit, or that were lit and went off)."""
    try:
        state = (await ari.device_states.get(device)).state
    except AriNotFound:
        return "NOT_INUSE"
    return "NOT_INUSE" if state == "UNKNOWN" else state


async def events_of(sessions: async_sessionmaker[AsyncSession], agent: str) -> list[tuple[str, str | None, str | None, str]]:
    async with sessions() as session:
        rows = await session.scalars(
            select(AgentEvent).where(AgentEvent.agent_extension == agent).order_by(AgentEvent.at, AgentEvent.id)
        )
        return [(r.kind.value, r.queue_number, r.reason_code, r.source.value) for r in rows]


async def dial_code(sipp: Sipp, sessions: async_sessionmaker[AsyncSession], agent: str, code: str) -> None:
    """The agent dials the code; the control plane answers, plays its prompt and hangs up (the
    phone itself would stay on for two minutes)."""
    run = await dial(sipp, sessions, agent, code, hold_ms=120000)
    await run.expect_success(30)
    assert "BYE sip:" not in run.sent_messages()


async def test_pause_with_a_reason_lights_the_reason_key_and_dialing_it_again_unpauses(
    sipp: Sipp, sessions: async_sessionmaker[AsyncSession], ari: AriClient,
) -> None:
    # A supervisor's BLF key on agent 1001's "Lunch" pause in queue 6400.
    lamp = await subscribe(sipp, sessions, "1009", "*071001*6400*01", ("terminated", "early", "terminated"))

    await dial_code(sipp, sessions, "1001", "*076400*01")  # 1001 pauses in 6400 for Lunch
    assert await lamp_state(ari, "Stasis:yc-pause-1001-6400-01") == "RINGING"
    assert await lamp_state(ari, "Stasis:yc-pause-1001-6400-02") == "NOT_INUSE"
    assert await lamp_state(ari, "Stasis:yc-pause-1001-6400") == "RINGING"

    await dial_code(sipp, sessions, "1001", "*076400*01")  # the same code again: back to work
    await lamp.expect_success(30)
    assert (await events_of(sessions, "1001"))[-2:] == [
        ("pause", "6400", "*01", "feature_code"), ("unpause", "6400", None, "feature_code"),
    ]


async def test_changing_the_reason_while_paused_is_a_reason_change_not_a_new_pause(
    sipp: Sipp, sessions: async_sessionmaker[AsyncSession], ari: AriClient,
) -> None:
    await dial_code(sipp, sessions, "1002", "*076400*02")  # Break
    await dial_code(sipp, sessions, "1002", "*076400*03")  # now Wrap up
    assert await lamp_state(ari, "Stasis:yc-pause-1002-6400-02") == "NOT_INUSE"
    assert await lamp_state(ari, "Stasis:yc-pause-1002-6400-03") == "RINGING"
    await dial_code(sipp, sessions, "1002", "*076400")  # plain pause code while paused: unpause
    assert (await events_of(sessions, "1002"))[-3:] == [
        ("pause", "6400", "*02", "feature_code"),
        ("pause_reason_change", "6400", "*03", "feature_code"),
        ("unpause", "6400", None, "feature_code"),
    ]


async def test_a_dynamic_agent_logs_in_out_of_all_and_back_to_the_last_queues(
    sipp: Sipp, sessions: async_sessionmaker[AsyncSession], ari: AriClient,
) -> None:
    before = len(await events_of(sessions, "1003"))
    await dial_code(sipp, sessions, "1003", "*76400")  # log in to 6400
    assert await lamp_state(ari, "Stasis:yc-login-1003-6400") == "NOT_INUSE"
    await dial_code(sipp, sessions, "1003", "*077")  # log out of all
    assert await lamp_state(ari, "Stasis:yc-login-1003-6400") == "INUSE"
    await dial_code(sipp, sessions, "1003", "*78")  # log in to the last queues
    assert await lamp_state(ari, "Stasis:yc-login-1003-6400") == "NOT_INUSE"
    await dial_code(sipp, sessions, "1003", "*76400")  # and out again
    assert (await events_of(sessions, "1003"))[before:] == [
        ("login", "6400", None, "feature_code"),
        ("logout", None, None, "feature_code"),
        ("login", "6400", None, "feature_code"),
        ("logout", "6400", None, "feature_code"),
    ]


@pytest.mark.parametrize(
    ("agent", "code", "why"),
    [
        ("1001", "*76400", "a static agent cannot log out"),
        ("1009", "*076400", "1009 is not an agent of 6400"),
        ("1009", "*071001*6400", "1009 is neither agent 1001 nor a manager of 6400"),
        ("1001", "*076400*09", "there is no pause reason *09"),
        ("1001", "*076499", "there is no queue 6499"),
        ("1004", "*077", "1004 is logged in to no queue"),
    ],
)
async def test_a_refused_code_plays_an_error_and_changes_nothing(
    sipp: Sipp, sessions: async_sessionmaker[AsyncSession], agent: str, code: str, why: str,
) -> None:
    before = await events_of(sessions, agent)
    await dial_code(sipp, sessions, agent, code)
    assert await events_of(sessions, agent) == before, why
