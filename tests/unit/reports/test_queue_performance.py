"""Queue Performance, its drill-down, Queue Performance Activity and Queue AVG Waiting &
Talking Time, from hand-built calls; every number is worked out in the comments."""

from __future__ import annotations

import pytest
from report_events import (
    NOW,
    PRE_SALES,
    SUPPORT,
    ZONE,
    Miss,
    local,
    period,
    pre_sales_day,
    queue_call,
    rows_of,
    setup_center,
    support_day,
)
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.enums import CallStatus
from yeastar_ctl.reports import query
from yeastar_ctl.reports.catalog import ReportKind, build_report
from yeastar_ctl.reports.filters import Granularity
from yeastar_ctl.services import call_events, queues


@pytest.fixture
async def center(session: AsyncSession) -> AsyncSession:
    await setup_center(session)
    await support_day(session)
    await pre_sales_day(session)
    await session.commit()
    return session


async def test_the_seeds_queue_performance_table(center: AsyncSession) -> None:
    rows = await rows_of(center, ReportKind.QUEUE_PERFORMANCE, period("2023-12-27", "2023-12-28"))
    assert rows == [
        # 13 calls: handle (56 + 227) / 5 = 56.6 -> 57; wait answered 56 / 5 = 11.2 -> 11;
        # wait all (56 + 167 + 76) / 13 = 299 / 13 = 23.0; max 102 s; talk 227 / 5 = 45.4 -> 45;
        # 5/13 = 38.46%, 4/13 = 30.77%; SLA (60 s): all 5 answered within it, 38.46%.
        ("6400-Pre-Sales", "13", "5", "4", "4", "00:00:57", "00:00:11", "00:00:23", "00:01:42",
         "00:00:45", "00:00:00", "38.46%", "30.77%", "30.77%", "38.46%"),
        # 6 calls: handle (33 + 231) / 4 = 66; wait answered (15 + 9 + 7 + 2) / 4 = 8.25 -> 8;
        # wait all (33 + 9 + 2) / 6 = 7.33 -> 7; talk (60 + 54 + 54 + 63) / 4 = 57.75 -> 58.
        ("6401-Support", "6", "4", "0", "2", "00:01:06", "00:00:08", "00:00:07", "00:00:15",
         "00:00:58", "00:00:00", "66.67%", "0%", "33.33%", "66.67%"),
        ("Total", "19", "9", "4", "6", *([""] * 10)),
    ]


async def test_a_queue_filter_and_the_period_in_local_time(center: AsyncSession) -> None:
    # 12/28 local only: Support's calls (12/27) are outside; a queue filter keeps one queue.
    assert [r[:5] for r in await rows_of(center, ReportKind.QUEUE_PERFORMANCE, period("2023-12-28", "2023-12-28"))] == [
        ("6400-Pre-Sales", "13", "5", "4", "4"), ("Total", "13", "5", "4", "4"),
    ]
    only_support = period("2023-12-27", "2023-12-28", queues=(SUPPORT,))
    assert [r[0] for r in await rows_of(center, ReportKind.QUEUE_PERFORMANCE, only_support)] == ["6401-Support", "Total"]


async def test_exclusion_filters(center: AsyncSession) -> None:
    # Abandoned within 2 s drops C6 (2 s): 5 calls, wait all (33 + 9) / 5 = 8.4 -> 8.
    short_abandons = period("2023-12-27", "2023-12-27", exclude_abandoned_within=2)
    [support, _] = await rows_of(center, ReportKind.QUEUE_PERFORMANCE, short_abandons)
    assert support[1:8] == ("5", "4", "0", "1", "00:01:06", "00:00:08", "00:00:08")
    # Talk within 54 s drops C3 and C4 (54 s each): answered C1 (15 s, 60 s) and C5 (2 s, 63 s);
    # 4 calls, handle (17 + 123) / 2 = 70, wait answered 17 / 2 = 8.5 -> 9, wait all (17 + 11) / 4 = 7,
    # talk 123 / 2 = 61.5 -> 62.
    short_talks = period("2023-12-27", "2023-12-27", exclude_talk_within=54)
    [support, _] = await rows_of(center, ReportKind.QUEUE_PERFORMANCE, short_talks)
    assert support[1:10] == ("4", "2", "0", "2", "00:01:10", "00:00:09", "00:00:07", "00:00:15", "00:01:02")


async def test_sla_counts_answers_within_the_queues_sla_time(session: AsyncSession) -> None:
    await setup_center(session)
    queue = await queues.get_queue(session, SUPPORT)
    queue.sla_seconds = 10
    for call_id, wait in (("S1", 10), ("S2", 11), ("S3", 3)):
        await queue_call(session, call_id, SUPPORT, "2023-12-27 09:00:00", wait=wait, answered_by="2000", talk=5)
    await queue_call(session, "S4", SUPPORT, "2023-12-27 09:01:00", wait=4, outcome=CallStatus.MISSED)
    await session.commit()
    [support, _] = await rows_of(session, ReportKind.QUEUE_PERFORMANCE, period("2023-12-27", "2023-12-27"))
    # 10 s counts as within 10 s; 11 s does not: 2 of 4 calls.
    assert support[-1] == "50%"


async def test_unfinished_calls_are_left_out(session: AsyncSession) -> None:
    await setup_center(session)
    await call_events.record_call_joined(session, call_id="W1", queue_number=SUPPORT, caller_number="1",
                                         joined_at=local("2023-12-27 09:00:00"))
    await session.commit()
    assert await rows_of(session, ReportKind.QUEUE_PERFORMANCE, period("2023-12-27", "2023-12-27")) == []


