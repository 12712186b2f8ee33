"""The JSON API: token auth, roles, every endpoint, and 4xx with the field on bad input."""

from __future__ import annotations

import re
from typing import Any

import pytest
from portal_support import Portal

from yeastar_ctl.services import extensions as extension_service
from yeastar_ctl.services import queues as queue_service
from yeastar_ctl.services.queues import NOTIFY_FIELDS
from yeastar_ctl.web.api import API_ROUTES
from yeastar_ctl.web.api_common import ADMIN


@pytest.fixture
async def admin_token(portal: Portal) -> dict[str, str]:
    return await portal.token("api-admin", "administrator")


async def call(portal: Portal, method: str, path: str, headers: dict[str, str], body: Any = None) -> tuple[int, Any]:
    response = await portal.client.request(method, path, headers=headers, json=body)
    payload = await response.json() if response.content_type == "application/json" else None
    return response.status, payload


ENDPOINTS = [(r.method, re.sub(r"{\w+}", "6400", r.path)) for r in API_ROUTES]
CONFIGURATION = [(method, path) for (method, path), r in zip(ENDPOINTS, API_ROUTES, strict=True) if r.roles == ADMIN]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
async def test_every_endpoint_needs_a_valid_token(portal: Portal, method: str, path: str) -> None:
    for authorization in (None, "Bearer", "Bearer yc_not-a-token", "Basic YWRtaW46YWRtaW4="):
        headers = {"Authorization": authorization} if authorization else {}
        status, body = await call(portal, method, path, headers, {})
        assert status == 401, authorization
        assert "token" in body["error"] and body["field"] is None


@pytest.mark.parametrize(("method", "path"), CONFIGURATION)
async def test_agents_and_managers_may_not_configure(portal: Portal, method: str, path: str) -> None:
    await portal.setup_queues()
    for name, role, extension in (("agent", "agent", "1001"), ("manager", "queue_manager", "1003")):
        status, body = await call(portal, method, path, await portal.token(name, role, extension), {})
        assert status == 403, (role, body)
    async with portal.sessions() as session:
        assert len(await extension_service.list_extensions(session)) == 3


async def test_managers_read_the_live_views_and_agents_do_not(portal: Portal) -> None:
    await portal.setup_queues()
    manager = await portal.token("manager", "queue_manager", "1003")
    assert await call(portal, "GET", "/api/v1/routing", manager) == (200, {"calls": []})
    assert await call(portal, "GET", "/api/v1/online-status", manager) == (200, {"1001": {"online": True}})
    agent = await portal.token("agent", "agent", "1001")
    assert (await call(portal, "GET", "/api/v1/routing", agent))[0] == 403


async def test_extensions_round_trip(portal: Portal, admin_token: dict[str, str]) -> None:
    status, created = await call(portal, "POST", "/api/v1/extensions", admin_token, {"number": "1001", "name": "Leo Ball"})
    assert status == 201
    assert created["number"] == "1001" and created["presence"] == "available" and len(created["sip_secret"]) >= 16
    assert await call(portal, "GET", "/api/v1/extensions", admin_token) == (200, [created])
    assert await call(portal, "GET", "/api/v1/extensions/1001", admin_token) == (200, created)
    status, changed = await call(portal, "PATCH", "/api/v1/extensions/1001", admin_token,
                                 {"name": "Leo B.", "email": "leo@example.com", "presence": "away"})
    assert status == 200 and (changed["name"], changed["email"], changed["presence"]) == ("Leo B.", "leo@example.com", "away")
    status, changed = await call(portal, "PATCH", "/api/v1/extensions/1001", admin_token, {"email": None})
    assert changed["email"] is None and changed["name"] == "Leo B."
    assert (await call(portal, "DELETE", "/api/v1/extensions/1001", admin_token))[0] == 204
    assert await call(portal, "GET", "/api/v1/extensions/1001", admin_token) == (
        404, {"error": "extension 1001 does not exist", "field": None})


