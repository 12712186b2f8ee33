"""The JSON API for queue call logs and Queue Panel Permissions: roles, and 4xx on bad input."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from call_log_data import add_call
from portal_support import Portal
from test_api import call

from yeastar_ctl.db.enums import CallStatus
from yeastar_ctl.services import queue_options
from yeastar_ctl.services.queues import ManagerSpec, set_managers, set_members
from yeastar_ctl.web.api_call_logs import call_log_schemas

Headers = dict[str, str]


@pytest.fixture
async def tokens(portal: Portal) -> dict[str, Headers]:
    """6400: agents 1001 and 1002, manager 1003; calls m1 (missed, 5001), a1 (abandoned, 5001),
    in1 (answered by 1001), in2 (answered by 1002); 6401: s1 (missed), managed by 1002."""
    await portal.setup_queues()
    now = portal.clock[0]
    async with portal.sessions.begin() as session:
        await set_members(session, "6400", static=[("1001", 1), ("1002", 1)])
        await set_managers(session, "6400", [ManagerSpec("1003")])
        await set_managers(session, "6401", [ManagerSpec("1002")])
        await add_call(session, "m1", now - timedelta(hours=1), CallStatus.MISSED)
        await add_call(session, "a1", now - timedelta(minutes=40), CallStatus.ABANDONED)
        await add_call(session, "in1", now - timedelta(minutes=30), CallStatus.ANSWERED, agent="1001")
        await add_call(session, "in2", now - timedelta(minutes=20), CallStatus.ANSWERED, agent="1002")
        await add_call(session, "s1", now - timedelta(minutes=10), CallStatus.MISSED, queue="6401")
    return {
        "admin": await portal.token("api-admin", "administrator"),
        "manager": await portal.token("leo", "queue_manager", "1003"),
        "other_manager": await portal.token("carmen", "queue_manager", "1002"),
        "agent": await portal.token("kristin", "agent", "1001"),
    }


async def ids(portal: Portal, headers: Headers, query: str = "", queue: str = "6400") -> list[str]:
    status, body = await call(portal, "GET", f"/api/v1/queues/{queue}/call-logs{query}", headers)
    assert status == 200, body
    return [log["id"] for log in body]


async def test_the_list_per_role(portal: Portal, tokens: dict[str, Headers]) -> None:
    assert await ids(portal, tokens["admin"]) == ["in2", "in1", "a1", "m1"]
    assert await ids(portal, tokens["manager"], "?status=missed") == ["m1"]
    assert await ids(portal, tokens["manager"], "?processing=not_dealt&limit=1") == ["a1"]
    assert await ids(portal, tokens["other_manager"], queue="6401") == ["s1"]
    status, body = await call(portal, "GET", "/api/v1/queues/6400/call-logs", tokens["other_manager"])
    assert (status, body) == (403, {"error": "you may not see the call logs of queue 6400", "field": None})
    status, body = await call(portal, "GET", "/api/v1/queues/6400/call-logs", tokens["agent"])
    assert status == 403 and "queue 6400" in body["error"]


async def test_an_agent_sees_what_the_permissions_grant_and_no_other_queue(portal: Portal,
                                                                          tokens: dict[str, Headers]) -> None:
    status, body = await call(portal, "PATCH", "/api/v1/queues/6400/permissions", tokens["admin"], {
        "agent_queue_call_logs": True, "agent_call_log_view_range": "incoming"})
    assert status == 200 and body["agent_call_log_view_range"] == "incoming", body
    assert await ids(portal, tokens["agent"]) == ["in1"]
    assert (await call(portal, "GET", "/api/v1/queues/6401/call-logs", tokens["agent"]))[0] == 403
    assert (await call(portal, "GET", "/api/v1/call-logs/in2", tokens["agent"]))[0] == 403
    assert (await call(portal, "GET", "/api/v1/call-logs/m1", tokens["agent"]))[0] == 403
    assert (await call(portal, "DELETE", "/api/v1/call-logs/in1", tokens["agent"]))[0] == 204
    assert await ids(portal, tokens["agent"]) == []


async def test_one_log_with_its_notes_and_history(portal: Portal, tokens: dict[str, Headers]) -> None:
    status, note = await call(portal, "POST", "/api/v1/call-logs/m1/notes", tokens["manager"],
                              {"disposition": "Callback", "remark": "Called back at 10:05"})
    assert status == 201 and (note["author"], note["author_extension"]) == ("leo", "1003")
    assert note["at"] == portal.clock[0].isoformat()
    status, result = await call(portal, "PUT", "/api/v1/call-logs/m1/processing", tokens["manager"],
                                {"processing": "dealing"})
    assert status == 200 and result["synced"] == [] and result["log"]["processing"] == "dealing"
    status, log = await call(portal, "GET", "/api/v1/call-logs/m1", tokens["admin"])
    assert status == 200
    assert (log["status"], log["caller_number"], log["processing"]) == ("missed", "5001", "dealing")
    assert log["last_change"] == {"status": "dealing", "operator": "leo", "operator_extension": "1003",
                                  "at": portal.clock[0].isoformat(), "auto_sync": False}
    assert [n["disposition"] for n in log["notes"]] == ["Callback"] and len(log["history"]) == 1
    assert (await call(portal, "GET", "/api/v1/call-logs/in1", tokens["admin"]))[1]["processing"] is None


async def test_auto_sync_through_the_api(portal: Portal, tokens: dict[str, Headers]) -> None:
    async with portal.sessions.begin() as session:
        await queue_options.update_queue_options(session, disposition_auto_sync_enabled=True,
                                                 disposition_auto_sync_hours=1)
    status, result = await call(portal, "PUT", "/api/v1/call-logs/a1/processing", tokens["manager"],
                                {"processing": "dealt"})
    assert status == 200 and result["synced"] == ["m1"]
    log = (await call(portal, "GET", "/api/v1/call-logs/m1", tokens["manager"]))[1]
    assert (log["processing"], log["last_change"]["auto_sync"]) == ("dealt", True)


@pytest.mark.parametrize(("method", "path", "body", "status", "field"), [
    ("GET", "/api/v1/queues/6400/call-logs?status=lost", None, 400, "status"),
    ("GET", "/api/v1/queues/6400/call-logs?limit=ten", None, 400, "limit"),
    ("GET", "/api/v1/queues/6400/call-logs?colour=red", None, 400, "colour"),
    ("GET", "/api/v1/queues/6499/call-logs", None, 404, None),
    ("PUT", "/api/v1/call-logs/m1/processing", {"processing": "done"}, 400, "processing"),
    ("PUT", "/api/v1/call-logs/m1/processing", {}, 400, "processing"),
    ("PUT", "/api/v1/call-logs/in1/processing", {"processing": "dealt"}, 400, "processing"),
    ("PUT", "/api/v1/call-logs/m1/processing", {"processing": "dealt", "by": "me"}, 400, "by"),
    ("PUT", "/api/v1/call-logs/nope/processing", {"processing": "dealt"}, 404, None),
    ("POST", "/api/v1/call-logs/m1/notes", {}, 400, "disposition"),
    ("POST", "/api/v1/call-logs/m1/notes", {"remark": "x" * 1001}, 400, "remark"),
    ("POST", "/api/v1/call-logs/m1/notes", {"disposition": ["Sales"]}, 400, "disposition"),
    ("POST", "/api/v1/call-logs/m1/notes", ["not", "an", "object"], 400, "body"),
    ("POST", "/api/v1/call-logs/delete", {"ids": []}, 400, "ids"),
    ("POST", "/api/v1/call-logs/delete", {"ids": "m1"}, 400, "ids"),
    ("DELETE", "/api/v1/call-logs/nope", None, 404, None),
    ("PATCH", "/api/v1/queues/6400/permissions", {"agent_call_log_view_range": "answered"}, 400,
     "agent_call_log_view_range"),
    ("PATCH", "/api/v1/queues/6400/permissions", {"agent_call_log_agents": ["1003"]}, 400, "agent_call_log_agents"),
    ("PATCH", "/api/v1/queues/6400/permissions", {"manager_access_wallboard": 1}, 400, "manager_access_wallboard"),
    ("PATCH", "/api/v1/queues/6400/permissions", {"agent_call_monitoring": True}, 400, "agent_call_monitoring"),
    ("PATCH", "/api/v1/queues/6499/permissions", {}, 404, None),
])
async def test_bad_input_is_a_4xx_naming_the_field(portal: Portal, tokens: dict[str, Headers], method: str, path: str,
                                                   body: Any, status: int, field: str | None) -> None:
    got, error = await call(portal, method, path, tokens["admin"], body)
    assert (got, error["field"]) == (status, field), error
    assert error["error"]
    assert await ids(portal, tokens["admin"]) == ["in2", "in1", "a1", "m1"]
    assert (await call(portal, "GET", "/api/v1/call-logs/m1", tokens["admin"]))[1]["history"] == []


async def test_deleting_per_role(portal: Portal, tokens: dict[str, Headers]) -> None:
    status, body = await call(portal, "DELETE", "/api/v1/call-logs/in1", tokens["manager"])
    assert (status, body["error"]) == (403, "call log in1: only missed call logs may be deleted here")
    status, body = await call(portal, "POST", "/api/v1/call-logs/delete", tokens["manager"], {"ids": ["m1", "in1"]})
    assert status == 403
    assert (await call(portal, "POST", "/api/v1/call-logs/delete", tokens["manager"], {"ids": ["m1", "a1"]}))[0] == 204
    assert await ids(portal, tokens["admin"]) == ["in2", "in1"]
    await call(portal, "PATCH", "/api/v1/queues/6400/permissions", tokens["admin"], {"agent_queue_call_logs": True})
    status, body = await call(portal, "DELETE", "/api/v1/call-logs/in2", tokens["agent"])
    assert (status, body["error"]) == (403, "you may not see call log in2 of queue 6400")


async def test_permissions_round_trip(portal: Portal, tokens: dict[str, Headers]) -> None:
    status, current = await call(portal, "GET", "/api/v1/queues/6400/permissions", tokens["admin"])
    assert status == 200
    assert current["manager_missed_call_logs"] is True and current["agent_queue_call_logs"] is False
    assert (current["agent_call_log_members"], current["agent_call_log_agents"]) == ("all", [])
    status, changed = await call(portal, "PATCH", "/api/v1/queues/6400/permissions", tokens["admin"], {
        "agent_call_log_members": "specified", "agent_call_log_agents": ["1002"], "manager_call_parking": False})
    assert status == 200
    assert {k: v for k, v in changed.items() if current[k] != v} == {
        "agent_call_log_members": "specified", "agent_call_log_agents": ["1002"], "manager_call_parking": False}
    assert await call(portal, "GET", "/api/v1/queues/6400/permissions", tokens["admin"]) == (200, changed)


async def test_the_answers_carry_the_properties_their_schemas_list(portal: Portal, tokens: dict[str, Headers]) -> None:
    schemas = call_log_schemas()

    def props(name: str) -> set[str]:
        return set(schemas[name]["properties"])

    admin = tokens["admin"]
    note = (await call(portal, "POST", "/api/v1/call-logs/m1/notes", admin, {"remark": "called back"}))[1]
    assert set(note) == props("CallNote")
    result = (await call(portal, "PUT", "/api/v1/call-logs/m1/processing", admin, {"processing": "dealt"}))[1]
    assert set(result) == props("ProcessingResult") and set(result["log"]) == props("CallLog")
    assert set(result["log"]["last_change"]) == props("ProcessingChange")
    detail = (await call(portal, "GET", "/api/v1/call-logs/m1", admin))[1]
    assert set(detail) == props("CallLog") | set(schemas["CallLogDetail"]["allOf"][1]["properties"])
    listed = (await call(portal, "GET", "/api/v1/queues/6400/call-logs", admin))[1]
    assert all(set(log) == props("CallLog") for log in listed)
    permissions = (await call(portal, "GET", "/api/v1/queues/6400/permissions", admin))[1]
    assert set(permissions) == props("PanelPermissions") == props("PanelPermissionsInput")
