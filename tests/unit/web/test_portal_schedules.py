"""Scheduled Reports pages (add, edit, delete, field errors, the scheduler told) and Downloads
(list, download, delete, no path traversal), administrators only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from portal_support import Portal

from yeastar_ctl.services import scheduled_reports as schedules


def schedule_form(**changes: Any) -> dict[str, str]:
    data = {"name": "Support daily", "report_type": "queue-performance", "frequency": "daily",
            "time_of_day": "08:00", "weekday": "", "monthday": "", "recipients": "boss@example.com",
            "queues": "", "agents": "", "pause_reasons": "", "exclude_abandoned_within": "",
            "exclude_talk_within": "", "callback_result": "", "granularity": ""}
    return {**data, **{k: str(v) for k, v in changes.items()}}


async def stored(portal: Portal) -> list[Any]:
    async with portal.sessions() as session:
        return await schedules.list_schedules(session)


async def test_an_administrator_adds_edits_and_deletes_a_schedule(admin: Portal) -> None:
    response = await admin.post_form("/scheduled-reports/new", schedule_form(
        frequency="weekly", weekday="0", monthday="5", queues="6400, 6401", granularity="hour",
        recipients="a@example.com\nb@example.com, a@example.com"))
    assert response.status == 302 and response.headers["Location"] == "/scheduled-reports"
    [row] = await stored(admin)
    assert (row.frequency, row.weekday, row.monthday) == ("weekly", 0, None)  # monthday not for weekly
    assert row.recipients == ["a@example.com", "b@example.com"]
    assert row.filters == {"queues": ["6400", "6401"], "granularity": "hour"}
    assert admin.schedule_changes == ["changed"]
    page = await (await admin.client.get("/scheduled-reports")).text()
    assert "Support daily" in page and "weekly, Monday 08:00" in page and "never" in page

    edit = await (await admin.client.get(f"/scheduled-reports/{row.id}/edit")).text()
    assert 'value="6400 6401"' in edit and "a@example.com\nb@example.com</textarea>" in edit
    response = await admin.post_form(f"/scheduled-reports/{row.id}/edit", schedule_form(
        frequency="monthly", weekday="0", monthday="31", time_of_day="23:59"))
    assert response.status == 302
    [row] = await stored(admin)
    assert (row.frequency, row.weekday, row.monthday, row.time_of_day) == ("monthly", None, 31, "23:59")
    assert len(admin.schedule_changes) == 2

    response = await admin.post_form(f"/scheduled-reports/{row.id}/delete", {}, from_page="/scheduled-reports")
    assert response.status == 302
    assert await stored(admin) == [] and len(admin.schedule_changes) == 3


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"recipients": "boss@example.com not-an-address"}, "recipients", "must be an email address, got &#39;not-an-address&#39;"),
    ({"recipients": ""}, "recipients", "at least one email address is needed"),
    ({"time_of_day": "8:00"}, "time_of_day", "must be HH:MM"),
    ({"time_of_day": "24:00"}, "time_of_day", "must be HH:MM"),
    ({"frequency": "weekly"}, "weekday", "must be"),
    ({"frequency": "monthly", "monthday": "32"}, "monthday", "32"),
    ({"frequency": "monthly", "monthday": "x"}, "monthday", "Not a valid integer value"),
    ({"report_type": "nope"}, "report_type", "Not a valid choice"),
    ({"report_type": "satisfaction-survey"}, "queues", "the Satisfaction Survey report is for one queue"),
    ({"exclude_talk_within": "-1"}, "exclude_talk_within", "must be"),
    ({"name": ""}, "name", ""),
])
async def test_a_wrong_field_shows_its_error_and_nothing_is_saved(
        admin: Portal, changes: dict[str, str], field: str, message: str) -> None:
    await admin.refused("/scheduled-reports/new", schedule_form(**changes), field, message)
    assert await stored(admin) == [] and admin.schedule_changes == []


async def test_a_second_schedule_with_the_same_name_is_refused(admin: Portal) -> None:
    assert (await admin.post_form("/scheduled-reports/new", schedule_form())).status == 302
    await admin.refused("/scheduled-reports/new", schedule_form(), "name", "exists")


def downloads(portal: Portal) -> Path:
    path = portal.config_dir.parent / "downloads"  # <var_dir>/downloads; var_dir is the test's tmp_path
    path.mkdir(exist_ok=True)
    return path


async def test_downloads_are_listed_downloaded_and_deleted(admin: Portal) -> None:
    folder = downloads(admin)
    (folder / "Support-daily_20260301-20260301.csv").write_text("Queue,Total Calls\r\n6400,2\r\n")
    (folder / "Support-daily_20260302-20260302.partial").write_text("half")
    (folder.parent / "secrets.toml").write_text("ari_password = 'x'")
    page = await (await admin.client.get("/scheduled-reports/downloads")).text()
    assert 'href="/scheduled-reports/downloads/Support-daily_20260301-20260301.csv"' in page
    assert "partial" not in page
    response = await admin.client.get("/scheduled-reports/downloads/Support-daily_20260301-20260301.csv")
    assert response.status == 200 and "attachment" in response.headers["Content-Disposition"]
    assert await response.text() == "Queue,Total Calls\r\n6400,2\r\n"
    for bad in ("..%2Fsecrets.toml", "%2E%2E%2Fsecrets.toml", "secrets.toml", "..", "x.csv"):
        assert (await admin.client.get(f"/scheduled-reports/downloads/{bad}")).status == 404, bad
    response = await admin.post_form("/scheduled-reports/downloads/Support-daily_20260301-20260301.csv/delete", {},
                                     from_page="/scheduled-reports/downloads")
    assert response.status == 302 and not (folder / "Support-daily_20260301-20260301.csv").exists()
    response = await admin.post_form("/scheduled-reports/downloads/..%2Fsecrets.toml/delete", {},
                                     from_page="/scheduled-reports/downloads")
    assert (folder.parent / "secrets.toml").exists()


async def test_only_administrators_see_schedules_and_downloads(portal: Portal) -> None:
    await portal.setup_queues()
    await portal.user("manager", "queue_manager", "1003")
    await portal.login("manager")
    for path in ("/scheduled-reports", "/scheduled-reports/new", "/scheduled-reports/downloads"):
        assert (await portal.client.get(path)).status == 403, path