@pytest.mark.parametrize(("method", "path", "body", "status", "field"), [
    ("POST", "/api/v1/extensions", {"number": "1", "name": "A"}, 400, "number"),
    ("POST", "/api/v1/extensions", {"number": "1001"}, 400, "name"),
    ("POST", "/api/v1/extensions", {"number": "1001", "name": "A", "colour": "red"}, 400, "colour"),
    ("POST", "/api/v1/extensions", ["not", "an", "object"], 400, "body"),
    ("PATCH", "/api/v1/extensions/1002", {"presence": "asleep"}, 400, "presence"),
    ("PATCH", "/api/v1/extensions/1999", {"name": "A"}, 404, None),
    ("DELETE", "/api/v1/extensions/1999", None, 404, None),
    ("POST", "/api/v1/queues", {"name": "Q"}, 400, "number"),
    ("POST", "/api/v1/queues", {"number": "6400", "name": "Again"}, 400, "number"),
    ("POST", "/api/v1/queues", {"number": "6402", "name": "Q", "weight": 0}, 400, "weight"),
    ("POST", "/api/v1/queues", {"number": "6402", "name": "Q", "static": [["1999", 1]]}, 400, "members"),
    ("POST", "/api/v1/queues", {"number": "6402", "name": "Q", "static": "1001"}, 400, "static"),
    ("POST", "/api/v1/queues", {"number": "6402", "name": "Q", "managers": [1001]}, 400, "managers[0]"),
    ("POST", "/api/v1/queues", {"number": "6402", "name": "Q", "managers": "1001"}, 400, "managers"),
    ("POST", "/api/v1/queues", {"number": "6402", "name": "Q", "managers": [{"extension": "1001", "notify_fax": True}]},
     400, "managers[0].notify_fax"),
    ("POST", "/api/v1/queues", {"number": "6402", "name": "Q", "managers": [{"extension": "1001", "notify_sla": "yes"}]},
     400, "managers[0].notify_sla"),
    ("POST", "/api/v1/queues", {"number": "6402", "name": "Q", "managers": [{"notify_sla": True}]}, 400, "managers[0]"),
    ("PATCH", "/api/v1/queues/6400", {"survey_points": {"1": 5, "x": 1}}, 400, "survey_points"),
    ("PATCH", "/api/v1/queues/6400", {"survey_points": [["1", 5], ["1", 2]]}, 400, "survey_points"),
    ("PATCH", "/api/v1/queues/6400", {"survey_points": {"1": 500}}, 400, "survey_points[1]"),
    ("PATCH", "/api/v1/queues/6400", {"survey_end_prompt": "custom/bye"}, 400, "survey_end_prompt"),
    ("PATCH", "/api/v1/queues/6400", {"join_empty_conditions": ["asleep"]}, 400, "join_empty_conditions"),
    ("PATCH", "/api/v1/queues/6400", {"leave_empty_conditions": "busy"}, 400, "leave_empty_conditions"),
    ("PATCH", "/api/v1/queues/6400", {"number": "6410"}, 400, "number"),
    ("PATCH", "/api/v1/queues/6400", {"ring_strategy": "loudest"}, 400, "ring_strategy"),
    ("PATCH", "/api/v1/queues/6400", {"callback_enabled": True, "key_press_key": "1"}, 400, "callback_digit"),
    ("PATCH", "/api/v1/queues/6400", {"wrapup_seconds": "ten"}, 400, "wrapup_seconds"),
    ("PATCH", "/api/v1/queues/6499", {"name": "A"}, 404, None),
    ("GET", "/api/v1/queues/6499", None, 404, None),
])
async def test_bad_input_is_a_4xx_naming_the_field_and_changes_nothing(
    portal: Portal, admin_token: dict[str, str], method: str, path: str, body: Any, status: int, field: str | None,
) -> None:
    await portal.setup_queues()
    async with portal.sessions() as session:
        before = [(q.number, q.name, q.settings) for q in await queue_service.list_queues(session)]
    got_status, got = await call(portal, method, path, admin_token, body)
    assert (got_status, got["field"]) == (status, field), got
    assert got["error"]
    async with portal.sessions() as session:
        assert [(q.number, q.name, q.settings) for q in await queue_service.list_queues(session)] == before
        assert len(await extension_service.list_extensions(session)) == 3


async def test_a_body_that_is_not_json_is_refused(portal: Portal, admin_token: dict[str, str]) -> None:
    response = await portal.client.post("/api/v1/extensions", headers=admin_token, data="number=1001")
    assert response.status == 400
    assert await response.json() == {"error": "must be JSON", "field": "body"}


