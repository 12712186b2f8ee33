"""A report as a plain-text table for a terminal (the CLI without ``--csv``)."""

from __future__ import annotations

from collections.abc import Sequence

from yeastar_ctl.reports.table import Row

GAP = "  "


def render(title: str, columns: Sequence[str], rows: Sequence[Row]) -> str:
    """Left-aligned columns as wide as their widest cell, a rule under the header."""
    widths = [max([len(column), *(len(row[i]) for row in rows)]) for i, column in enumerate(columns)]

    def line(cells: Sequence[str]) -> str:
        return GAP.join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()

    body = [line(row) for row in rows] or ["(no data)"]
    return "\n".join([title, "", line(columns), GAP.join("-" * w for w in widths), *body])
