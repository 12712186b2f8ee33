"""The OpenAPI document describes every API route the app serves, and only those."""

from __future__ import annotations

from portal_support import Portal

from yeastar_ctl.db.queue_settings import QUEUE_SETTING_NAMES


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
    assert len(served) == 38


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
