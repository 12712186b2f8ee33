"""The SVG chart: axes, labels, title and description, escaping, bars and lines."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from yeastar_ctl.web.svg_chart import Chart, ChartKind, Series, nice_max, render_svg

SVG = "{http://www.w3.org/2000/svg}"


def parsed(chart: Chart) -> ET.Element:
    return ET.fromstring(render_svg(chart, element_id="c1"))


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def test_bars_have_a_title_a_description_axes_and_one_rect_per_value() -> None:
    chart = Chart("Calls", ("09:00", "10:00"), (Series("Answered", (3, 5)), Series("Missed", (1, 0))))
    root = parsed(chart)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{SVG}title").text == "Calls"  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").text == "Answered: 09:00 3, 10:00 5; Missed: 09:00 1, 10:00 0"  # type: ignore[union-attr]
    bars = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert len(bars) == 4
    # The tallest bar (5) reaches the top of the axis (nice max of 5 is 5); 0 has no height.
    heights = sorted(float(r.get("height", "0")) for r in bars)
    assert heights[0] == 0.0 and heights[-1] == 320 - 40 - 72
    labels = texts(root)
    assert {"09:00", "10:00", "Answered", "Missed", "Calls", "0", "5"} <= set(labels)
    assert len(list(root.iter(f"{SVG}line"))) == 6 + 2  # grid lines and the two axes


def test_text_is_escaped() -> None:
    chart = Chart("<script>&", ("a<b",), (Series('x"y', (1,)),))
    svg = render_svg(chart)
    assert "<script>" not in svg and "&lt;script&gt;&amp;" in svg
    root = ET.fromstring(svg)
    assert "a<b" in texts(root) and 'x"y' in texts(root)


def test_lines_write_values_in_the_given_format() -> None:
    chart = Chart("Wait", ("d1", "d2", "d3"), (Series("AVG", (30, 60, 90)),), kind=ChartKind.LINE,
                  value_format=lambda v: f"{int(v)}s")
    root = parsed(chart)
    line = root.find(f"{SVG}polyline")
    assert line is not None and len(line.get("points", "").split()) == 3
    assert "100s" in texts(root) and "d1 30s" in (root.find(f"{SVG}desc").text or "")  # type: ignore[union-attr]


def test_an_empty_chart_says_so() -> None:
    root = parsed(Chart("Nothing", (), (Series("Answered", ()),)))
    assert "No data in this period." in texts(root)


def test_a_series_must_match_the_labels() -> None:
    with pytest.raises(ValueError, match="2 values for 1 labels"):
        Chart("Bad", ("a",), (Series("s", (1, 2)),))


@pytest.mark.parametrize(("value", "top"), [(0, 1), (3, 5), (7, 10), (12, 20), (21, 25), (0.4, 0.5), (100, 100)])
def test_the_axis_top_is_a_round_number(value: float, top: float) -> None:
    assert nice_max(value) == pytest.approx(top)


def test_long_labels_are_thinned_so_they_do_not_overlap() -> None:
    labels = tuple(f"11/22/2026 {h:02d}:00" for h in range(12))
    root = parsed(Chart("Hours", labels, (Series("n", tuple(1.0 for _ in labels)),)))
    shown = [t for t in texts(root) if t in labels]
    assert shown == list(labels[::3])  # 16 characters: four or five fit in the plot's width


def test_counts_get_whole_number_ticks() -> None:
    root = parsed(Chart("Calls", ("a",), (Series("n", (1,)),)))
    ticks = {t for t in texts(root) if t.replace(".", "").isdigit()}
    assert ticks == {"0", "1", "2", "3", "4", "5"}


def test_many_labels_are_thinned() -> None:
    labels = tuple(f"{h:02d}" for h in range(48))
    root = parsed(Chart("Hours", labels, (Series("n", tuple(1.0 for _ in labels)),)))
    shown = [t for t in texts(root) if t in labels]
    assert 0 < len(shown) <= 16 and shown[0] == "00"
