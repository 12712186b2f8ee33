"""A report as CSV: UTF-8, a header row, then the rows as they stream in (constant memory).

``csv_chunks`` yields encoded pieces for an HTTP response; ``write_csv`` fills a binary file.
Rows are buffered only up to ``FLUSH_ROWS`` (or one batch of a batched table) so large exports
are written in few system calls.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Sequence
from typing import BinaryIO, Final

from yeastar_ctl.reports.table import Table, row_batches

FLUSH_ROWS: Final = 1000


class CsvLines:
    """Rows as CSV lines, exactly as ``csv.writer`` writes them (ending in CR LF, RFC 4180's
    line end, which spreadsheet programs expect).

    A row whose cells hold no comma, quote or line break is its cells joined by commas; only
    the others go through the csv module, which is several times slower per row. ``block``
    checks a whole batch of rows at once.
    """

    def __init__(self) -> None:
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\r\n")

    def __call__(self, cells: Sequence[str]) -> str:
        try:
            line = ",".join(cells)
        except TypeError:  # a cell that is not text: the csv module prints it
            return self._written(cells)
        plain = len(cells) > 1 and line.count(",") == len(cells) - 1
        if not plain or '"' in line or "\r" in line or "\n" in line:
            return self._written(cells)
        return line + "\r\n"

    def block(self, rows: Sequence[Sequence[str]]) -> str:
        """The lines of ``rows``, joined."""
        try:
            text = "\r\n".join(map(",".join, rows))
        except TypeError:
            text = ""
        separators = len(rows) - 1
        # Commas only between cells and line breaks only between rows: nothing needs quotes.
        plain = bool(text) and text.count(",") == sum(map(len, rows)) - len(rows) and min(map(len, rows)) > 1
        if plain and '"' not in text and text.count("\r") == separators and text.count("\n") == separators:
            return text + "\r\n"
        return "".join(map(self, rows))

    def _written(self, cells: Sequence[object]) -> str:
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.writerow(cells)
        return self._buffer.getvalue()


async def csv_chunks(table: Table) -> AsyncIterator[bytes]:
    lines = CsvLines()
    pending, pending_rows = [lines(table.columns)], 1
    async for batch in row_batches(table.rows):
        pending.append(lines.block(batch))
        pending_rows += len(batch)
        if pending_rows >= FLUSH_ROWS:
            yield "".join(pending).encode("utf-8")
            pending, pending_rows = [], 0
    if pending:
        yield "".join(pending).encode("utf-8")


async def write_csv(table: Table, out: BinaryIO) -> int:
    """Write the table; returns the number of bytes written."""
    written = 0
    async for chunk in csv_chunks(table):
        written += out.write(chunk)
    return written
