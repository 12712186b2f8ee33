"""JSON API: scheduled reports CRUD with field errors, and the report downloads."""

from __future__ import annotations

from typing import Any

from portal_support import Portal
from test_api import call

SCHEDULES = "/api/v1/scheduled-reports"
WEEKLY: dict[str, Any] = {
    "name": "Weekly support", "report_type": "queue-performance", "frequency": "weekly", "time_of_day": "07:30",
    "weekday": 4, "recipients": ["boss@example.com"], "filters": {"queues": ["6401"]},
}


async def test_scheduled_reports_round_trip(portal: Portal) -> None:
    token = await portal.token("api-admin", "administrator")
    status, created = await call(portal, "POST", SCHEDULES, token, WEEKLY)
    assert status == 201, created
    assert {k: created[k] for k in WEEKLY} == WEEKLY and created["last_run_at"] is None
    assert portal.schedule_changes == ["changed"]
    assert await call(portal, "GET", SCHEDULES, token) == (200, [created])
    assert await call(portal, "GET", f"{SCHEDULES}/Weekly support", token) == (200, created)

    # Daily drops the stored weekday; other fields keep their values.
    status, changed = await call(portal, "PATCH", f"{SCHEDULES}/{created['id']}", token,
                                 {"frequency": "daily", "time_of_day": "06:00"})
    assert status == 200, changed
    assert (changed["frequency"], changed["weekday"], changed["time_of_day"], changed["filters"]) == (
        "daily", None, "06:00", {"queues": ["6401"]})
    assert len(portal.schedule_changes) == 2

    assert (await call(portal, "DELETE", f"{SCHEDULES}/{created['id']}", token))[0] == 204
    assert await call(portal, "GET", SCHEDULES, token) == (200, [])
    assert (await call(portal, "GET", f"{SCHEDULES}/{created['id']}", token))[0] == 404
    assert len(portal.schedule_changes) == 3


async def test_refused_input_names_the_field(portal: Portal) -> None:
    token = await portal.token("api-admin", "administrator")
    for change, field in (
        ({"time_of_day": "7:30"}, "time_of_day"), ({"weekday": 7}, "weekday"), ({"weekday": None}, "weekday"),
        ({"recipients": ["nobody"]}, "recipients[0]"), ({"recipients": "boss@example.com"}, "recipients"),
        ({"report_type": "nope"}, "report_type"), ({"filters": {"colour": "red"}}, "filters.colour"),
        ({"frequency": "hourly"}, "frequency"), ({"extra": 1}, "extra"),
    ):
        status, body = await call(portal, "POST", SCHEDULES, token, {**WEEKLY, **change})
        assert (status, body["field"]) == (400, field), change
    assert await call(portal, "GET", SCHEDULES, token) == (200, [])
    assert portal.schedule_changes == []


async def test_report_downloads(portal: Portal) -> None:
    token = await portal.token("api-admin", "administrator")
    folder = portal.config_dir.parent / "downloads"
    folder.mkdir()
    (folder / "r_20260301-20260301.csv").write_text("a,b\r\n")
    status, files = await call(portal, "GET", "/api/v1/report-downloads", token)
    assert status == 200 and [(f["name"], f["size"]) for f in files] == [("r_20260301-20260301.csv", 5)]
    response = await portal.client.get("/api/v1/report-downloads/r_20260301-20260301.csv", headers=token)
    assert response.status == 200 and await response.text() == "a,b\r\n"
    assert (await call(portal, "GET", "/api/v1/report-downloads/..%2Fsecrets.toml", token))[0] == 404
    assert (await call(portal, "DELETE", "/api/v1/report-downloads/r_20260301-20260301.csv", token))[0] == 204
    status, body = await call(portal, "DELETE", "/api/v1/report-downloads/r_20260301-20260301.csv", token)
    assert status == 404 and "does not exist" in body["error"]
