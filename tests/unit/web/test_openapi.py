"""The OpenAPI document describes every API route the app serves, and only those."""

from __future__ import annotations

from typing import Any

from portal_support import Portal

from yeastar_ctl.db.queue_settings import QUEUE_SETTING_NAMES
from yeastar_ctl.web.api import API_ROUTES
from yeastar_ctl.web.api_call_logs import CALL_LOG_ROUTES

REF = "#/components/schemas/"


async def test_the_document_lists_every_api_route(portal: Portal) -> None:
    response = await portal.client.get("/api/v1/openapi.json")
    assert response.status == 200
    document = await response.json()
    assert document["openapi"].startswith("3.")
    served = {
        (route.method.lower(), route.resource.canonical)
        for route in portal.client.app.router.routes()
        if route.resource is not None and route.resource.canonical.startswith("/api/v1/")
        and route.method != "HEAD" and route.resource.canonical != "/api/v1/openapi.json"
    }
    documented = {(method, path) for path, operations in document["paths"].items() for method in operations}
    assert documented == served
    assert len(served) == len(API_ROUTES)  # no route is served twice or left out


async def test_operations_name_their_errors_and_the_schemas_every_queue_setting(portal: Portal) -> None:
    document = await (await portal.client.get("/api/v1/openapi.json")).json()
    create = document["paths"]["/api/v1/queues"]["post"]
    assert {"201", "400", "401", "403"} <= set(create["responses"])
    assert create["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/QueueInput"}
    patch = document["paths"]["/api/v1/extensions/{number}"]["patch"]
    assert patch["parameters"][0]["name"] == "number" and "404" in patch["responses"]
    queue = document["components"]["schemas"]["Queue"]["properties"]
    assert set(QUEUE_SETTING_NAMES) <= set(queue)
    assert queue["weight"]["type"] == "integer" and queue["ring_in_use"]["type"] == "boolean"
    assert "ring_all" in queue["ring_strategy"]["enum"]
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


async def test_the_document_needs_no_token(portal: Portal) -> None:
    assert (await portal.client.get("/api/v1/openapi.json")).status == 200


async def test_the_queue_managers_sets_and_survey_points_and_the_account_routes_are_described(portal: Portal) -> None:
    document = await (await portal.client.get("/api/v1/openapi.json")).json()
    schemas = document["components"]["schemas"]
    queue = schemas["Queue"]["properties"]
    assert queue["managers"]["items"] == {"$ref": "#/components/schemas/QueueManager"}
    assert set(schemas["QueueManager"]["properties"]) >= {"extension", "notify_missed", "notify_callback_failed"}
    assert queue["leave_empty_conditions"]["items"]["enum"] == ["unavailable", "paused", "busy"]
    assert queue["survey_points"]["items"]["maxItems"] == 2
    assert "oneOf" in schemas["QueueInput"]["properties"]["survey_points"]
    users = document["paths"]["/api/v1/users/{user_id}"]
    assert set(users) == {"get", "patch", "delete"} and users["patch"]["parameters"][0]["name"] == "user_id"
    assert document["paths"]["/api/v1/me/password"]["post"]["description"] == (
        "Roles: administrator, queue_manager, agent.")
    for name in ("User", "UserInput", "UserCreated", "UserUpdate", "ApiToken", "IssuedToken", "BusinessHours",
                 "PresenceRules"):
        assert name in schemas


async def test_every_reference_names_a_schema(portal: Portal) -> None:
    import json
    import re

    document = await (await portal.client.get("/api/v1/openapi.json")).json()
    refs = set(re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(document)))
    assert refs and refs <= set(document["components"]["schemas"])


async def document_of(portal: Portal) -> dict[str, Any]:
    document: dict[str, Any] = await (await portal.client.get("/api/v1/openapi.json")).json()
    return document


def schemas_of(operation: dict[str, Any]) -> tuple[str | None, str | None]:
    """The component names of an operation's request body and success answer (items of a list)."""
    def name(content: dict[str, Any] | None) -> str | None:
        if not content:
            return None
        (schema,) = [media["schema"] for media in content.values()]
        return str(schema.get("items", schema)["$ref"]).removeprefix(REF)
    ok = next(answer for code, answer in operation["responses"].items() if code.startswith("2"))
    return name(operation.get("requestBody", {}).get("content")), name(ok.get("content"))


