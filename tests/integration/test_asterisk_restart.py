"""Asterisk restarted under a running control plane (issue 11, "Tests on the real lab"): the
session's lab instance is stopped and started again while `scripts/run`'s control plane keeps
running; it reconnects (ARI: /healthz, AMI: `apply` reaches it) and a new queue call is answered
by an agent whose phone registered again after the restart. And when Asterisk dies (kill -9)
with one call talking and one waiting, both rows are closed once it is back (neither stays
open), and the agent of the cut call is offered the next call.

The lab is session-scoped: whatever happens, the test leaves Asterisk running and waits for the
control plane to be connected again, so the tests after it find the lab as they expect."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from calls import attempts_of, call_in, dial
from conftest import Lab, Phone, eventually
from sipp import Sipp
from yeastar_ctl.db.enums import RingStrategy
from yeastar_ctl.db.models import QueueCall
from yeastar_ctl.db.queue_settings import QueueSettings
from yeastar_ctl.lab.control import running_pid
from yeastar_ctl.lab.paths import LabPaths
from yeastar_ctl.services.queues import create_queue, get_by_number, set_members
from yeastar_ctl.telephony.config_signal import CONFIG_TAKEN

QUEUE = "6445"
AGENT = "1006"
CALLER = "1004"


def health(lab: Lab) -> dict[str, object] | None:
    """The control plane's /healthz body (it answers 503 while ARI is down), None if unreachable."""
    url = f"http://{lab.settings.web.host}:{lab.settings.web.port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return dict(json.load(response))
    except urllib.error.HTTPError as error:
        return dict(json.load(error))
    except OSError:
        return None


async def ari_connected(lab: Lab) -> bool:
    body = await asyncio.to_thread(health, lab)
    return bool(body and body.get("ari_connected"))


async def ari_disconnected(lab: Lab) -> bool:
    body = await asyncio.to_thread(health, lab)
    return body is not None and body.get("ari_connected") is False


def asterisk_running(lab: Lab) -> bool:
    return "running" in lab.ctl("lab", "status", check=False).stdout


@pytest.fixture
async def restores_the_lab(lab: Lab) -> AsyncIterator[None]:
    """Asterisk up and the control plane connected again when the test ends, pass or fail."""
    yield
    if not await asyncio.to_thread(asterisk_running, lab):
        await asyncio.to_thread(lab.ctl, "lab", "up")
    await eventually(lambda: ari_connected(lab), timeout=60, what="the control plane connected to ARI again")


async def ensure_queue(lab: Lab, sessions: async_sessionmaker[AsyncSession]) -> None:
    settings = replace(QueueSettings(), ring_strategy=RingStrategy.LINEAR, wrapup_seconds=0,
                       retry_interval_seconds=1, agent_timeout_seconds=10)
    async with sessions.begin() as session:
        if await get_by_number(session, QUEUE) is None:
            await create_queue(session, QUEUE, "After restart", settings)
            await set_members(session, QUEUE, static=[(AGENT, 1)], dynamic=[])
    lab.ctl("apply")


async def back_and_connected(lab: Lab) -> None:
    """Asterisk started again; the control plane reconnects to ARI and to AMI."""
    await asyncio.to_thread(lab.ctl, "lab", "up")  # returns once Asterisk's ARI answers
    await eventually(lambda: ari_connected(lab), timeout=30, what="/healthz reporting ARI connected again")

    # AMI too: `apply` reaches the running control plane again (its reload is confirmed over AMI).
    async def apply_reaches_the_control_plane() -> bool:
        return CONFIG_TAKEN in (await asyncio.to_thread(lab.ctl, "apply")).stdout.splitlines()

    await eventually(apply_reaches_the_control_plane, timeout=40, what="`apply` confirmed by the control plane")


async def ended_from(sessions: async_sessionmaker[AsyncSession], caller: str) -> QueueCall | None:
    row = await call_in(sessions, QUEUE, caller)
    return row if row is not None and row.ended_at is not None else None


async def answered_by_the_agent(
    sipp: Sipp, sessions: async_sessionmaker[AsyncSession], agent: Phone, caller_extension: str,
) -> None:
    """A new call from `caller_extension` into the queue is answered by the agent, who hangs up."""
    answers = await agent.answer_next_call(ring_ms=200, talk_ms=1500)
    caller = await dial(sipp, sessions, caller_extension, QUEUE, hold_ms=30000)
    await answers.expect_success(30)
    await caller.expect_success(20)  # the agent hung up: the caller got Asterisk's BYE
    call = await eventually(lambda: ended_from(sessions, caller_extension), what="the queue call, ended")
    assert call.status.value == "answered"
    assert call.agent_extension == AGENT
    assert call.reason == "agent hung up"
    attempts = await attempts_of(sessions, call.id)
    assert [(a.agent_extension, a.result.value) for a in attempts] == [(AGENT, "answered")]