async def test_drill_down_lists_every_call_newest_first(center: AsyncSession) -> None:
    rows = await rows_of(center, ReportKind.QUEUE_CALLS, period("2023-12-27", "2023-12-27", queues=(SUPPORT,)))
    assert [r[0] for r in rows] == ["C6", "C5", "C4", "C3", "C2", "C1"]
    assert rows[1] == (
        "C5", "12/27/2023 13:11:44", "Terrell Smith<15880123456>", "6401-Support", "Terrell Smith<2002>",
        "Answered", "00:00:02", "00:01:03", "00:00:00", "Queue 6401 connected",
    )
    assert rows[4][4:7] == ("None", "Abandoned", "00:00:09")


async def test_the_drill_down_reads_ahead_in_chunks(center: AsyncSession, monkeypatch: pytest.MonkeyPatch) -> None:
    # Chunks of two: the next chunk is being read while the caller holds this one, and the
    # session still answers another statement in between on either backend.
    monkeypatch.setattr(query, "CHUNK_ROWS", 2)
    table = await build_report(center, ReportKind.QUEUE_CALLS, period("2023-12-27", "2023-12-28"), ZONE, NOW)
    first = await anext(table.rows)
    assert await query.queue_names(center) == {PRE_SALES: "Pre-Sales", SUPPORT: "Support"}
    rest = [row async for row in table.rows]
    assert [first[0], *(r[0] for r in rest)] == [f"P{n}" for n in range(13, 0, -1)] + ["C6", "C5", "C4", "C3", "C2", "C1"]


async def test_activity_by_day_with_a_total_row(center: AsyncSession) -> None:
    rows = await rows_of(center, ReportKind.QUEUE_PERFORMANCE_ACTIVITY,
                         period("2023-12-27", "2023-12-28", granularity=Granularity.DAY))
    assert [r[0] for r in rows] == ["12/27/2023", "12/28/2023", "Total"]
    assert rows[0][1:] == (  # Support's day: the same numbers as its Queue Performance row
        "6", "4", "0", "2", "00:01:06", "00:00:08", "00:00:07", "00:00:15", "00:00:58", "00:00:00",
        "66.67%", "0%", "33.33%", "66.67%",
    )
    # 19 calls, 9 answered: handle (89 + 458) / 9 = 60.8 -> 61; wait answered 89 / 9 = 9.9 -> 10;
    # wait all 343 / 19 = 18.05 -> 18; talk 458 / 9 = 50.9 -> 51; 9/19 = 47.37%, 4/19 = 21.05%,
    # 6/19 = 31.58%.
    assert rows[2][1:] == (
        "19", "9", "4", "6", "00:01:01", "00:00:10", "00:00:18", "00:01:42", "00:00:51", "00:00:00",
        "47.37%", "21.05%", "31.58%", "47.37%",
    )


async def test_activity_by_hour_and_month(center: AsyncSession) -> None:
    by_hour = await rows_of(center, ReportKind.QUEUE_PERFORMANCE_ACTIVITY,
                            period("2023-12-28", "2023-12-28", granularity=Granularity.HOUR))
    assert [(r[0], r[1]) for r in by_hour] == [("12/28/2023 11:00", "13"), ("Total", "13")]
    by_month = await rows_of(center, ReportKind.QUEUE_PERFORMANCE_ACTIVITY,
                             period("2023-12-01", "2023-12-31", granularity=Granularity.MONTH))
    assert [(r[0], r[1]) for r in by_month] == [("12/2023", "19"), ("Total", "19")]


async def test_average_waiting_and_talking_time_by_day(center: AsyncSession) -> None:
    rows = await rows_of(center, ReportKind.QUEUE_WAIT_TALK, period("2023-12-27", "2023-12-28"))
    assert rows == [
        ("12/27/2023", "00:00:07", "00:00:08", "00:00:58"),
        ("12/28/2023", "00:00:23", "00:00:11", "00:00:45"),
    ]


async def test_calls_of_a_queue_without_a_queue_row_still_count(center: AsyncSession) -> None:
    # A queue deleted (or renumbered) after its calls: "all queues" still finds its number.
    await queue_call(center, "X1", "6499", "2023-12-27 15:00:00", wait=4, ringing=("2000",), answered_by="2000",
                     talk=30)
    await center.commit()
    rows = await rows_of(center, ReportKind.QUEUE_PERFORMANCE, period("2023-12-27", "2023-12-28"))
    assert [r[:3] for r in rows] == [
        ("6400-Pre-Sales", "13", "5"), ("6401-Support", "6", "4"), ("6499", "1", "1"), ("Total", "20", "10"),
    ]
    [call] = await rows_of(center, ReportKind.QUEUE_CALLS, period("2023-12-27", "2023-12-27", queues=("6499",)))
    assert call[:6] == ("X1", "12/27/2023 15:00:00", "15880123456", "6499", "Leo Ball<2000>", "Answered")


async def test_hold_time_averages_over_answered_calls(session: AsyncSession) -> None:
    await setup_center(session)
    await queue_call(session, "H1", SUPPORT, "2023-12-27 09:00:00", wait=5, answered_by="2000", talk=100, hold=30)
    await queue_call(session, "H2", SUPPORT, "2023-12-27 09:05:00", wait=5, answered_by="2001", talk=100, hold=15,
                     misses=(Miss("2000", 0, 3),))
    await queue_call(session, "H3", SUPPORT, "2023-12-27 09:10:00", wait=5, outcome=CallStatus.ABANDONED)
    await session.commit()
    [support, _] = await rows_of(session, ReportKind.QUEUE_PERFORMANCE, period("2023-12-27", "2023-12-27"))
    assert support[10] == "00:00:23"  # (30 + 15) / 2 answered = 22.5 -> 23
    assert PRE_SALES not in support[0]