CALL_LOG_SCHEMAS = {
    ("GET", "/api/v1/queues/{number}/call-logs"): (None, "CallLog"),
    ("GET", "/api/v1/call-logs/{id}"): (None, "CallLogDetail"),
    ("PUT", "/api/v1/call-logs/{id}/processing"): ("ProcessingInput", "ProcessingResult"),
    ("POST", "/api/v1/call-logs/{id}/notes"): ("CallNoteInput", "CallNote"),
    ("DELETE", "/api/v1/call-logs/{id}"): (None, None),
    ("POST", "/api/v1/call-logs/delete"): ("CallLogIds", None),
    ("GET", "/api/v1/queues/{number}/permissions"): (None, "PanelPermissions"),
    ("PATCH", "/api/v1/queues/{number}/permissions"): ("PanelPermissionsInput", "PanelPermissions"),
}


async def test_every_call_log_route_names_its_schemas(portal: Portal) -> None:
    document = await document_of(portal)
    assert set(CALL_LOG_SCHEMAS) == {(route.method, route.path) for route in CALL_LOG_ROUTES}
    for (method, path), wanted in CALL_LOG_SCHEMAS.items():
        operation = document["paths"][path][method.lower()]
        assert schemas_of(operation) == wanted, (method, path)
        if wanted[0] is not None:
            assert "400" in operation["responses"]
    schemas = document["components"]["schemas"]
    log = schemas["CallLog"]["properties"]
    assert log["status"]["enum"] == ["waiting", "answered", "abandoned", "missed"]
    assert log["processing"] == {"type": "string", "enum": ["not_dealt", "dealing", "dealt"], "nullable": True}
    assert log["last_change"] == {"allOf": [{"$ref": REF + "ProcessingChange"}], "nullable": True}
    assert log["notes"]["items"] == {"$ref": REF + "CallNote"}
    assert log["joined_at"] == {"type": "string", "format": "date-time"}
    permissions = schemas["PanelPermissionsInput"]
    assert permissions["additionalProperties"] is False
    assert permissions["properties"]["agent_call_log_members"]["enum"] == ["all", "specified"]
    assert permissions["properties"]["agent_call_log_agents"] == {"type": "array", "items": {"type": "string"}}
    listing = document["paths"]["/api/v1/queues/{number}/call-logs"]["get"]
    query = {p["name"]: p for p in listing["parameters"] if p["in"] == "query"}
    assert set(query) == {"status", "processing", "limit", "offset"}
    assert query["status"]["schema"] == {"type": "string", "enum": ["answered", "abandoned", "missed"]}
    assert query["limit"]["schema"] == {"type": "integer"} and not query["limit"]["required"]


async def test_a_report_download_is_described_as_csv(portal: Portal) -> None:
    document = await document_of(portal)
    ok = document["paths"]["/api/v1/report-downloads/{name}"]["get"]["responses"]["200"]
    assert list(ok["content"]) == ["text/csv"]
    assert ok["content"]["text/csv"]["schema"] == {"$ref": REF + "ReportCsv"}
    assert document["components"]["schemas"]["ReportCsv"]["type"] == "string"


async def test_the_contacts_bulk_delete_and_the_list_query_are_described(portal: Portal) -> None:
    document = await document_of(portal)
    delete = document["paths"]["/api/v1/contacts/delete"]["post"]
    assert schemas_of(delete) == ("ContactIds", None)
    assert set(delete["responses"]) >= {"204", "400", "401", "403"}
    assert delete["description"] == "Roles: administrator."
    assert document["components"]["schemas"]["ContactIds"]["required"] == ["ids"]
    listing = document["paths"]["/api/v1/contacts"]["get"]
    query = {p["name"]: p["schema"]["type"] for p in listing["parameters"] if p["in"] == "query"}
    assert query == {"search": "string", "page": "integer", "per_page": "integer"}
    match = document["paths"]["/api/v1/contacts/match"]["get"]
    assert [p["name"] for p in match["parameters"]] == ["number"]


async def test_the_report_route_lists_the_report_filters(portal: Portal) -> None:
    document = await document_of(portal)
    report = document["paths"]["/api/v1/reports/{type}"]["get"]
    query = {p["name"]: p["schema"] for p in report["parameters"] if p["in"] == "query"}
    assert set(query) == {"start", "end", "queues", "agents", "pause_reasons", "exclude_abandoned_within",
                          "exclude_talk_within", "callback_result", "by", "format"}
    assert query["by"]["enum"] == ["hour", "day", "month"]
    assert query["exclude_talk_within"]["type"] == "integer"
    assert query["format"]["enum"] == ["json", "csv"]
