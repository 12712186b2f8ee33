"""Which reports get a chart on the Reports page, and which of their columns it plots.

The seed shows graphs for the queue reports (waiting and talking time over hours, days or
months; the performance counts; the survey's average points). The chart is read from the very
rows the table shows, so the two never disagree; a Total row is left out (it would dwarf the
periods next to it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from yeastar_ctl.reports.catalog import ReportKind
from yeastar_ctl.reports.formatting import hms
from yeastar_ctl.reports.queue_performance import TOTAL
from yeastar_ctl.reports.table import Row
from yeastar_ctl.web.svg_chart import Chart, ChartKind, Series

OUTCOMES: Final = ("Answered", "Missed", "Abandoned")


def duration_seconds(cell: str) -> float:
    """``01:02:03`` -> 3723 (hours may run past two digits)."""
    hours, minutes, seconds = cell.split(":")
    return float(int(hours) * 3600 + int(minutes) * 60 + int(seconds))


def number(cell: str) -> float:
    return float(cell.rstrip("%") or 0)


@dataclass(frozen=True)
class ChartSpec:
    kind: ChartKind
    series: tuple[str, ...]  # column names plotted; the first column labels the x axis
    parse: Callable[[str], float] = number
    value_format: Callable[[float], str] | None = None


def _as_hms(seconds: float) -> str:
    return hms(round(seconds))


SPECS: Final[dict[str, ChartSpec]] = {
    ReportKind.QUEUE_WAIT_TALK: ChartSpec(
        ChartKind.LINE,
        ("AVG Waiting Time (All Calls)", "AVG Waiting Time (Answered Calls)", "Average Talking Time"),
        duration_seconds, _as_hms),
    ReportKind.QUEUE_PERFORMANCE_ACTIVITY: ChartSpec(ChartKind.BAR, OUTCOMES),
    ReportKind.QUEUE_PERFORMANCE: ChartSpec(ChartKind.BAR, OUTCOMES),
    ReportKind.SATISFACTION_SURVEY: ChartSpec(ChartKind.BAR, ("Average Points",)),
}


def chart_for(kind: str, title: str, columns: Sequence[str], rows: Sequence[Row]) -> Chart | None:
    """The chart of a report's rows, or None for a report the seed shows no graph for."""
    spec = SPECS.get(kind)
    if spec is None or any(name not in columns for name in spec.series):
        return None
    plotted = [row for row in rows if row[0] != TOTAL]
    where = [columns.index(name) for name in spec.series]
    return Chart(
        title=title,
        labels=tuple(str(row[0]) for row in plotted),
        series=tuple(
            Series(name, tuple(spec.parse(str(row[i])) for row in plotted))
            for name, i in zip(spec.series, where, strict=True)
        ),
        kind=spec.kind,
        value_format=spec.value_format,
    )
