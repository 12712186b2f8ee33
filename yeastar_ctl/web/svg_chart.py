"""A small server-rendered SVG chart (grouped bars or lines) for the report pages.

Pure: labels and series in, an SVG string out. No JavaScript and no chart library: the portal
has no build step, and a report chart needs axes, a legend and readable labels, nothing more.
Every text is escaped; the SVG carries ``<title>`` and ``<desc>`` (and ``role="img"`` with
``aria-labelledby``) so screen readers announce it, and the table next to it keeps the numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from html import escape
from typing import Final

WIDTH: Final = 720
HEIGHT: Final = 320
LEFT: Final = 72  # room for the y-axis labels
RIGHT: Final = 16
TOP: Final = 40  # the title
BOTTOM: Final = 72  # x labels and the legend
TICKS: Final = 5
MAX_X_LABELS: Final = 16  # more categories than fit: only every n-th label is written
CHAR_WIDTH: Final = 6.5  # px of an 11px label character, roughly
LABEL_GAP: Final = 10
COLOURS: Final = ("#1f77b4", "#d62728", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b")


class ChartKind(StrEnum):
    BAR = "bar"
    LINE = "line"


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float, ...]


@dataclass(frozen=True)
class Chart:
    title: str
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    kind: ChartKind = ChartKind.BAR
    description: str = ""
    # How y values are written on the axis (e.g. seconds as HH:MM:SS); plain numbers by default.
    value_format: Callable[[float], str] | None = None

    def __post_init__(self) -> None:
        for s in self.series:
            if len(s.values) != len(self.labels):
                raise ValueError(f"series {s.name!r} has {len(s.values)} values for {len(self.labels)} labels")


def _plain(value: float) -> str:
    return f"{value:g}"


def nice_max(value: float) -> float:
    """The top of the y axis: ``value`` rounded up to 1, 2, 2.5 or 5 times a power of ten, so
    the tick labels are round numbers."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1.0, 2.0, 2.5, 5.0, 10.0) if value <= step * power)


def labels_that_fit(labels: tuple[str, ...], width: float) -> int:
    """How many x labels can stand side by side without overlapping (at most MAX_X_LABELS)."""
    longest = max((len(label) for label in labels), default=1)
    return max(1, min(MAX_X_LABELS, int(width // (longest * CHAR_WIDTH + LABEL_GAP))))


def _text(x: float, y: float, content: str, **attrs: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{escape(v)}"' for k, v in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{escape(content)}</text>'


def _description(chart: Chart, fmt: Callable[[float], str]) -> str:
    if chart.description:
        return chart.description
    parts = [
        f"{s.name}: " + ", ".join(f"{label} {fmt(v)}" for label, v in zip(chart.labels, s.values, strict=True))
        for s in chart.series
    ]
    return "; ".join(parts) or "No data."


def render_svg(chart: Chart, *, element_id: str = "chart") -> str:
    """The chart as an inline ``<svg>`` element."""
    fmt = chart.value_format or _plain
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    values = [v for s in chart.series for v in s.values]
    top_value = nice_max(max(values, default=0.0))
    if all(float(v).is_integer() for v in values):
        top_value = max(top_value, float(TICKS))  # counts: whole-number ticks, never 0.2 calls

    def y_of(value: float) -> float:
        return TOP + plot_h - (max(value, 0.0) / top_value) * plot_h

    title_id, desc_id = f"{element_id}-title", f"{element_id}-desc"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{escape(element_id)}" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" style="width:100%;max-width:{WIDTH}px;height:auto" aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{escape(chart.title)}</title>',
        f'<desc id="{desc_id}">{escape(_description(chart, fmt))}</desc>',
        _text(WIDTH / 2, 22, chart.title, text_anchor="middle", font_weight="bold"),
    ]
    for i in range(TICKS + 1):
        value = top_value * i / TICKS
        y = y_of(value)
        out.append(f'<line class="grid" x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot_w}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(_text(LEFT - 6, y + 4, fmt(value), text_anchor="end", font_size="11"))
    out.append(f'<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#333"/>')
    out.append(f'<line class="axis" x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" '
               'stroke="#333"/>')

    count = len(chart.labels)
    slot = plot_w / count if count else plot_w
    every = max(1, math.ceil(count / labels_that_fit(chart.labels, plot_w)))
    for i, label in enumerate(chart.labels):
        if i % every == 0:
            out.append(_text(LEFT + slot * (i + 0.5), TOP + plot_h + 16, label, text_anchor="middle",
                             font_size="11"))
    out += _bars(chart, slot, y_of) if chart.kind == ChartKind.BAR else _lines(chart, slot, y_of)
    out += _legend(chart)
    if not count:
        out.append(_text(LEFT + plot_w / 2, TOP + plot_h / 2, "No data in this period.", text_anchor="middle"))
    out.append("</svg>")
    return "\n".join(out)


def _bars(chart: Chart, slot: float, y_of: Callable[[float], float]) -> list[str]:
    groups = len(chart.series) or 1
    bar_w = slot * 0.8 / groups
    base = y_of(0)
    out = []
    for n, s in enumerate(chart.series):
        colour = COLOURS[n % len(COLOURS)]
        for i, value in enumerate(s.values):
            x = LEFT + slot * i + slot * 0.1 + bar_w * n
            y = y_of(value)
            out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{base - y:.1f}" '
                       f'fill="{colour}"><title>{escape(f"{s.name}, {chart.labels[i]}: {value:g}")}</title></rect>')
    return out


def _lines(chart: Chart, slot: float, y_of: Callable[[float], float]) -> list[str]:
    out = []
    for n, s in enumerate(chart.series):
        colour = COLOURS[n % len(COLOURS)]
        points = [(LEFT + slot * (i + 0.5), y_of(v)) for i, v in enumerate(s.values)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        out += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>' for x, y in points]
    return out


def _legend(chart: Chart) -> list[str]:
    out = []
    x = float(LEFT)
    y = HEIGHT - 18
    for n, s in enumerate(chart.series):
        colour = COLOURS[n % len(COLOURS)]
        out.append(f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{colour}"/>')
        out.append(_text(x + 14, y, s.name, font_size="11"))
        x += 28 + 7 * len(s.name)
    return out
