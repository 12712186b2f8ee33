"""Hand-built event rows for the report tests, written through the call-event services.

The call center is the seed's: queue 6400 Pre-Sales and 6401 Support, agents 2000-2007. The
times are local (Europe/Berlin, UTC+1 in December) so every test also checks that reports
print and cut periods in the configured zone, not in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.enums import AgentEventKind, AgentEventSource, CallStatus, RingResult
from yeastar_ctl.reports.catalog import ReportKind, build_report
from yeastar_ctl.reports.filters import ReportFilter
from yeastar_ctl.services import call_events, extensions, queues

ZONE: Final = ZoneInfo("Europe/Berlin")
PEOPLE: Final = {
    "2000": "Leo Ball",
    "2001": "Phillip Huff",
    "2002": "Terrell Smith",
    "2004": "Troy Daniel",
    "2005": "Kristin Hale",
    "2006": "Naomi Nichols",
    "2007": "Ashley Gardner",
}
PRE_SALES: Final = "6400"
SUPPORT: Final = "6401"
NOW: Final = datetime(2024, 1, 1, tzinfo=ZONE)


def local(text: str) -> datetime:
    """``"2023-12-27 13:05:52"`` in the test zone."""
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


def period(first: str, last: str, **options: object) -> ReportFilter:
    """Whole local days ``first`` to ``last`` inclusive, as the portal's date picker gives."""
    return ReportFilter(start=local(first), end=local(last) + timedelta(days=1), **options)  # type: ignore[arg-type]


async def rows_of(session: AsyncSession, kind: ReportKind, f: ReportFilter) -> list[tuple[str, ...]]:
    table = await build_report(session, kind, f, ZONE, NOW)
    return [row async for row in table.rows]


async def setup_center(session: AsyncSession) -> None:
    for number, name in PEOPLE.items():
        await extensions.create_extension(session, number, name)
    await queues.create_queue(session, PRE_SALES, "Pre-Sales")
    await queues.create_queue(session, SUPPORT, "Support")
    await queues.set_members(session, SUPPORT, static=[(n, 1) for n in ("2000", "2001", "2002", "2004")])
    await queues.set_members(session, PRE_SALES, dynamic=[(n, 1) for n in ("2000", "2001", "2005", "2006", "2007")])


@dataclass(frozen=True)
class Miss:
    """An offer the agent let ring out: from ``start`` to ``end`` seconds after joining."""

    agent: str
    start: int
    end: int
    result: RingResult = RingResult.NO_ANSWER


async def queue_call(
    session: AsyncSession,
    call_id: str,
    queue: str,
    joined: str,
    *,
    caller: str = "15880123456",
    caller_name: str | None = None,
    wait: int,
    ringing: tuple[str, ...] = (),
    answered_by: str | None = None,
    talk: int = 0,
    hold: int = 0,
    outcome: CallStatus = CallStatus.ANSWERED,
    reason: str | None = None,
    misses: tuple[Miss, ...] = (),
) -> None:
    """A call that waits ``wait`` seconds while ``ringing`` agents ring (from second 1, Ring
    All), then is answered by ``answered_by`` and talks ``talk`` seconds, or ends as ``outcome``."""
    at = local(joined)
    await call_events.record_call_joined(
        session, call_id=call_id, queue_number=queue, caller_number=caller, caller_name=caller_name, joined_at=at
    )
    for miss in misses:
        attempt = await call_events.record_ring_started(
            session, call_id, agent_extension=miss.agent, started_at=at + timedelta(seconds=miss.start)
        )
        await call_events.record_ring_ended(
            session, attempt.id, ended_at=at + timedelta(seconds=miss.end), result=miss.result
        )
    for agent in ringing:
        await call_events.record_ring_started(
            session, call_id, agent_extension=agent, started_at=at + timedelta(seconds=min(1, wait))
        )
    end = at + timedelta(seconds=wait)
    if answered_by is not None:
        await call_events.record_call_answered(session, call_id, agent_extension=answered_by, answered_at=end)
        if hold:
            await call_events.add_hold_seconds(session, call_id, hold)
        await call_events.record_call_ended(
            session, call_id, ended_at=end + timedelta(seconds=talk), reason=reason or f"Queue {queue} connected"
        )
    else:
        await call_events.record_call_ended(session, call_id, ended_at=end, status=outcome, reason=reason)


