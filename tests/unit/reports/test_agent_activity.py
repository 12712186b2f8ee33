"""Agent Login Activity and Agent Pause Activity: the seed's tables, open sessions, and rows
for "all queues"."""

from __future__ import annotations

from report_events import PRE_SALES, SUPPORT, agent_event, period, rows_of, setup_center
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.enums import AgentEventKind as K
from yeastar_ctl.reports.catalog import ReportKind
from yeastar_ctl.services.pause_reasons import ensure_default_pause_reasons


async def test_the_seeds_login_activity(session: AsyncSession) -> None:
    await setup_center(session)
    for at, agent, kind in [
        ("2023-12-30 10:18:39", "2000", K.LOGIN), ("2023-12-30 10:18:51", "2000", K.LOGOUT),
        ("2023-12-30 10:19:16", "2001", K.LOGIN), ("2023-12-30 10:22:10", "2000", K.LOGIN),
        ("2023-12-30 10:26:43", "2001", K.LOGOUT), ("2023-12-30 10:26:49", "2000", K.LOGOUT),
    ]:
        await agent_event(session, at, agent, kind, queue=PRE_SALES)
    await session.commit()
    q = "6400-Pre-Sales"
    assert await rows_of(session, ReportKind.AGENT_LOGIN, period("2023-12-30", "2023-12-30")) == [
        (q, "2000-Leo Ball", "12/30/2023 10:18:39", "12/30/2023 10:18:51", "00:00:12"),
        (q, "2000-Leo Ball", "12/30/2023 10:22:10", "12/30/2023 10:26:49", "00:04:39"),
        (q, "Total", "", "", "00:04:51"),
        (q, "2001-Phillip Huff", "12/30/2023 10:19:16", "12/30/2023 10:26:43", "00:07:27"),
        (q, "Total", "", "", "00:07:27"),
    ]


async def test_all_queue_rows_and_a_session_still_open(session: AsyncSession) -> None:
    await setup_center(session)
    # "*77" logs 2005 in to all its dynamic queues (Pre-Sales only); still in at the day's end.
    await agent_event(session, "2023-12-30 23:00:00", "2005", K.LOGIN, queue=None)
    # 2006 logs in to Pre-Sales, then "*077" logs out of all.
    await agent_event(session, "2023-12-30 09:00:00", "2006", K.LOGIN, queue=PRE_SALES)
    await agent_event(session, "2023-12-30 09:30:00", "2006", K.LOGOUT, queue=None)
    await session.commit()
    rows = await rows_of(session, ReportKind.AGENT_LOGIN, period("2023-12-30", "2023-12-30", agents=("2005", "2006")))
    assert rows == [
        ("6400-Pre-Sales", "2005-Kristin Hale", "12/30/2023 23:00:00", "-", "01:00:00"),  # until midnight
        ("6400-Pre-Sales", "Total", "", "", "01:00:00"),
        ("6400-Pre-Sales", "2006-Naomi Nichols", "12/30/2023 09:00:00", "12/30/2023 09:30:00", "00:30:00"),
        ("6400-Pre-Sales", "Total", "", "", "00:30:00"),
    ]


async def test_the_seeds_pause_activity(session: AsyncSession) -> None:
    await setup_center(session)
    await ensure_default_pause_reasons(session)  # *01 Lunch, *02 Break
    for at, kind, reason in [
        ("2023-12-27 17:14:11", K.PAUSE, None), ("2023-12-27 17:14:15", K.UNPAUSE, None),
        ("2023-12-27 17:14:19", K.PAUSE, "*02"), ("2023-12-27 17:14:41", K.UNPAUSE, None),
        ("2023-12-27 17:17:04", K.PAUSE, "*01"), ("2023-12-27 17:17:11", K.PAUSE_REASON_CHANGE, "*02"),
        ("2023-12-27 17:17:21", K.UNPAUSE, None),
    ]:
        await agent_event(session, at, "2005", kind, queue=PRE_SALES, reason=reason)
    await session.commit()
    q, a = "6400-Pre-Sales", "2005-Kristin Hale"
    day = period("2023-12-27", "2023-12-27", queues=(PRE_SALES,))
    assert await rows_of(session, ReportKind.AGENT_PAUSE, day) == [
        (q, a, "12/27/2023 17:14:11", "-", "12/27/2023 17:14:15", "00:00:04", "1"),
        (q, a, "12/27/2023 17:14:19", "Break", "12/27/2023 17:14:41", "00:00:22", "1"),
        (q, a, "12/27/2023 17:17:04", "Lunch", "Change Pause Reason", "00:00:07", ""),
        (q, a, "12/27/2023 17:17:11", "Break", "12/27/2023 17:17:21", "00:00:10", "1"),
        (q, "Total", "", "", "", "00:00:43", "3"),  # 4 + 22 + 7 + 10 s; the change is no pause
    ]
    breaks = period("2023-12-27", "2023-12-27", pause_reasons=("*02",))
    assert [r[3:] for r in await rows_of(session, ReportKind.AGENT_PAUSE, breaks)] == [
        ("Break", "12/27/2023 17:14:41", "00:00:22", "1"),
        ("Break", "12/27/2023 17:17:21", "00:00:10", "1"),
        ("", "", "00:00:32", "2"),
    ]


async def test_a_logout_ends_a_pause_and_an_open_pause_runs_to_now(session: AsyncSession) -> None:
    await setup_center(session)
    await agent_event(session, "2023-12-27 10:00:00", "2000", K.PAUSE, queue=SUPPORT)
    await agent_event(session, "2023-12-27 10:05:00", "2000", K.LOGOUT, queue=SUPPORT)
    await agent_event(session, "2023-12-31 23:59:00", "2001", K.PAUSE, queue=SUPPORT)  # NOW is 01/01 00:00
    await session.commit()
    rows = await rows_of(session, ReportKind.AGENT_PAUSE, period("2023-12-27", "2024-01-02"))
    assert [(r[1], r[4], r[5], r[6]) for r in rows] == [
        ("2000-Leo Ball", "12/27/2023 10:05:00", "00:05:00", "1"),
        ("Total", "", "00:05:00", "1"),
        ("2001-Phillip Huff", "-", "00:01:00", "1"),
        ("Total", "", "00:01:00", "1"),
    ]
