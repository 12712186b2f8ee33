"""Queue Callback Summary and Queue Callback Activity from callback request rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from report_events import SUPPORT, local, period, queue_call, rows_of, setup_center
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.enums import CallbackResult, CallStatus
from yeastar_ctl.db.models import CallbackRequest
from yeastar_ctl.reports.catalog import ReportKind


@pytest.fixture
async def callbacks(session: AsyncSession) -> AsyncSession:
    await setup_center(session)
    for call_id, joined, number, waited, result, reason in [
        ("B1", "2022-01-07 16:43:15", "666665", 70, CallbackResult.SUCCEEDED, None),
        ("B2", "2022-01-07 16:37:55", "99999", 65, CallbackResult.FAILED, "Customer no answer"),
        ("B3", "2022-01-07 15:38:08", "999999", 180, CallbackResult.FAILED, "No available agents"),
        ("B4", "2022-01-07 15:50:00", "12345", None, CallbackResult.PENDING, None),
    ]:
        await queue_call(session, call_id, SUPPORT, joined, caller="2000", wait=10, outcome=CallStatus.MISSED,
                         reason="callback requested")
        ended = local(joined) + timedelta(seconds=waited) if waited is not None else None
        session.add(CallbackRequest(queue_call_id=call_id, queue_number=SUPPORT, callback_number=number,
                                    requested_at=local(joined), ended_at=ended, result=result, reason=reason))
    await queue_call(session, "B5", SUPPORT, "2022-01-07 12:00:00", wait=3, answered_by="2000", talk=9)
    await session.commit()
    return session


async def test_callback_summary(callbacks: AsyncSession) -> None:
    assert await rows_of(callbacks, ReportKind.QUEUE_CALLBACK_SUMMARY, period("2022-01-07", "2022-01-07")) == [
        ("6401-Support", "2", "1", "4", "5"),
    ]


async def test_callback_activity_like_the_seed(callbacks: AsyncSession) -> None:
    rows = await rows_of(callbacks, ReportKind.QUEUE_CALLBACK_ACTIVITY, period("2022-01-07", "2022-01-07"))
    assert rows == [
        ("01/07/2022 16:43:15", "2000", "01/07/2022 16:44:25", "666665", "00:01:10", "Succeeded", ""),
        ("01/07/2022 16:37:55", "2000", "01/07/2022 16:39:00", "99999", "00:01:05", "Failed", "Customer no answer"),
        ("01/07/2022 15:50:00", "2000", "-", "12345", "-", "Pending", ""),
        ("01/07/2022 15:38:08", "2000", "01/07/2022 15:41:08", "999999", "00:03:00", "Failed", "No available agents"),
        ("Total", "", "", "4", "00:05:15", "", ""),  # 70 + 65 + 180 s
    ]


async def test_callback_activity_filtered_by_result(callbacks: AsyncSession) -> None:
    failed = period("2022-01-07", "2022-01-07", callback_result=CallbackResult.FAILED)
    rows = await rows_of(callbacks, ReportKind.QUEUE_CALLBACK_ACTIVITY, failed)
    assert [r[3] for r in rows] == ["99999", "999999", "2"]
