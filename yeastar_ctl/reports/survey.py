"""Satisfaction Survey and Satisfaction Survey Details (seed: Queue Performance Reports).

The survey table's columns are the queue's keys (``KEY:2 (-1 Points)``), so one report covers
one queue. Keys pressed that the queue no longer defines still get a column (with the points
recorded at the time), after the configured ones. Average Points = Total Points / Total KEY,
truncated to two decimals (seed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Final

from yeastar_ctl.reports.formatting import extension_label, local_time, truncated_average
from yeastar_ctl.reports.table import Row
from yeastar_ctl.reports.values import SurveyRecord

DETAIL_COLUMNS: Final = ("Agent", "Time", "Call From", "Key", "Points")
NO_AGENT: Final = "None"


@dataclass
class _KeyCounts:
    """A mutable tally while folding one queue's results (never leaves this module)."""

    keys: dict[str, int] = field(default_factory=dict)
    points: int = 0

    def add(self, record: SurveyRecord) -> None:
        self.keys[record.key] = self.keys.get(record.key, 0) + 1
        self.points += record.points


@dataclass(frozen=True)
class SurveyTable:
    columns: tuple[str, ...]
    rows: tuple[Row, ...]


def _key_columns(configured: Iterable[tuple[str, int]], seen: Mapping[str, int]) -> list[tuple[str, int]]:
    keys = list(configured)
    known = {key for key, _ in keys}
    keys += sorted((key, points) for key, points in seen.items() if key not in known)
    return keys


def _cells(label: str, tally: _KeyCounts, keys: list[tuple[str, int]]) -> Row:
    total = sum(tally.keys.values())
    counts = tuple(str(tally.keys.get(key, 0)) for key, _ in keys)
    return (label, *counts, str(total), str(tally.points), truncated_average(tally.points, total))


def survey_table(
    queue_label: str, configured: Iterable[tuple[str, int]], records: Iterable[SurveyRecord]
) -> SurveyTable:
    """The queue's row, then a row per agent (by extension number)."""
    queue = _KeyCounts()
    agents: dict[str, tuple[str, _KeyCounts]] = {}
    seen: dict[str, int] = {}
    for record in records:
        queue.add(record)
        seen.setdefault(record.key, record.points)
        number = record.agent_extension or ""
        label = extension_label(number, record.agent_name) if number else NO_AGENT
        agents.setdefault(number, (label, _KeyCounts()))[1].add(record)
    keys = _key_columns(configured, seen)
    columns = ("Queue", *(f"KEY:{key} ({points} Points)" for key, points in keys),
               "Total KEY", "Total Points", "Average Points")
    rows = [_cells(queue_label, queue, keys)]
    rows += [_cells(label, tally, keys) for _, (label, tally) in sorted(agents.items())]
    return SurveyTable(columns, tuple(rows))


def detail_cells(record: SurveyRecord, zone: tzinfo) -> Row:
    agent = extension_label(record.agent_extension, record.agent_name) if record.agent_extension else NO_AGENT
    return agent, local_time(record.joined_at, zone), record.caller_number, record.key, str(record.points)
