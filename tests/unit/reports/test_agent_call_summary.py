"""Agent Call Summary from the seed's Support day (queue calls, ``report_events.support_day``) and
hand-built direct calls; every number checked by hand arithmetic."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from report_events import NOW, PRE_SALES, SUPPORT, ZONE, local, period, rows_of, setup_center, support_day
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.extension_call_models import CallDirection, CallDisposition
from yeastar_ctl.reports import csv_export
from yeastar_ctl.reports.agent_call_summary import COLUMNS
from yeastar_ctl.reports.catalog import ReportKind, build_report
from yeastar_ctl.services import call_events, queues
from yeastar_ctl.services.extension_calls import EXTENSION_SIDES, ExtensionCallLeg, record_extension_call

GOLDEN = Path(__file__).parent / "golden"
INTERNAL, INBOUND, OUTBOUND = CallDirection.INTERNAL, CallDirection.INBOUND, CallDirection.OUTBOUND


async def direct_call(
    session: AsyncSession, started: str, caller: str, callee: str, direction: CallDirection, *, ring: int,
    talk: int | None, disposition: CallDisposition = CallDisposition.NO_ANSWER, hold: int = 0,
) -> None:
    """A direct call that rings ``ring`` seconds, then talks ``talk`` seconds (None: not answered)."""
    start = local(started)
    caller_side, callee_side = EXTENSION_SIDES[direction]
    answered = start + timedelta(seconds=ring) if talk is not None else None
    await record_extension_call(session, ExtensionCallLeg(
        direction=direction, caller_number=caller, caller_name=None, callee_number=callee,
        caller_extension=caller if caller_side else None, callee_extension=callee if callee_side else None,
        started_at=start, answered_at=answered,
        ended_at=start + timedelta(seconds=ring + (talk or 0)),
        disposition=CallDisposition.ANSWERED if talk is not None else disposition, unique_id=started,
        hold_seconds=hold,
    ))


async def direct_day(session: AsyncSession) -> None:
    await direct_call(session, "2023-12-27 10:00:00", "2000", "2001", INTERNAL, ring=4, talk=30)  # D1
    await direct_call(session, "2023-12-27 10:05:00", "2002", "2001", INTERNAL, ring=20, talk=None)  # D2
    await direct_call(session, "2023-12-27 10:10:00", "15880123456", "2001", INBOUND, ring=6, talk=90)  # D3
    await direct_call(session, "2023-12-27 10:20:00", "2001", "0015551234", OUTBOUND, ring=10, talk=120,
                      hold=10)  # D4
    await direct_call(session, "2023-12-27 10:30:00", "2001", "0015559999", OUTBOUND, ring=3, talk=None,
                      disposition=CallDisposition.BUSY)  # D5
    await direct_call(session, "2023-12-27 10:40:00", "2008", "2000", INTERNAL, ring=2, talk=15)  # D6
    await direct_call(session, "2023-12-28 09:00:00", "2000", "2001", INTERNAL, ring=1, talk=300)  # D7: next day


@pytest.fixture
async def center(session: AsyncSession) -> AsyncSession:
    await setup_center(session)
    await support_day(session)
    await call_events.add_hold_seconds(session, "C1", 12)  # Phillip held his first caller 12 s
    await direct_day(session)
    await session.commit()
    return session


ZERO = ("0", "00:00:00", "0", "00:00:00", "0", "00:00:00", "00:00:00", "00:00:00", "00:00:00", "00:00:00")
LEO = (
    # Received D6 (ring 2, talk 15), made D1 (ring 4, talk 30): 2 answered, talk 45, ring 6.
    # Handle (6 + 45) / 2 = 25.5 -> 26; talk 45 / 2 = 22.5 -> 23; waiting 6 / 2 = 3.
    "2000-Leo Ball", "1", "00:00:15", "1", "00:00:30", "2", "00:00:45", "00:00:26", "00:00:23", "00:00:00",
    "00:00:03",
)
PHILLIP = (
    # Received: queue calls C1 (ring 15, talk 60, hold 12) and C3 (9, 54), D1 (4, 30), D3 (6, 90):
    # 4 calls, talk 234. Made: D4 (10, 120, hold 10) answered and D5 busy: 2 calls, talk 120.
    # D2 rang him unanswered: not received. 5 answered, talk 354, ring 15 + 9 + 4 + 6 + 10 = 44,
    # hold 22. Handle (44 + 354) / 5 = 79.6 -> 80; talk 354 / 5 = 70.8 -> 71; hold 22 / 5 =
    # 4.4 -> 4; waiting 44 / 5 = 8.8 -> 9.
    "2001-Phillip Huff", "4", "00:03:54", "2", "00:02:00", "6", "00:05:54", "00:01:20", "00:01:11", "00:00:04",
    "00:00:09",
)
TERRELL = (
    # Received C5 (ring 2, talk 63); made D2, unanswered: 2 calls, 1 answered.
    "2002-Terrell Smith", "1", "00:01:03", "1", "00:00:00", "2", "00:01:03", "00:01:05", "00:01:03", "00:00:00",
    "00:00:02",
)
TROY = (
    "2004-Troy Daniel", "1", "00:00:54", "0", "00:00:00", "1", "00:00:54", "00:01:01", "00:00:54", "00:00:00",
    "00:00:07",
)


async def test_every_queue_agent_with_their_received_and_made_calls(center: AsyncSession) -> None:
    rows = await rows_of(center, ReportKind.AGENT_CALL_SUMMARY, period("2023-12-27", "2023-12-27"))
    # 2008 called Leo but is no queue agent: no row. Pre-Sales' agents had no calls: zeros.
    assert rows == [
        LEO, PHILLIP, TERRELL, TROY,
        ("2005-Kristin Hale", *ZERO), ("2006-Naomi Nichols", *ZERO), ("2007-Ashley Gardner", *ZERO),
    ]


async def test_the_agent_filter_narrows_the_rows(center: AsyncSession) -> None:
    f = period("2023-12-27", "2023-12-27", agents=("2001", "2008"))
    assert await rows_of(center, ReportKind.AGENT_CALL_SUMMARY, f) == [PHILLIP]
    # 2008 made and received calls but is nobody's agent: nothing to show.
    f = period("2023-12-27", "2023-12-27", agents=("2008",))
    assert await rows_of(center, ReportKind.AGENT_CALL_SUMMARY, f) == []


async def test_a_queue_filter_picks_its_agents_and_only_its_queue_calls(center: AsyncSession) -> None:
    f = period("2023-12-27", "2023-12-27", queues=(PRE_SALES,), agents=("2001",))
    # Pre-Sales had no queue calls: Phillip keeps his direct calls only. Received D1 and D3
    # (talk 120, ring 10), made D4 and D5 (talk 120, D4's ring 10, hold 10): 3 answered, talk
    # 240, ring 20. Handle 260 / 3 = 86.7 -> 87; talk 80; hold 10 / 3 = 3.3 -> 3; waiting 7.
    assert await rows_of(center, ReportKind.AGENT_CALL_SUMMARY, f) == [
        ("2001-Phillip Huff", "2", "00:02:00", "2", "00:02:00", "4", "00:04:00", "00:01:27", "00:01:20",
         "00:00:03", "00:00:07"),
    ]
    support = await rows_of(center, ReportKind.AGENT_CALL_SUMMARY, period("2023-12-27", "2023-12-27",
                                                                           queues=(SUPPORT,)))
    assert support == [LEO, PHILLIP, TERRELL, TROY]


async def test_an_agent_who_left_the_queue_keeps_the_calls_they_answered(center: AsyncSession) -> None:
    await queues.set_members(center, SUPPORT, static=[(n, 1) for n in ("2000", "2001", "2002")])
    rows = await rows_of(center, ReportKind.AGENT_CALL_SUMMARY, period("2023-12-27", "2023-12-27",
                                                                       queues=(SUPPORT,)))
    assert rows == [LEO, PHILLIP, TERRELL, TROY]


async def test_the_period_and_the_talk_exclusion_apply_to_direct_calls(center: AsyncSession) -> None:
    # 12/28: only D7 (Leo -> Phillip, ring 1, talk 300).
    rows = await rows_of(center, ReportKind.AGENT_CALL_SUMMARY, period("2023-12-28", "2023-12-28",
                                                                       agents=("2000", "2001")))
    assert rows == [
        ("2000-Leo Ball", "0", "00:00:00", "1", "00:05:00", "1", "00:05:00", "00:05:01", "00:05:00", "00:00:00",
         "00:00:01"),
        ("2001-Phillip Huff", "1", "00:05:00", "0", "00:00:00", "1", "00:05:00", "00:05:01", "00:05:00",
         "00:00:00", "00:00:01"),
    ]
    # "Exclude Calls within 30s" drops D1 (30 s) and D6 (15 s): Leo has nothing left.
    f = period("2023-12-27", "2023-12-27", agents=("2000",), exclude_talk_within=30)
    assert await rows_of(center, ReportKind.AGENT_CALL_SUMMARY, f) == [("2000-Leo Ball", *ZERO)]


async def test_csv_matches_the_golden_file(center: AsyncSession) -> None:
    # Both days: D7 adds a 300 s call made by Leo and received by Phillip to the rows above, e.g.
    # Phillip: 5 received (talk 534), 7 calls, talk 654, 6 answered, ring 45: handle 699 / 6 =
    # 116.5 -> 00:01:57, talk 109, hold 22 / 6 = 3.7 -> 4, waiting 7.5 -> 8.
    out = io.BytesIO()
    table = await build_report(center, ReportKind.AGENT_CALL_SUMMARY, period("2023-12-27", "2023-12-28"), ZONE, NOW)
    assert table.columns == COLUMNS
    await csv_export.write_csv(table, out)
    assert out.getvalue() == (GOLDEN / "agent_call_summary.csv").read_bytes()
