"""CSV exports: UTF-8 bytes with a header row, the table's columns, compared to golden files;
streamed in chunks."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from report_events import NOW, SUPPORT, ZONE, period, pre_sales_day, setup_center, support_day
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.reports import csv_export
from yeastar_ctl.reports.catalog import ReportKind, build_report
from yeastar_ctl.reports.filters import ReportFilter
from yeastar_ctl.reports.table import Table, rows_of

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
async def center(session: AsyncSession) -> AsyncSession:
    await setup_center(session)
    await support_day(session)
    await pre_sales_day(session)
    await session.commit()
    return session


async def _csv(session: AsyncSession, kind: ReportKind, f: ReportFilter) -> bytes:
    out = io.BytesIO()
    await csv_export.write_csv(await build_report(session, kind, f, ZONE, NOW), out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("kind", "golden", "options"),
    [
        (ReportKind.QUEUE_PERFORMANCE, "queue_performance.csv", {}),
        (ReportKind.QUEUE_CALLS, "queue_calls.csv", {"queues": (SUPPORT,)}),
        (ReportKind.AGENT_PERFORMANCE, "agent_performance.csv", {"exclude_abandoned_within": 5}),
        (ReportKind.AGENT_MISSED_CALLS, "agent_missed_calls.csv", {}),
    ],
)
async def test_csv_matches_the_golden_file(
    center: AsyncSession, kind: ReportKind, golden: str, options: dict[str, object]
) -> None:
    data = await _csv(center, kind, period("2023-12-27", "2023-12-28", **options))
    assert data == (GOLDEN / golden).read_bytes()


async def test_names_are_utf8_and_cells_are_quoted(session: AsyncSession) -> None:
    table = Table("t", ("Agent", "Reason"), rows_of([("2000-Zoë Ñúñez", 'said "hi", then left')]))
    out = io.BytesIO()
    await csv_export.write_csv(table, out)
    assert out.getvalue() == 'Agent,Reason\r\n2000-Zoë Ñúñez,"said ""hi"", then left"\r\n'.encode()


async def test_rows_are_written_in_chunks_as_they_arrive() -> None:
    produced = 0

    async def rows():  # type: ignore[no-untyped-def]
        nonlocal produced
        for n in range(2500):
            produced += 1
            yield (str(n),)

    chunks = []
    async for chunk in csv_export.csv_chunks(Table("t", ("n",), rows())):
        chunks.append((produced, chunk))
    # The first chunk leaves before the rows are all made: header + 999 rows, then 1000, then 501.
    assert [made for made, _ in chunks] == [999, 1999, 2500]
    assert b"".join(c for _, c in chunks).count(b"\r\n") == 2501
