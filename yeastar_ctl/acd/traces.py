"""Routing traces: per waiting call, in words, why each agent was rung or skipped, or why the
call left or still waits. The queue panel and the API show them.

A pass notes each call's trace as a recipe (a render function and its few arguments), and
`Traces` renders the text of a call only when it is first read. Text is most of what a pass
would otherwise write, a line per member of the queue for every offer, and the traces of a
pass are read only when someone looks at the queue panel or the API before the next pass.
Rendering depends on nothing but the recipe, and a rendered trace is kept, so reading a trace
twice gives the same tuple and `Decision.traces` behaves as the plain mapping it was.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from yeastar_ctl.acd.model import Membership
from yeastar_ctl.acd.strategies import Candidate, list_order

NO_AGENT_AVAILABLE = "no agent available: waiting"
TAKEN = "offered a higher-priority call in this pass"

# (render function, *its arguments); rendering is `recipe[0](*recipe[1:])`.
Recipe = tuple[Any, ...]


class Traces(Mapping[str, tuple[str, ...]]):
    """Entry id -> its trace lines, rendered from the pass's recipes when first read."""

    __slots__ = ("_recipes", "_rendered")

    def __init__(self, recipes: Mapping[str, Recipe]) -> None:
        self._recipes = recipes
        self._rendered: dict[str, tuple[str, ...]] = {}

    def __getitem__(self, entry_id: str) -> tuple[str, ...]:
        lines = self._rendered.get(entry_id)
        if lines is None:
            render, *args = self._recipes[entry_id]
            lines = self._rendered[entry_id] = render(*args)
        return lines

    def __iter__(self) -> Iterator[str]:
        return iter(self._recipes)

    def __len__(self) -> int:
        return len(self._recipes)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._recipes

    def __repr__(self) -> str:
        return f"Traces({dict(self)!r})"


class SkipTable:
    """The first lines of the traces of a queue's calls during a pass: its members who cannot be
    rung, in list order, each with the reason. It only grows: a free member offered a call (of
    this queue or another) joins it as "offered a higher-priority call in this pass". A call's
    skip lines are the table at the `version` it was decided at."""

    __slots__ = ("members", "reasons", "taken", "_listed", "_lines", "_waiting")

    def __init__(self, members: Sequence[Candidate], reasons: Sequence[str | None]) -> None:
        # The queue's members in any order, and per member why it cannot be rung (None: it was
        # free when the table was made); the lines come in list order, sorted only when read.
        self.members = members
        self.reasons = reasons
        self.taken: list[str] = []  # free members offered a call since, in the order offered
        self._listed: list[tuple[str, str, bool]] | None = None  # see `lines`
        self._lines: dict[int, tuple[str, ...]] = {}
        self._waiting: dict[int, tuple[str, ...]] = {}

    @property
    def version(self) -> int:
        return len(self.taken)

    def lines(self, version: int) -> tuple[str, ...]:
        lines = self._lines.get(version)
        if lines is None:
            if self._listed is None:
                # Each member's line, made once: (extension, line, whether it shows whatever the version)
                reasons = {c[0]: reason for c, reason in zip(self.members, self.reasons, strict=True)}
                self._listed = [
                    (c[0], f"{c[0]}: skipped, {reasons[c[0]] or TAKEN}", reasons[c[0]] is not None)
                    for c in list_order(self.members)
                ]
            taken = set(self.taken[:version])
            lines = self._lines[version] = tuple(
                line for extension, line, always in self._listed if always or extension in taken
            )
        return lines


def waiting_trace(table: SkipTable, version: int) -> tuple[str, ...]:
    """A call that finds no free member. All later calls of the queue in the pass find the same,
    so they share one tuple."""
    lines = table._waiting.get(version)
    if lines is None:
        lines = table._waiting[version] = (*table.lines(version), NO_AGENT_AVAILABLE)
    return lines


def offer_trace(
    table: SkipTable,
    version: int,
    free: list[tuple[str, Membership]],
    tried: frozenset[str] | None,
    top: int | None,
    ordered: list[tuple[str, Membership]],
    rung: int,
    label: str,
    priority: int,
) -> tuple[str, ...]:
    """A call offered to the first `rung` of `ordered`. `free`: the queue's free members when it
    was decided, in list order; `tried`: the agents already rung in its round, if that counts
    for the queue's strategy; `top`: with skills, the tier rung."""
    trace = list(table.lines(version))
    pool = free
    if tried:
        untried = [c for c in free if c[0] not in tried]
        if untried:
            trace += [f"{c[0]}: skipped, already rung in this round" for c in free if c[0] in tried]
            pool = untried
        else:
            trace.append("every available agent was rung: a new round starts")
    tier = ""
    if top is not None:
        trace += [f"{e}: waits, skill level {m.skill} is below level {top}" for e, m in pool if m.skill != top]
        tier = f", skill level {top}"
    trace += [f"{extension}: ring ({label}{tier}, call priority {priority})" for extension, _ in ordered[:rung]]
    trace += [f"{extension}: available, next in {label} order" for extension, _ in ordered[rung:]]
    return tuple(trace)


def as_is(lines: tuple[str, ...]) -> tuple[str, ...]:
    return lines


def ringing_trace(agents: frozenset[str]) -> tuple[str, ...]:
    return (f"ringing {', '.join(sorted(agents))}",)


def retry_trace(until: datetime) -> tuple[str, ...]:
    return (f"retry interval until {until:%H:%M:%S}",)


def timed_out_trace(deadline: datetime) -> tuple[str, ...]:
    return (f"waited until {deadline:%H:%M:%S}: the maximum waiting time is reached",)


def gone_trace(queue: str) -> tuple[str, ...]:
    return (f"queue {queue} no longer exists",)


LEAVE_EMPTY_TRACE = ("no agent can take calls (Leave Empty)",)
