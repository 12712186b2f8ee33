"""Agent Performance, the agent call log and Agent Missed Call Activity, from the seed's Support
example (12/27/2023, Ring All; see ``report_events.support_day``)."""

from __future__ import annotations

import pytest
from report_events import SUPPORT, Miss, period, queue_call, rows_of, setup_center, support_day
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.enums import CallStatus, RingResult
from yeastar_ctl.reports.catalog import ReportKind


@pytest.fixture
async def support(session: AsyncSession) -> AsyncSession:
    await setup_center(session)
    await support_day(session)
    await session.commit()
    return session


async def test_the_seeds_agent_performance_table(support: AsyncSession) -> None:
    f = period("2023-12-27", "2023-12-27", queues=(SUPPORT,), exclude_abandoned_within=5)
    assert await rows_of(support, ReportKind.AGENT_PERFORMANCE, f) == [
        # C6 (abandoned after 2 s) is excluded: 5 calls; wait answered 33 / 4 = 8.25 -> 8;
        # wait all (33 + 9) / 5 = 8.4 -> 8; talk 231 / 4 = 57.75 -> 58; total talk 231 s.
        ("6401-Support", "", "5", "4", "0", "1", "00:00:08", "00:00:08", "00:00:15", "00:00:58",
         "00:03:51", "0%"),
        # Leo rang on C1, C3, C4, C5 while another agent answered: 4 misses. C2's ring ended
        # because the caller hung up, which is not his miss.
        ("6401-Support", "2000-Leo Ball", "4", "0", "4", "", "00:00:00", "", "00:00:00", "00:00:00",
         "00:00:00", "100%"),
        # Phillip answered C1 (15 s, 60 s talk) and C3 (9 s, 54 s), missed C4 and C5:
        # wait (15 + 9) / 2 = 12, talk 114 / 2 = 57.
        ("6401-Support", "2001-Phillip Huff", "4", "2", "2", "", "00:00:12", "", "00:00:15", "00:00:57",
         "00:01:54", "50%"),
        ("6401-Support", "2002-Terrell Smith", "1", "1", "0", "", "00:00:02", "", "00:00:02", "00:01:03",
         "00:01:03", "0%"),
        ("6401-Support", "2004-Troy Daniel", "1", "1", "0", "", "00:00:07", "", "00:00:07", "00:00:54",
         "00:00:54", "0%"),
    ]


async def test_an_agent_filter_keeps_the_queue_row(support: AsyncSession) -> None:
    f = period("2023-12-27", "2023-12-27", agents=("2002",))
    rows = await rows_of(support, ReportKind.AGENT_PERFORMANCE, f)
    assert [(r[0], r[1], r[2]) for r in rows] == [("6401-Support", "", "6"), ("6401-Support", "2002-Terrell Smith", "1")]


async def test_a_call_offered_several_times_counts_several_misses(session: AsyncSession) -> None:
    await setup_center(session)
    # 2000 lets the call ring out twice (no answer, then busy), 2001 once, then 2000 answers.
    misses = (Miss("2000", 0, 20), Miss("2001", 25, 45), Miss("2000", 50, 55, RingResult.BUSY))
    await queue_call(session, "R1", SUPPORT, "2023-12-27 10:00:00", wait=60, ringing=("2000",),
                     answered_by="2000", talk=30, misses=misses)
    await queue_call(session, "R2", SUPPORT, "2023-12-27 10:05:00", wait=40, outcome=CallStatus.MISSED,
                     misses=(Miss("2001", 0, 20),), ringing=("2000",), reason="timed out")
    await session.commit()
    rows = await rows_of(session, ReportKind.AGENT_PERFORMANCE, period("2023-12-27", "2023-12-27"))
    # 2000: answered R1, missed it twice and missed R2 (still ringing when the queue gave up): 3.
    assert rows[1][1:5] == ("2000-Leo Ball", "4", "1", "3")
    assert rows[2][1:5] == ("2001-Phillip Huff", "2", "0", "2")
    calls = await rows_of(session, ReportKind.AGENT_CALLS, period("2023-12-27", "2023-12-27"))
    assert [(r[1][:4], r[2], r[5], r[8], r[9]) for r in calls] == [
        ("2000", "R2", "Missed", "1", "Agent Missed/Queue No Answered"),
        ("2000", "R1", "Answered", "3", "Queue 6401 connected"),
        ("2001", "R2", "Missed", "1", "Agent Missed/Queue No Answered"),
        ("2001", "R1", "Missed", "1", "Agent Missed/Queue Answered"),
    ]


async def test_misses_with_and_without_a_call_filter_agree(support: AsyncSession) -> None:
    # Without exclusions misses come from the ring attempts alone; with one they are joined to
    # the calls. An exclusion that drops no call must give the same table.
    day = period("2023-12-27", "2023-12-27")
    plain = await rows_of(support, ReportKind.AGENT_PERFORMANCE, day)
    joined = await rows_of(support, ReportKind.AGENT_PERFORMANCE,
                           period("2023-12-27", "2023-12-27", exclude_abandoned_within=0))
    assert joined == plain
    assert [(r[1], r[4]) for r in plain[1:]] == [
        ("2000-Leo Ball", "4"), ("2001-Phillip Huff", "2"), ("2002-Terrell Smith", "0"), ("2004-Troy Daniel", "0"),
    ]


async def test_agent_call_log(support: AsyncSession) -> None:
    f = period("2023-12-27", "2023-12-27", agents=("2001",))
    assert await rows_of(support, ReportKind.AGENT_CALLS, f) == [
        ("6401-Support", "2001-Phillip Huff", "C5", "12/27/2023 13:11:44", "Terrell Smith<15880123456>", "Missed",
         "00:00:02", "00:00:00", "1", "Agent Missed/Queue Answered"),
        ("6401-Support", "2001-Phillip Huff", "C4", "12/27/2023 13:10:14", "13512345678", "Missed",
         "00:00:07", "00:00:00", "1", "Agent Missed/Queue Answered"),
        ("6401-Support", "2001-Phillip Huff", "C3", "12/27/2023 13:08:38", "18509876554", "Answered",
         "00:00:09", "00:00:54", "1", "Queue 6401 connected"),
        ("6401-Support", "2001-Phillip Huff", "C1", "12/27/2023 13:05:52", "15898705642", "Answered",
         "00:00:15", "00:01:00", "1", "Queue 6401 connected"),
    ]


async def test_the_seeds_missed_call_activity(support: AsyncSession) -> None:
    rows = await rows_of(support, ReportKind.AGENT_MISSED_CALLS, period("2023-12-27", "2023-12-27"))
    leo, phillip = "2000-Leo Ball", "2001-Phillip Huff"
    q = "6401-Support"
    assert rows == [
        (q, leo, "12/27/2023 13:11:44", "00:00:02", "15880123456", "1", "Answered", "1"),
        (q, leo, "12/27/2023 13:10:14", "00:00:07", "13512345678", "1", "Answered", "1"),
        (q, leo, "12/27/2023 13:08:38", "00:00:09", "18509876554", "1", "Answered", "1"),
        (q, leo, "12/27/2023 13:05:52", "00:00:15", "15898705642", "1", "Answered", "1"),
        (q, "Total", "", "00:00:33", "", "4", "", "4"),  # 2 + 7 + 9 + 15
        (q, phillip, "12/27/2023 13:11:44", "00:00:02", "15880123456", "1", "Answered", "1"),
        (q, phillip, "12/27/2023 13:10:14", "00:00:07", "13512345678", "1", "Answered", "1"),
        (q, "Total", "", "00:00:09", "", "2", "", "2"),
    ]
