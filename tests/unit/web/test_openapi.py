"""The OpenAPI document describes every API route the app serves, and only those."""

from __future__ import annotations

from portal_support import Portal

from yeastar_ctl.db.queue_settings import QUEUE_SETTING_NAMES
from yeastar_ctl.web.api import API_ROUTES


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
