"""The company contacts API: CRUD, import/export, match options, the match, roles and 4xx."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from portal_support import Portal
from test_api import call

from yeastar_ctl.web.api_contacts import CONTACT_ROUTES

ANN = {"name": "Ann Lee", "company": "Acme", "email": "ann@acme.example", "business": "+1 555 0107",
       "mobile": None, "home": None}


@pytest.fixture
async def token(portal: Portal) -> dict[str, str]:
    return await portal.token("api-admin", "administrator")


async def send_csv(portal: Portal, token: dict[str, str], data: bytes) -> tuple[int, Any]:
    response = await portal.client.post("/api/v1/contacts/import", data=data,
                                        headers={**token, "Content-Type": "text/csv"})
    return response.status, await response.json()


async def test_a_contact_round_trip(portal: Portal, token: dict[str, str]) -> None:
    status, created = await call(portal, "POST", "/api/v1/contacts", token, ANN)
    assert status == 201 and created == {"id": created["id"], **ANN}
    path = f"/api/v1/contacts/{created['id']}"
    assert await call(portal, "GET", path, token) == (200, created)
    assert await call(portal, "GET", "/api/v1/contacts", token) == (
        200, {"total": 1, "page": 1, "per_page": 20, "contacts": [created]})
    status, changed = await call(portal, "PATCH", path, token, {"mobile": "5550199", "company": None})
    assert status == 200 and (changed["mobile"], changed["company"], changed["name"]) == ("5550199", None, "Ann Lee")
    assert (await call(portal, "DELETE", path, token))[0] == 204
    assert await call(portal, "GET", path, token) == (404, {"error": f"contact {created['id']} does not exist",
                                                            "field": None})


async def test_list_searches_and_pages(portal: Portal, token: dict[str, str]) -> None:
    for n in range(3):
        await call(portal, "POST", "/api/v1/contacts", token, {"name": f"P{n}", "mobile": f"55{n}"})
    status, page = await call(portal, "GET", "/api/v1/contacts?per_page=2&page=2", token)
    assert status == 200 and (page["total"], [c["name"] for c in page["contacts"]]) == (3, ["P2"])
    status, page = await call(portal, "GET", "/api/v1/contacts?search=551", token)
    assert [c["name"] for c in page["contacts"]] == ["P1"]
    for query, field in (("page=0", "page"), ("per_page=501", "per_page"), ("page=x", "page")):
        status, body = await call(portal, "GET", f"/api/v1/contacts?{query}", token)
        assert (status, body["field"]) == (400, field)


@pytest.mark.parametrize(("method", "body", "field", "message"), [
    ("POST", {"company": "Acme", "mobile": "1"}, "name", "must not be empty"),
    ("POST", {"name": "Ann"}, "business", "at least one number"),
    ("POST", {"name": "Ann", "mobile": 5550107}, "mobile", "must be text"),
    ("POST", {"name": "Ann", "mobile": "1", "email": "x"}, "email", "email address"),
    ("POST", {"name": "Ann", "fax": "1"}, "fax", "not a known field"),
    ("POST", ["Ann"], "body", "JSON object"),
    ("PATCH", {"name": ""}, "name", "must not be empty"),
    ("PATCH", {"business": None}, "business", "at least one number"),
])
async def test_bad_input_is_a_400_naming_the_field(portal: Portal, token: dict[str, str], method: str, body: Any,
                                                   field: str, message: str) -> None:
    _, created = await call(portal, "POST", "/api/v1/contacts", token, ANN)
    path = "/api/v1/contacts" if method == "POST" else f"/api/v1/contacts/{created['id']}"
    status, error = await call(portal, method, path, token, body)
    assert (status, error["field"]) == (400, field) and message in error["error"]
    assert (await call(portal, "GET", f"/api/v1/contacts/{created['id']}", token))[1] == created


async def test_import_reports_each_bad_row_and_export_round_trips(portal: Portal, token: dict[str, str]) -> None:
    data = "Contact Name,Company,Email,Business,Mobile,Home\nAnn Lee,Acme,,5550107,,\n,X,,1,,\nZed,,,,,+44 20\n"
    status, result = await send_csv(portal, token, data.encode())
    assert status == 200
    assert result == {"added": 2, "duplicates": 0, "problems": [
        {"row": 3, "field": "Contact Name", "message": "must not be empty"}]}
    response = await portal.client.get("/api/v1/contacts/export", headers=token)
    assert response.status == 200 and response.content_type == "text/csv"
    exported = await response.read()
    assert list(csv.reader(io.StringIO(exported.decode())))[1:] == [
        ["Ann Lee", "Acme", "", "5550107", "", ""], ["Zed", "", "", "", "", "+44 20"]]
    _, listing = await call(portal, "GET", "/api/v1/contacts", token)
    for contact in listing["contacts"]:
        await call(portal, "DELETE", f"/api/v1/contacts/{contact['id']}", token)
    assert await send_csv(portal, token, exported) == (200, {"added": 2, "duplicates": 0, "problems": []})
    assert await send_csv(portal, token, exported) == (200, {"added": 0, "duplicates": 2, "problems": []})


@pytest.mark.parametrize(("data", "message"), [
    (b"", "is empty"), (b"Name,Fax\n", "unknown column 'Fax'"), (b"\xff\xfeN\x00a\x00", "not UTF-8")])
async def test_an_unreadable_import_is_a_400_on_the_file(portal: Portal, token: dict[str, str], data: bytes,
                                                        message: str) -> None:
    status, error = await send_csv(portal, token, data)
    assert (status, error["field"]) == (400, "file") and message in error["error"]


async def test_too_large_an_import_is_a_413_on_the_file(portal: Portal, token: dict[str, str]) -> None:
    status, error = await send_csv(portal, token, b"Contact Name\n" + b"x" * (1024 * 1024 + 1))
    assert (status, error["field"]) == (413, "file")


async def test_match_options_and_the_match(portal: Portal, token: dict[str, str]) -> None:
    await call(portal, "POST", "/api/v1/contacts", token, ANN)
    assert await call(portal, "GET", "/api/v1/contacts/options", token) == (
        200, {"match_mode": "last_digits", "match_digits": 7, "ignore_symbols": False})
    assert await call(portal, "GET", "/api/v1/contacts/match?number=15550107", token) == (
        200, {"number": "15550107", "name": None})
    status, options = await call(portal, "PATCH", "/api/v1/contacts/options", token, {"ignore_symbols": True})
    assert status == 200 and options["ignore_symbols"] is True
    await portal.setup_queues()
    for name, role, extension in (("agent", "agent", "1001"), ("manager", "queue_manager", "1003")):
        assert await call(portal, "GET", "/api/v1/contacts/match?number=0015550107",
                          await portal.token(name, role, extension)) == (200, {"number": "0015550107", "name": "Ann Lee"})
    for body, field in (({"match_digits": 3}, "match_digits"), ({"match_mode": "fuzzy"}, "match_mode"),
                        ({"match_digits": "7"}, "match_digits"), ({"colour": 1}, "colour")):
        status, error = await call(portal, "PATCH", "/api/v1/contacts/options", token, body)
        assert (status, error["field"]) == (400, field)
    status, error = await call(portal, "GET", "/api/v1/contacts/match", token)
    assert (status, error["field"]) == (400, "number")


async def test_only_the_match_is_open_to_managers_and_agents(portal: Portal) -> None:
    await portal.setup_queues()
    agent = await portal.token("agent", "agent", "1001")
    for route in CONTACT_ROUTES:
        status, _ = await call(portal, route.method, route.path.replace("{id}", "1"), agent, {})
        assert status == (400 if route.path.endswith("/match") else 403), route.path


async def test_the_openapi_document_describes_csv_as_csv(portal: Portal) -> None:
    document = await (await portal.client.get("/api/v1/openapi.json")).json()
    paths = document["paths"]
    assert "text/csv" in paths["/api/v1/contacts/import"]["post"]["requestBody"]["content"]
    assert "text/csv" in paths["/api/v1/contacts/export"]["get"]["responses"]["200"]["content"]
    assert "ContactMatchOptions" in document["components"]["schemas"]
    assert paths["/api/v1/contacts/match"]["get"]["description"] == "Roles: administrator, queue_manager, agent."


async def names(portal: Portal, token: dict[str, str]) -> list[str]:
    status, page = await call(portal, "GET", "/api/v1/contacts", token)
    assert status == 200, page
    return [c["name"] for c in page["contacts"]]


async def test_bulk_delete_removes_every_listed_contact(portal: Portal, token: dict[str, str]) -> None:
    made = [(await call(portal, "POST", "/api/v1/contacts", token, {"name": f"P{n}", "mobile": f"55{n}"}))[1]["id"]
            for n in range(3)]
    status, body = await call(portal, "POST", "/api/v1/contacts/delete", token, {"ids": [made[0], str(made[2])]})
    assert (status, body) == (204, None)
    assert await names(portal, token) == ["P1"]


@pytest.mark.parametrize(("body", "message"), [
    ({"ids": []}, "must be a non-empty list of contact ids"),
    ({"ids": "1"}, "must be a non-empty list of contact ids"),
    ({"ids": [True]}, "must be a non-empty list of contact ids"),
    ({"ids": [None]}, "must be a non-empty list of contact ids"),
    ({}, "must be a non-empty list of contact ids"),
    ({"ids": ["FIRST", 999]}, "contact 999 does not exist; no contact was deleted"),
    ({"ids": ["FIRST", "x"]}, "contact x does not exist; no contact was deleted"),
])
async def test_bulk_delete_refuses_bad_ids_and_deletes_nothing(portal: Portal, token: dict[str, str],
                                                               body: dict[str, Any], message: str) -> None:
    first = (await call(portal, "POST", "/api/v1/contacts", token, {"name": "Ann", "mobile": "1"}))[1]["id"]
    await call(portal, "POST", "/api/v1/contacts", token, {"name": "Bob", "mobile": "2"})
    if "ids" in body and isinstance(body["ids"], list):
        body = {"ids": [first if i == "FIRST" else i for i in body["ids"]]}
    status, error = await call(portal, "POST", "/api/v1/contacts/delete", token, body)
    assert (status, error) == (400, {"error": message, "field": "ids"})
    assert await names(portal, token) == ["Ann", "Bob"]


async def test_bulk_delete_refuses_unknown_fields(portal: Portal, token: dict[str, str]) -> None:
    status, error = await call(portal, "POST", "/api/v1/contacts/delete", token, {"ids": [1], "all": True})
    assert (status, error["field"]) == (400, "all")
