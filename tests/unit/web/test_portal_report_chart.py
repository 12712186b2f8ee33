"""The Reports page draws a chart for the reports the seed shows one for."""

from __future__ import annotations

from portal_support import Portal
from test_portal_reports_and_apply import DAY, calls  # noqa: F401  (fixture)


async def test_the_activity_report_shows_a_bar_chart_of_its_rows(calls: Portal) -> None:  # noqa: F811
    await calls.user("admin", "administrator")
    await calls.login("admin")
    page = await (await calls.client.get(f"/reports?type=queue-performance-activity&{DAY}&by=hour")).text()
    start = page.index('<svg xmlns="http://www.w3.org/2000/svg" id="report-chart"')
    svg = page[start:page.index("</svg>", start)]
    assert "<title id=\"report-chart-title\">Queue Performance Activity</title>" in svg
    # Two abandoned calls at 10:00: one label, three series (answered, missed, abandoned).
    assert "Abandoned: 03/01/2026 10:00 2" in svg and svg.count("<rect x=") >= 3


async def test_a_report_without_a_graph_has_no_chart(calls: Portal) -> None:  # noqa: F811
    await calls.user("admin", "administrator")
    await calls.login("admin")
    page = await (await calls.client.get(f"/reports?type=queue-calls&{DAY}")).text()
    assert "5550100" in page and "<svg" not in page
