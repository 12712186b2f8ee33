from __future__ import annotations

from yeastar_ctl.reports.text_table import render


def test_columns_are_as_wide_as_their_widest_cell() -> None:
    text = render("Queue Performance", ("Queue", "Total Calls"), [("6400-Pre-Sales", "13"), ("Total", "19")])
    assert text.splitlines() == [
        "Queue Performance",
        "",
        "Queue           Total Calls",
        "--------------  -----------",
        "6400-Pre-Sales  13",
        "Total           19",
    ]


def test_an_empty_report_says_so() -> None:
    assert render("T", ("A",), []).splitlines()[-1] == "(no data)"
