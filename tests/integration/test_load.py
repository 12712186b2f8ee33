"""Load on the real lab (issue 11, "Tests on the real lab"; functional, no timing assertions):
200 calls at 20 calls/s into 4 queues with 20 answering agents. Every call is answered or
recorded with its true outcome, no row stays open, SIPp's count of served calls equals the
answered rows, the reports count exactly the calls placed, and Asterisk has no channel left.

The agents: 1000-1009 (the demo's) and 1030-1039 (made here), each a static member of every
queue, all registered with their Contact on one port where one SIPp UAS answers whichever
extension is rung, talks 2 s and hangs up. The callers: one SIPp run of 200 calls from
extension 1090, the queue numbers in turn; a call is served when the agent's hang-up reaches the
caller (see callers.xml)."""

from __future__ import annotations

import asyncio
import csv
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from calls import secret, sipp_totals
from conftest import Lab, Phone, eventually
from sipp import Sipp, free_udp_port
from yeastar_ctl.db.enums import RingStrategy
from yeastar_ctl.ari import AriClient
from yeastar_ctl.db.models import QueueCall
from yeastar_ctl.db.queue_settings import QueueSettings
from yeastar_ctl.services.extensions import create_extension
from yeastar_ctl.services.extensions import get_by_number as get_extension_by_number
from yeastar_ctl.services.queues import create_queue, get_by_number, set_members

QUEUES = ["6440", "6441", "6442", "6443"]
AGENTS = [f"10{n:02d}" for n in range(10)] + [f"10{n}" for n in range(30, 40)]
CALLER = "1090"
CALLS = 200
RATE = 20
TALK_MS = 2000
# A caller not served within this long hangs up (and counts as failed); far more than the
# ~25 s the last caller waits when 20 agents take 200 calls of about 2.2 s each.
CALLER_PATIENCE_MS = 45000


async def set_up(lab: Lab, sessions: async_sessionmaker[AsyncSession]) -> None:
    settings = replace(QueueSettings(), ring_strategy=RingStrategy.RRMEMORY, wrapup_seconds=0,
                       retry_interval_seconds=1, agent_timeout_seconds=15, max_wait_seconds=120)
    async with sessions.begin() as session:
        for number in [n for n in AGENTS if n >= "1030"] + [CALLER]:
            if await get_extension_by_number(session, number) is None:
                await create_extension(session, number, f"Load {number}")
    async with sessions.begin() as session:
        for number in QUEUES:
            if await get_by_number(session, number) is None:
                await create_queue(session, number, f"Load {number}", settings)
                await set_members(session, number, static=[(agent, 1) for agent in AGENTS], dynamic=[])
    lab.ctl("apply")  # the new extensions and queue numbers become dialable; routing reloads


async def rows_since(sessions: async_sessionmaker[AsyncSession], since: datetime) -> list[QueueCall]:
    async with sessions() as session:
        return list(await session.scalars(
            select(QueueCall).where(QueueCall.queue_number.in_(QUEUES), QueueCall.joined_at >= since)
        ))


def minute(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M")


async def test_200_calls_at_20_per_second_into_4_queues_with_20_agents(
    lab: Lab, sipp: Sipp, sessions: async_sessionmaker[AsyncSession], ari: AriClient, tmp_path: Path,
) -> None:
    await set_up(lab, sessions)
    started = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=1)

    # Every agent's Contact on one port (Asterisk rewrites the Contact to the REGISTER's source,
    # so each REGISTER is sent from that port), then one UAS there answers for all of them.
    port = free_udp_port()
    agents = [Phone(sipp, number, await secret(sessions, number), port) for number in AGENTS]
    for agent in agents:
        await agent.register()
    try:
        answering = await sipp.start(
            "agents_answer", service="agents", local_port=port, server=True,
            values={"ring_ms": 200, "talk_ms": TALK_MS}, calls=None,
        )
        answering_output = asyncio.ensure_future(answering.process.communicate())
        try:
            stats = tmp_path / "callers.csv"
            callers = await sipp.start(
                "callers", service=QUEUES[0], auth=(CALLER, await secret(sessions, CALLER)),
                values={"caller": CALLER, "hold_ms": CALLER_PATIENCE_MS},
                calls=CALLS, rate=RATE, limit=CALLS, injection=QUEUES, stats=stats,
            )
            await callers.wait(CALLER_PATIENCE_MS / 1000 + CALLS / RATE + 30)
        finally:
            answering.stop()
            await answering_output
    finally:
        for agent in agents:
            await agent.unregister()

    totals = sipp_totals(stats)
    placed = totals["OutgoingCall(C)"]
    served = totals["SuccessfulCall(C)"]
    assert placed == CALLS, callers.errors()
    assert served + totals["FailedCall(C)"] == CALLS

    # One row per call placed, each ended with its outcome; none left waiting.
    async def all_ended() -> list[QueueCall] | None:
        rows = await rows_since(sessions, started)
        return rows if len(rows) >= CALLS and all(row.ended_at is not None for row in rows) else None

    try:
        rows = await eventually(all_ended, timeout=30, what=f"{CALLS} ended queue-call rows")
    except AssertionError:
        rows = await rows_since(sessions, started)
        open_rows = [(r.id, r.queue_number, r.status.value, r.reason) for r in rows if r.ended_at is None]
        raise AssertionError(f"{len(rows)} rows for {CALLS} calls; still open: {open_rows[:20]}") from None
    assert len(rows) == CALLS
    statuses = Counter(row.status.value for row in rows)
    assert set(statuses) <= {"answered", "abandoned", "missed"}, statuses
    assert Counter(row.queue_number for row in rows) == {queue: CALLS // len(QUEUES) for queue in QUEUES}
    answered = [row for row in rows if row.status.value == "answered"]
    assert len(answered) == served, (statuses, totals)
    for row in answered:
        assert row.agent_extension in AGENTS and row.answered_at is not None, row.id
    for row in rows:
        if row.status.value != "answered":
            assert row.answered_at is None and row.agent_extension is None, row.id

    # The reports count exactly these calls.
    ended = max(row.ended_at for row in rows if row.ended_at is not None)
    out = tmp_path / "queue-performance.csv"
    lab.ctl("report", "queue-performance", "--from", minute(started), "--to", minute(ended + timedelta(minutes=1)),
            *[arg for queue in QUEUES for arg in ("--queue", queue)], "--csv", str(out))
    reported = {row["Queue"]: row for row in csv.DictReader(out.open(encoding="utf-8"))}
    by_queue = {queue: Counter(row.status.value for row in rows if row.queue_number == queue) for queue in QUEUES}
    for queue in QUEUES:
        line = reported[f"{queue}-Load {queue}"]
        counts = by_queue[queue]
        assert (line["Total Calls"], line["Answered"], line["Missed"], line["Abandoned"]) == (
            str(CALLS // len(QUEUES)), str(counts["answered"]), str(counts["missed"]), str(counts["abandoned"]),
        ), (queue, line)
    assert sum(int(reported[f"{q}-Load {q}"]["Total Calls"]) for q in QUEUES) == placed

    # Asterisk holds no channel once every call has ended.
    async def no_channels() -> bool:
        return not await ari.channels.list()

    try:
        await eventually(no_channels, timeout=15, what="no channels left in Asterisk")
    except AssertionError:
        left = [(c.name, c.state, c.app_name, c.app_data) for c in await ari.channels.list()]
        raise AssertionError(f"channels left in Asterisk: {left[:20]}") from None
