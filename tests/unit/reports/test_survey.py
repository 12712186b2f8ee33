"""Satisfaction Survey and its details: the seed's tables (keys 2/4/6/8 worth -1/1/3/5)."""

from __future__ import annotations

import pytest
from report_events import NOW, PRE_SALES, ZONE, local, period, queue_call, rows_of, setup_center
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.models import SurveyResult
from yeastar_ctl.reports.catalog import ReportKind, build_report
from yeastar_ctl.reports.formatting import truncated_average
from yeastar_ctl.services import queues
from yeastar_ctl.services.errors import ValidationError

POINTS = {"2": -1, "4": 1, "6": 3, "8": 5}


@pytest.fixture
async def surveyed(session: AsyncSession) -> AsyncSession:
    await setup_center(session)
    queue = await queues.get_queue(session, PRE_SALES)
    queue.survey_points = tuple(sorted(POINTS.items()))
    for call_id, joined, caller, agent, key in [
        ("V1", "2022-11-01 10:51:05", "505525301", "2006", "4"),
        ("V2", "2022-11-01 10:53:35", "505525301", "2000", "8"),
        ("V3", "2022-11-01 10:55:47", "9727257999", "2007", "2"),
        ("V4", "2022-11-01 10:57:00", "9729144899", "2006", "6"),
    ]:
        await queue_call(session, call_id, PRE_SALES, joined, caller=caller, wait=5, answered_by=agent, talk=20)
        session.add(SurveyResult(queue_call_id=call_id, queue_number=PRE_SALES, agent_extension=agent,
                                 caller_number=caller, at=local(joined), key=key, points=POINTS[key]))
    await session.commit()
    return session


async def test_the_seeds_survey_table(surveyed: AsyncSession) -> None:
    table_rows = await rows_of(surveyed, ReportKind.SATISFACTION_SURVEY,
                               period("2022-11-01", "2022-11-01", queues=(PRE_SALES,)))
    assert table_rows == [
        ("6400-Pre-Sales", "1", "1", "1", "1", "4", "8", "2"),  # -1 + 1 + 3 + 5 = 8; 8 / 4 = 2
        ("2000-Leo Ball", "0", "0", "0", "1", "1", "5", "5"),
        ("2006-Naomi Nichols", "0", "1", "1", "0", "2", "4", "2"),
        ("2007-Ashley Gardner", "1", "0", "0", "0", "1", "-1", "-1"),
    ]


async def test_survey_columns_name_keys_and_points(surveyed: AsyncSession) -> None:
    table = await build_report(surveyed, ReportKind.SATISFACTION_SURVEY,
                               period("2022-11-01", "2022-11-01", queues=(PRE_SALES,)), ZONE, NOW)
    assert table.columns == ("Queue", "KEY:2 (-1 Points)", "KEY:4 (1 Points)", "KEY:6 (3 Points)",
                             "KEY:8 (5 Points)", "Total KEY", "Total Points", "Average Points")


async def test_the_survey_needs_one_queue(surveyed: AsyncSession) -> None:
    with pytest.raises(ValidationError, match="one queue"):
        await rows_of(surveyed, ReportKind.SATISFACTION_SURVEY, period("2022-11-01", "2022-11-01"))


async def test_the_seeds_survey_details(surveyed: AsyncSession) -> None:
    assert await rows_of(surveyed, ReportKind.SATISFACTION_SURVEY_DETAILS, period("2022-11-01", "2022-11-01")) == [
        ("2000-Leo Ball", "11/01/2022 10:53:35", "505525301", "8", "5"),
        ("2006-Naomi Nichols", "11/01/2022 10:57:00", "9729144899", "6", "3"),
        ("2006-Naomi Nichols", "11/01/2022 10:51:05", "505525301", "4", "1"),
        ("2007-Ashley Gardner", "11/01/2022 10:55:47", "9727257999", "2", "-1"),
    ]


def test_average_points_are_truncated_not_rounded() -> None:
    assert truncated_average(2, 3) == "0.66"
    assert truncated_average(-2, 3) == "-0.66"
    assert truncated_average(8, 4) == "2"
    assert truncated_average(5, 2) == "2.5"