async def test_a_queue_call_is_answered_after_asterisk_restarts(
    lab: Lab, sipp: Sipp, phones: Callable[[str], Awaitable[Phone]], sessions: async_sessionmaker[AsyncSession],
    restores_the_lab: None,
) -> None:
    await ensure_queue(lab, sessions)
    assert await ari_connected(lab)

    await asyncio.to_thread(lab.ctl, "lab", "down")
    await eventually(lambda: ari_disconnected(lab), what="/healthz reporting ARI disconnected")
    await back_and_connected(lab)

    # The agent's phone registers after the restart and answers.
    agent = await phones(AGENT)
    await answered_by_the_agent(sipp, sessions, agent, CALLER)


@dataclass(frozen=True)
class Crash:
    talk: QueueCall  # answered by the agent and talking when Asterisk died
    wait: QueueCall  # waiting for the busy agent when Asterisk died
    restarted_at: datetime  # Asterisk was started again from here on


async def crash_with_a_talk_and_a_wait(
    lab: Lab, sipp: Sipp, sessions: async_sessionmaker[AsyncSession], agent: Phone, talker: str, waiter: str,
) -> Crash:
    """One call talking to the agent and one waiting for him, then Asterisk killed (-9) and
    started again; returns both rows once the control plane has closed them."""
    await ensure_queue(lab, sessions)
    talks = await agent.answer_next_call(ring_ms=200, talk_ms=120000)
    talking = await dial(sipp, sessions, talker, QUEUE, hold_ms=120000)

    async def answered() -> QueueCall | None:
        row = await call_in(sessions, QUEUE, talker)
        return row if row is not None and row.answered_at is not None else None

    await eventually(answered, what="the first call answered by the agent")
    waiting = await dial(sipp, sessions, waiter, QUEUE, hold_ms=120000)  # the agent is busy: it waits
    await eventually(lambda: call_in(sessions, QUEUE, waiter), what="the second call waiting in the queue")

    pid = running_pid(LabPaths.from_settings(lab.settings))
    assert pid is not None
    os.kill(pid, signal.SIGKILL)  # a crash: Asterisk says nothing to anyone
    for run in (talks, talking, waiting):  # their dialogs died with Asterisk
        run.stop()
        await run.wait(10)
    await eventually(lambda: ari_disconnected(lab), what="/healthz reporting ARI disconnected")
    restarted_at = datetime.now(UTC)
    await back_and_connected(lab)
    talk = await eventually(lambda: ended_from(sessions, talker), what="the cut talk's row closed")
    wait = await eventually(lambda: ended_from(sessions, waiter), what="the cut waiting call's row closed")
    return Crash(talk, wait, restarted_at)


async def test_calls_cut_by_an_asterisk_crash_are_closed_and_routing_goes_on(
    lab: Lab, sipp: Sipp, phones: Callable[[str], Awaitable[Phone]], sessions: async_sessionmaker[AsyncSession],
    restores_the_lab: None,
) -> None:
    agent = await phones(AGENT)
    crash = await crash_with_a_talk_and_a_wait(lab, sipp, sessions, agent, "1003", "1002")

    # Neither row stays open: the talk is recorded as answered by the agent, the waiting caller
    # as not answered.
    assert (crash.talk.status.value, crash.talk.agent_extension) == ("answered", AGENT)
    assert crash.talk.answered_at is not None and crash.talk.ended_at is not None
    assert crash.talk.answered_at <= crash.talk.ended_at
    assert crash.wait.status.value in ("abandoned", "missed")
    assert crash.wait.answered_at is None and crash.wait.agent_extension is None

    # The agent, no longer talking for the control plane, takes the next call.
    await agent.register()
    await answered_by_the_agent(sipp, sessions, agent, "1001")


async def test_rows_cut_by_an_asterisk_crash_say_so_and_end_when_asterisk_went(
    lab: Lab, sipp: Sipp, phones: Callable[[str], Awaitable[Phone]], sessions: async_sessionmaker[AsyncSession],
    restores_the_lab: None,
) -> None:
    agent = await phones(AGENT)
    crash = await crash_with_a_talk_and_a_wait(lab, sipp, sessions, agent, "1008", "1007")
    for row in (crash.talk, crash.wait):
        assert row.reason is not None and "restart" in row.reason.lower(), (row.caller_number, row.reason)
        assert row.ended_at is not None and row.ended_at <= crash.restarted_at, (row.caller_number, row.ended_at)