async def test_queues_round_trip_with_members_and_managers(portal: Portal, admin_token: dict[str, str]) -> None:
    await portal.setup_queues()
    status, created = await call(portal, "POST", "/api/v1/queues", admin_token, {
        "number": "6490", "name": "Billing", "ring_strategy": "linear", "weight": 7, "priority_enabled": True,
        "static": [["1001", 1], ["1002", 2]], "dynamic": [["1003", 1]], "managers": ["1003"],
        "leave_empty_conditions": ["unavailable"],
    })
    assert status == 201, created
    assert (created["ring_strategy"], created["weight"], created["wrapup_seconds"]) == ("linear", 7, 10)
    assert created["static"] == [["1001", 1], ["1002", 2]] and created["dynamic"] == [["1003", 1]]
    assert created["managers"] == [{"extension": "1003", **dict.fromkeys(NOTIFY_FIELDS, False)}]
    assert created["leave_empty_conditions"] == ["unavailable"]
    assert await call(portal, "GET", "/api/v1/queues/6490", admin_token) == (200, created)
    status, changed = await call(portal, "PATCH", "/api/v1/queues/6490", admin_token, {"wrapup_seconds": 30, "dynamic": []})
    assert status == 200
    assert (changed["wrapup_seconds"], changed["weight"], changed["dynamic"], changed["static"]) == (
        30, 7, [], created["static"])
    status, listed = await call(portal, "GET", "/api/v1/queues", admin_token)
    assert [q["number"] for q in listed] == ["6400", "6401", "6490"]
    assert (await call(portal, "DELETE", "/api/v1/queues/6490", admin_token))[0] == 204
    assert (await call(portal, "GET", "/api/v1/queues/6490", admin_token))[0] == 404


async def test_every_queue_setting_and_the_managers_switches_round_trip(portal: Portal, admin_token: dict[str, str]) -> None:
    await portal.setup_queues()
    status, queue = await call(portal, "PATCH", "/api/v1/queues/6400", admin_token, {
        "managers": [{"extension": "1001", "notify_missed": True, "notify_sla": True}, "1002"],
        "leave_when_empty": True, "leave_empty_conditions": ["busy", "paused"], "join_empty_conditions": [],
        "survey_enabled": True, "survey_points": {"1": 5, "9": -1}, "survey_prompt": "custom/rate",
        "survey_end_prompt": "custom/bye"})
    assert status == 200, queue
    assert queue["managers"] == [
        {"extension": "1001", **dict.fromkeys(NOTIFY_FIELDS, False), "notify_missed": True, "notify_sla": True},
        {"extension": "1002", **dict.fromkeys(NOTIFY_FIELDS, False)}]
    assert (queue["leave_empty_conditions"], queue["join_empty_conditions"]) == (["paused", "busy"], [])
    assert (queue["survey_points"], queue["survey_prompt"], queue["survey_end_prompt"]) == (
        [["1", 5], ["9", -1]], "custom/rate", "custom/bye")
    # A bare extension keeps that manager's switches; an object changes only the switches it names.
    status, queue = await call(portal, "PATCH", "/api/v1/queues/6400", admin_token, {
        "managers": ["1001", {"extension": "1002", "notify_callback_failed": True}], "survey_points": [["2", 0]]})
    assert status == 200, queue
    assert [(m["extension"], m["notify_missed"], m["notify_callback_failed"]) for m in queue["managers"]] == [
        ("1001", True, False), ("1002", False, True)]
    assert queue["survey_points"] == [["2", 0]]
    async with portal.sessions() as session:
        managers = await queue_service.list_managers(session, "6400")
    assert [(m.extension, m.notify_sla, m.notify_callback_failed) for m in managers] == [
        ("1001", True, False), ("1002", False, True)]


async def test_apply_says_what_changed_and_that_asterisk_is_not_connected(portal: Portal, admin_token: dict[str, str]) -> None:
    await portal.setup_queues()
    status, result = await call(portal, "POST", "/api/v1/apply", admin_token)
    assert status == 200
    assert "extensions.conf" in result["changed"] and result["reloaded"] == []
    assert "no AMI connection" in result["error"]
    status, result = await call(portal, "POST", "/api/v1/apply", admin_token)
    assert (result["changed"], result["error"]) == ([], None)


async def test_a_token_records_its_last_use(portal: Portal, admin_token: dict[str, str]) -> None:
    from sqlalchemy import select

    from yeastar_ctl.db.account_models import ApiToken

    await call(portal, "GET", "/api/v1/extensions", admin_token)
    async with portal.sessions() as session:
        assert (await session.scalar(select(ApiToken.last_used))) is not None


