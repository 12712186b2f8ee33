"""Which report rows become which chart."""

from __future__ import annotations

from yeastar_ctl.reports.queue_performance import ACTIVITY_COLUMNS, WAIT_TALK_COLUMNS
from yeastar_ctl.web.report_charts import chart_for, duration_seconds
from yeastar_ctl.web.svg_chart import ChartKind


def activity_row(label: str, answered: str, missed: str, abandoned: str) -> tuple[str, ...]:
    cells = dict.fromkeys(ACTIVITY_COLUMNS, "0")
    cells.update({"Date": label, "Answered": answered, "Missed": missed, "Abandoned": abandoned})
    return tuple(cells[c] for c in ACTIVITY_COLUMNS)


def test_activity_bars_leave_out_the_total_row() -> None:
    rows = [activity_row("2026-03-01", "3", "1", "0"), activity_row("2026-03-02", "2", "0", "4"),
            activity_row("Total", "5", "1", "4")]
    chart = chart_for("queue-performance-activity", "Activity", ACTIVITY_COLUMNS, rows)
    assert chart is not None and chart.kind == ChartKind.BAR
    assert chart.labels == ("2026-03-01", "2026-03-02")
    assert [(s.name, s.values) for s in chart.series] == [
        ("Answered", (3, 2)), ("Missed", (1, 0)), ("Abandoned", (0, 4))]


def test_wait_and_talk_lines_are_in_seconds_and_print_as_hms() -> None:
    rows = [("10:00", "00:00:12", "00:00:08", "00:01:40")]
    chart = chart_for("queue-wait-talk", "Wait", WAIT_TALK_COLUMNS, rows)
    assert chart is not None and chart.kind == ChartKind.LINE
    assert [s.values for s in chart.series] == [(12,), (8,), (100,)]
    assert chart.value_format is not None and chart.value_format(100) == "00:01:40"


def test_reports_without_a_graph_get_none() -> None:
    assert chart_for("agent-login", "Login", ("Agent",), [("1001",)]) is None


def test_durations_past_a_day() -> None:
    assert duration_seconds("100:00:01") == 360001
