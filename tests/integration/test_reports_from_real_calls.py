"""Reports are computed from what really happened: an answered, an abandoned and a timed-out
call through the lab Asterisk -> Queue Performance shows exactly those counts (CSV from the CLI)."""

from __future__ import annotations

import csv
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from calls import call_in, dial
from conftest import Lab, Phone, eventually
from sipp import Sipp
from yeastar_ctl.db.enums import RingStrategy
from yeastar_ctl.db.models import QueueCall
from yeastar_ctl.db.queue_settings import QueueSettings
from yeastar_ctl.services.queues import create_queue, get_by_number, set_members


async def test_queue_performance_counts_the_real_calls(
    lab: Lab, sipp: Sipp, phones: Callable[[str], Awaitable[Phone]], sessions: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    settings = replace(QueueSettings(), ring_strategy=RingStrategy.LINEAR, max_wait_seconds=4, wrapup_seconds=0,
                       retry_interval_seconds=1)
    async with sessions.begin() as session:
        if await get_by_number(session, "6419") is None:
            await create_queue(session, "6419", "Reported", settings)
            await set_members(session, "6419", static=[("1001", 1)], dynamic=[])
    lab.ctl("apply")

    async def ended(caller: str) -> QueueCall | None:
        row = await call_in(sessions, "6419", caller)
        return row if row is not None and row.ended_at is not None else None

    agent = await phones("1001")
    answers = await agent.answer_next_call(ring_ms=200, talk_ms=30000)
    answered = await dial(sipp, sessions, "1009", "6419", hold_ms=2000)
    await answered.expect_success(20)
    await answers.expect_success(20)
    await eventually(lambda: ended("1009"), what="the answered call")
    await agent.unregister()

    abandoned = await dial(sipp, sessions, "1008", "6419", hold_ms=1500)
    await abandoned.expect_success(20)
    await eventually(lambda: ended("1008"), what="the abandoned call")
    timed_out = await dial(sipp, sessions, "1007", "6419", hold_ms=60000)
    await timed_out.expect_success(20)
    await eventually(lambda: ended("1007"), what="the timed-out call")

    today = datetime.now(UTC).date().isoformat()
    out = tmp_path / "queue-performance.csv"
    lab.ctl("report", "queue-performance", "--from", today, "--to", today, "--queue", "6419", "--csv", str(out))
    rows = {row["Queue"]: row for row in csv.DictReader(out.open(encoding="utf-8"))}
    reported = rows["6419-Reported"]
    assert (reported["Total Calls"], reported["Answered"], reported["Missed"], reported["Abandoned"]) == ("3", "1", "1", "1")
    assert reported["Answered Rate"] == "33.33%"
