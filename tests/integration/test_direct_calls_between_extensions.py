"""Direct calls through the lab Asterisk: extension 1005 calls extension 1004 (plain dialplan, no
queue) and 1004 holds it for a while -> Asterisk's CDR and hold events reach the control plane
over AMI -> one internal call row -> Agent Call Summary shows it received by 1004 and made by
1005, with its talk and hold time. A queue call
answered by the same agent counts once, from the queue-call row, not again from its CDRs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from calls import call_in, dial
from conftest import Lab, Phone, eventually
from sipp import Sipp
from yeastar_ctl.db.enums import RingStrategy
from yeastar_ctl.db.extension_call_models import CallDirection, CallDisposition, ExtensionCall
from yeastar_ctl.db.models import QueueCall
from yeastar_ctl.db.queue_settings import QueueSettings
from yeastar_ctl.reports.catalog import ReportKind, build_report
from yeastar_ctl.reports.filters import ReportFilter
from yeastar_ctl.reports.formatting import average_seconds, hms
from yeastar_ctl.services.queues import create_queue, get_by_number, set_members

QUEUE = "6427"


async def _direct_calls(sessions: async_sessionmaker[AsyncSession], since: datetime, *numbers: str) -> list[ExtensionCall]:
    async with sessions() as session:
        rows = await session.scalars(
            select(ExtensionCall).where(
                ExtensionCall.started_at >= since,
                or_(ExtensionCall.caller_number.in_(numbers), ExtensionCall.callee_number.in_(numbers)),
            ).order_by(ExtensionCall.id)
        )
        return list(rows)


async def _summary(sessions: async_sessionmaker[AsyncSession], since: datetime) -> dict[str, dict[str, str]]:
    now = datetime.now(UTC)
    f = ReportFilter(start=since, end=now + timedelta(minutes=1), agents=("1004", "1005"))
    async with sessions() as session:
        table = await build_report(session, ReportKind.AGENT_CALL_SUMMARY, f, UTC, now)
        return {row[0].split("-")[0]: dict(zip(table.columns, row, strict=True)) async for row in table.rows}


async def test_an_internal_call_is_received_by_the_callee_and_made_by_the_caller(
    lab: Lab, sipp: Sipp, phones: Callable[[str], Awaitable[Phone]], sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        if await get_by_number(session, QUEUE) is None:
            settings = replace(QueueSettings(), ring_strategy=RingStrategy.LINEAR, wrapup_seconds=0)
            await create_queue(session, QUEUE, "Direct and queued", settings)
            await set_members(session, QUEUE, static=[("1004", 1)], dynamic=[])
    lab.ctl("apply")
    since = datetime.now(UTC) - timedelta(seconds=1)
    callee = await phones("1004")

    # A queue call 1009 -> 6427, answered by 1004: recorded by the Stasis app only.
    answers = await callee.answer_next_call(ring_ms=200, talk_ms=30000)
    queued = await dial(sipp, sessions, "1009", QUEUE, hold_ms=2000)
    await queued.expect_success(20)
    await answers.expect_success(20)

    async def queue_call_ended() -> QueueCall | None:
        row = await call_in(sessions, QUEUE, "1009")
        return row if row is not None and row.ended_at is not None and row.joined_at >= since else None

    queue_call = await eventually(queue_call_ended, what="the queue call's row")

    # The direct call: 1005 dials 1004, which rings half a second and answers, holds 1005 for
    # two seconds after half a second, talks one more second and hangs up.
    answers = await sipp.start("agent_hold", service="1004", local_port=callee.port, server=True,
                               values={"ring_ms": 500, "before_hold_ms": 500, "hold_ms": 2000, "talk_ms": 1000})
    direct = await dial(sipp, sessions, "1005", "1004", hold_ms=60000)
    await answers.expect_success(20)
    await direct.expect_success(20)

    rows = await eventually(lambda: _direct_calls(sessions, since, "1004", "1005"), what="the direct call's CDR")
    assert len(rows) == 1
    call = rows[0]
    assert (call.direction, call.disposition) == (CallDirection.INTERNAL, CallDisposition.ANSWERED)
    assert (call.caller_extension, call.callee_extension) == ("1005", "1004")
    assert (call.caller_number, call.callee_number) == ("1005", "1004")
    assert call.answered_at is not None and call.started_at <= call.answered_at <= call.ended_at
    assert 3 <= call.talk_seconds <= 5  # 3.5 s of talk, with the hold's re-INVITEs on top
    assert 2 <= call.hold_seconds <= 3
    assert 0 <= call.ring_seconds <= 2
    # Both calls' CDRs arrived in order: the queue call's left no direct-call row behind.
    assert await _direct_calls(sessions, since, "1009") == []

    summary = await _summary(sessions, since)
    received, made = summary["1004"], summary["1005"]
    # 1004 received two calls: the queue call and the internal one.
    assert received["Inbound"] == "2"
    assert received["Inbound Talk Duration"] == hms(queue_call.talk_seconds + call.talk_seconds)
    assert (received["Outbound"], received["Outbound Talk Duration"]) == ("0", "00:00:00")
    assert received["Total calls"] == "2"
    assert received["AVG Hold Time"] == hms(average_seconds(queue_call.hold_seconds + call.hold_seconds, 2))
    # 1005 made one internal call, answered, with the same talk time.
    assert (made["Inbound"], made["Outbound"]) == ("0", "1")
    assert made["Outbound Talk Duration"] == made["Total Talk Duration"] == hms(call.talk_seconds)
    assert made["Average Talking Time"] == hms(call.talk_seconds)
    assert made["Average Waiting Time"] == hms(call.ring_seconds)
    assert made["AVG Hold Time"] == hms(call.hold_seconds)
