"""CSV exports: UTF-8 bytes with a header row, the table's columns, compared to golden files;
streamed in chunks."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest
from report_events import NOW, SUPPORT, ZONE, period, pre_sales_day, setup_center, support_day
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.reports import csv_export
from yeastar_ctl.reports.catalog import ReportKind, build_report
from yeastar_ctl.reports.filters import ReportFilter
from yeastar_ctl.reports.table import Row, RowBatches, Table, rows_of

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


@pytest.mark.parametrize(
    "cells",
    [
        ("a", "b", ""), ("", ""), ("a,b", "c"), ('say "hi"', "x"), ("two\nlines", "x"), ("cr\r", "x"),
        (" padded ", "\ttab"), ("Zoë", "Ñ"), ("only",), ("",), ("x", 7), ("'quote'", "semi;colon"),
    ],
)
def test_lines_are_what_the_csv_module_writes(cells: tuple[object, ...]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    assert csv_export.CsvLines()(cells) == buffer.getvalue()  # type: ignore[arg-type]


def _batches_of(rows: Sequence[Row], size: int) -> RowBatches:
    async def batches() -> AsyncIterator[Sequence[Row]]:
        for start in range(0, len(rows), size):
            yield rows[start:start + size]

    return RowBatches(batches())


async def test_a_batched_table_writes_whole_batches_and_reads_row_by_row() -> None:
    rows = [(str(n), f"row {n}", "a,b" if n % 7 == 0 else "") for n in range(2500)]
    chunks = [c async for c in csv_export.csv_chunks(Table("t", ("n", "text", "x"), _batches_of(rows, 1200)))]
    # Header and the first batch, then the second batch, then the rest: a chunk per batch.
    assert [c.count(b"\r\n") for c in chunks] == [1201, 1200, 100]
    out = io.BytesIO()
    await csv_export.write_csv(Table("t", ("n", "text", "x"), rows_of(rows)), out)
    assert b"".join(chunks) == out.getvalue()
    assert [row async for row in _batches_of(rows, 1200)] == rows
