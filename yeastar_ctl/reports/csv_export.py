"""A report as CSV: UTF-8, a header row, then the rows as they stream in (constant memory).

``csv_chunks`` yields encoded pieces for an HTTP response; ``write_csv`` fills a binary file.
Rows are buffered only up to ``FLUSH_ROWS`` so large exports are written in few system calls.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from typing import BinaryIO, Final

from yeastar_ctl.reports.table import Table

FLUSH_ROWS: Final = 1000


async def csv_chunks(table: Table) -> AsyncIterator[bytes]:
    buffer = io.StringIO()
    # "\r\n" is RFC 4180's line end, which spreadsheet programs expect.
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.columns)
    pending = 1
    async for row in table.rows:
        writer.writerow(row)
        pending += 1
        if pending >= FLUSH_ROWS:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    if pending:
        yield buffer.getvalue().encode("utf-8")


async def write_csv(table: Table, out: BinaryIO) -> int:
    """Write the table; returns the number of bytes written."""
    written = 0
    async for chunk in csv_chunks(table):
        written += out.write(chunk)
    return written
