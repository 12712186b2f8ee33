"""Routing traces rendered when read (traces.py): the mapping behaves as the plain mapping of
entry id -> lines it stands for, and a queue's skip lines are the table as it was when each
call was decided."""

from builders import at, static

from yeastar_ctl.acd.traces import (
    NO_AGENT_AVAILABLE, SkipTable, Traces, as_is, offer_trace, retry_trace, waiting_trace,
)

# 1002 and 1003 are listed before 1004 whatever order the table gets them in.
MEMBERS = [("1004", static("6400", 4)), ("1002", static("6400", 2)), ("1003", static("6400", 3))]


def test_traces_render_each_entry_once_when_read_and_compare_as_a_dict() -> None:
    rendered: list[str] = []

    def counted(line: str) -> tuple[str, ...]:
        rendered.append(line)
        return (line,)

    traces = Traces({"b": (counted, "second"), "a": (as_is, ("first",))})
    assert rendered == []
    assert traces["b"] == ("second",) and traces["b"] is traces["b"]
    assert rendered == ["second"]
    assert list(traces) == ["b", "a"] and len(traces) == 2 and "a" in traces and "c" not in traces
    assert traces == {"b": ("second",), "a": ("first",)}
    assert traces.get("c", ()) == ()
    assert repr(traces) == "Traces({'b': ('second',), 'a': ('first',)})"


def test_a_calls_skip_lines_are_the_table_at_the_version_it_was_decided_at() -> None:
    table = SkipTable(MEMBERS, ["paused", None, None])
    before = table.version
    table.taken.append("1002")
    assert table.lines(before) == ("1004: skipped, paused",)
    assert table.lines(table.version) == (
        "1002: skipped, offered a higher-priority call in this pass",
        "1004: skipped, paused",
    )
    assert waiting_trace(table, table.version)[-1] == NO_AGENT_AVAILABLE
    assert waiting_trace(table, table.version) is waiting_trace(table, table.version)


def test_an_offer_trace_lists_the_round_the_tier_the_ring_and_who_is_next() -> None:
    table = SkipTable(MEMBERS, ["paused", None, None])
    free = [MEMBERS[1], MEMBERS[2]]
    assert offer_trace(table, 0, free, frozenset({"1002"}), None, [MEMBERS[2]], 1, "Linear", 7) == (
        "1004: skipped, paused",
        "1002: skipped, already rung in this round",
        "1003: ring (Linear, call priority 7)",
    )
    assert offer_trace(table, 0, free, frozenset({"1002", "1003"}), 1, free, 2, "Ring All", 1) == (
        "1004: skipped, paused",
        "every available agent was rung: a new round starts",
        "1002: ring (Ring All, skill level 1, call priority 1)",
        "1003: ring (Ring All, skill level 1, call priority 1)",
    )


def test_times_in_traces_are_shown_to_the_second() -> None:
    assert retry_trace(at(105.5)) == ("retry interval until 09:01:45",)