async def support_day(session: AsyncSession) -> None:
    """The seed's Agent Performance example, 12/27/2023 in Support (Ring All).

    Leo (2000) and Phillip (2001) ring on every call; Phillip answers two, Troy (2004) and
    Terrell (2002) one each; one caller hangs up after 9 s while they ring, one after 2 s.
    """
    await queue_call(session, "C1", SUPPORT, "2023-12-27 13:05:52", caller="15898705642", wait=15,
                     ringing=("2000", "2001"), answered_by="2001", talk=60)
    await queue_call(session, "C2", SUPPORT, "2023-12-27 13:07:44", wait=9, ringing=("2000", "2001"),
                     outcome=CallStatus.ABANDONED, reason="Terrell Smith<15880123456> hung up")
    await queue_call(session, "C3", SUPPORT, "2023-12-27 13:08:38", caller="18509876554", wait=9,
                     ringing=("2000", "2001"), answered_by="2001", talk=54)
    await queue_call(session, "C4", SUPPORT, "2023-12-27 13:10:14", caller="13512345678", wait=7,
                     ringing=("2000", "2001", "2004"), answered_by="2004", talk=54)
    await queue_call(session, "C5", SUPPORT, "2023-12-27 13:11:44", caller="15880123456", caller_name="Terrell Smith",
                     wait=2, ringing=("2000", "2001", "2002"), answered_by="2002", talk=63)
    await queue_call(session, "C6", SUPPORT, "2023-12-27 13:12:30", wait=2, outcome=CallStatus.ABANDONED,
                     reason="Terrell Smith<15880123456> hung up")


async def pre_sales_day(session: AsyncSession) -> None:
    """The seed's Pre-Sales row, 12/28/2023: 13 calls, 5 answered, 4 missed, 4 abandoned.

    Answered: waits 8+10+12+12+14 = 56 s, talk 40+45+47+45+50 = 227 s.
    Missed: waits 102 (timed out), 30, 25, 10 = 167 s. Abandoned: 40+16+10+10 = 76 s.
    """
    answered = [("P1", 8, 40, "2007"), ("P2", 10, 45, "2006"), ("P3", 12, 47, "2005"),
                ("P4", 12, 45, "2006"), ("P5", 14, 50, "2007")]
    for index, (call_id, wait, talk, agent) in enumerate(answered):
        await queue_call(session, call_id, PRE_SALES, f"2023-12-28 11:{10 + index:02d}:50", wait=wait,
                         ringing=(agent,), answered_by=agent, talk=talk)
    missed = [("P6", 102, "Queue Pre-Sales<6400> timed out"), ("P7", 30, "Redirected to Naomi Nichols<2006>"),
              ("P8", 25, "Queue Pre-Sales<6400> queue full"), ("P9", 10, "Key press to IVR")]
    for index, (call_id, wait, reason) in enumerate(missed):
        await queue_call(session, call_id, PRE_SALES, f"2023-12-28 11:{20 + index:02d}:40", wait=wait,
                         outcome=CallStatus.MISSED, reason=reason)
    for index, (call_id, wait) in enumerate([("P10", 40), ("P11", 16), ("P12", 10), ("P13", 10)]):
        await queue_call(session, call_id, PRE_SALES, f"2023-12-28 11:{30 + index:02d}:30", wait=wait,
                         outcome=CallStatus.ABANDONED, reason="caller hung up")


async def agent_event(
    session: AsyncSession, at: str, agent: str, kind: AgentEventKind, queue: str | None = SUPPORT,
    reason: str | None = None,
) -> None:
    await call_events.record_agent_event(
        session, at=local(at), agent_extension=agent, queue_number=queue, kind=kind,
        source=AgentEventSource.FEATURE_CODE, reason_code=reason,
    )