async def test_reports_as_json_and_csv_scoped_to_the_managers_queues(portal: Portal, admin_token: dict[str, str]) -> None:
    from test_portal_reports_and_apply import DAY, abandoned_call

    await portal.setup_queues()
    await abandoned_call(portal, "A1", "6400")
    await abandoned_call(portal, "A2", "6401")
    status, report = await call(portal, "GET", f"/api/v1/reports/queue-performance?{DAY}", admin_token)
    assert status == 200 and report["title"] == "Queue Performance"
    assert [row[0] for row in report["rows"]] == ["6400-Sales", "6401-Support", "Total"]
    manager = await portal.token("manager", "queue_manager", "1003")
    status, report = await call(portal, "GET", f"/api/v1/reports/queue-performance?{DAY}", manager)
    assert [row[0] for row in report["rows"]] == ["6401-Support", "Total"]
    response = await portal.client.get(f"/api/v1/reports/queue-calls?{DAY}&format=csv", headers=manager)
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "Support" in await response.text()
    assert await call(portal, "GET", f"/api/v1/reports/queue-calls?{DAY}&queues=6400", manager) == (
        400, {"error": "'6400' is not a valid choice for this field.", "field": "queues"})
    status, body = await call(portal, "GET", "/api/v1/reports/nonsense?" + DAY, admin_token)
    assert (status, body["field"]) == (400, "type")
    status, body = await call(portal, "GET", "/api/v1/reports/queue-calls?start=2026-03-02&end=2026-03-01", admin_token)
    assert (status, body["field"]) == (400, "end")
    agent = await portal.token("agent", "agent", "1001")
    assert (await call(portal, "GET", f"/api/v1/reports/queue-calls?{DAY}", agent))[0] == 403


async def test_patching_an_extensions_presence_applies_its_rule(portal: Portal, admin_token: dict[str, str]) -> None:
    from sqlalchemy import select

    from yeastar_ctl.db.enums import Presence, PresenceAction
    from yeastar_ctl.db.models import AgentEvent
    from yeastar_ctl.services import presence

    await portal.setup_queues()
    async with portal.sessions.begin() as session:
        await queue_service.set_members(session, "6400", dynamic=[("1001", 1)])
        await presence.set_presence_rule(session, "1001", Presence.AWAY, PresenceAction.LOG_IN)
    assert (await call(portal, "PATCH", "/api/v1/extensions/1001", admin_token, {"name": "Leo"}))[0] == 200
    status, changed = await call(portal, "PATCH", "/api/v1/extensions/1001", admin_token, {"presence": "away"})
    assert (status, changed["presence"]) == (200, "away")
    async with portal.sessions() as session:
        events = [(e.agent_extension, e.kind.value, e.queue_number, e.at)
                  for e in await session.scalars(select(AgentEvent))]
    assert events == [("1001", "login", "6400", portal.clock[0])]


async def test_the_agent_call_summary_as_json_and_csv(portal: Portal, admin_token: dict[str, str]) -> None:
    import csv
    import io

    from test_portal_reports_and_apply import DAY, SUMMARY_COLUMNS, SUMMARY_ROWS, agent_calls

    await portal.setup_queues()
    await agent_calls(portal)
    assert await call(portal, "GET", f"/api/v1/reports/agent-call-summary?{DAY}", admin_token) == (
        200, {"title": "Agent Call Summary", "columns": list(SUMMARY_COLUMNS), "rows": SUMMARY_ROWS})
    response = await portal.client.get(f"/api/v1/reports/agent-call-summary?{DAY}&format=csv", headers=admin_token)
    assert response.status == 200 and response.headers["Content-Type"].startswith("text/csv")
    assert list(csv.reader(io.StringIO(await response.text()))) == [list(SUMMARY_COLUMNS), *SUMMARY_ROWS]
    # A queue manager sees the agents of the queues they manage: 6401 has none.
    manager = await portal.token("manager", "queue_manager", "1003")
    status, report = await call(portal, "GET", f"/api/v1/reports/agent-call-summary?{DAY}", manager)
    assert (status, report["rows"]) == (200, [])


async def test_a_successful_change_tells_the_control_plane_and_a_read_or_a_refusal_does_not(
    portal: Portal, admin_token: dict[str, str],
) -> None:
    """Routing keeps its configuration in memory: a change through the API must reach it at
    once (e.g. Do Not Disturb skips the agent on the very next call), and only a change."""
    await portal.setup_queues()
    portal.config_changes.clear()
    status, _ = await call(portal, "GET", "/api/v1/queues/6400", admin_token)
    assert status == 200 and portal.config_changes == []
    status, _ = await call(portal, "PUT", "/api/v1/extensions/1001/presence", admin_token, {"presence": "nope"})
    assert status == 400 and portal.config_changes == []
    status, _ = await call(portal, "PUT", "/api/v1/extensions/1001/presence", admin_token,
                           {"presence": "do_not_disturb"})
    assert status == 200 and portal.config_changes == ["changed"]


async def test_healthz_says_whether_the_event_rows_are_complete(portal: Portal) -> None:
    response = await portal.client.get("/healthz")
    assert response.status == 200
    assert await response.json() == {"status": "ok", "ari_connected": True, "active_calls": 0, "rows_pending": 0}
