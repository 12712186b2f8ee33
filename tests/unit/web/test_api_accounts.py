"""The JSON API for accounts: users, passwords and API tokens (administrators), and every user's
own password."""

from __future__ import annotations

from typing import Any

import pytest
from portal_support import PASSWORD, Portal
from test_api import call

from yeastar_ctl.services import api_tokens, users
from yeastar_ctl.services import queues as queue_service


@pytest.fixture
async def token(portal: Portal) -> dict[str, str]:
    return await portal.token("root", "administrator")


async def ids(portal: Portal) -> dict[str, int]:
    async with portal.sessions() as session:
        return {u.username: u.id for u in await users.list_users(session)}


async def test_users_round_trip(portal: Portal, token: dict[str, str]) -> None:
    await portal.setup_queues()
    status, created = await call(portal, "POST", "/api/v1/users", token, {
        "username": "mia", "role": "agent", "extension_number": "1001", "email": "mia@example.com"})
    assert status == 201, created
    password = created.pop("generated_password")
    assert password and len(password) >= 16
    assert created == {"id": created["id"], "username": "mia", "role": "agent", "email": "mia@example.com",
                       "extension_number": "1001", "disabled": False, "managed_queues": []}
    async with portal.sessions() as session:
        assert await users.authenticate(session, "mia", password) is not None
    mia = f"/api/v1/users/{created['id']}"
    assert await call(portal, "GET", mia, token) == (200, created)
    status, changed = await call(portal, "PATCH", mia, token, {
        "role": "queue_manager", "extension_number": "1003", "email": None, "managed_queues": ["6400", "6401"]})
    assert status == 200, changed
    assert (changed["role"], changed["email"], changed["extension_number"], changed["managed_queues"]) == (
        "queue_manager", None, "1003", ["6400", "6401"])
    status, listed = await call(portal, "GET", "/api/v1/users", token)
    assert [u["username"] for u in listed] == ["mia", "root"]
    status, changed = await call(portal, "PATCH", mia, token, {"disabled": True})
    assert changed["disabled"] is True
    async with portal.sessions() as session:
        assert await users.authenticate(session, "mia", password) is None
    assert (await call(portal, "DELETE", mia, token))[0] == 204
    assert await call(portal, "GET", mia, token) == (404, {"error": f"user {created['id']} does not exist", "field": None})


async def test_a_password_is_given_and_the_user_logs_in_with_it(portal: Portal, token: dict[str, str]) -> None:
    status, created = await call(portal, "POST", "/api/v1/users", token,
                                 {"username": "ops", "role": "administrator", "password": "a chosen password"})
    assert status == 201 and created["generated_password"] is None
    path = f"/api/v1/users/{created['id']}/password"
    assert await call(portal, "POST", path, token, {"password": "another password"}) == (
        200, {"generated_password": None})
    status, reset = await call(portal, "POST", path, token, {})
    async with portal.sessions() as session:
        assert await users.authenticate(session, "ops", reset["generated_password"]) is not None


@pytest.mark.parametrize(("method", "path", "body", "status", "field"), [
    ("POST", "/api/v1/users", {"role": "agent"}, 400, "username"),
    ("POST", "/api/v1/users", {"username": "x", "role": "root"}, 400, "role"),
    ("POST", "/api/v1/users", {"username": "x", "role": "agent"}, 400, "extension_number"),
    ("POST", "/api/v1/users", {"username": "x", "role": "agent", "extension_number": "1999"}, 400, "extension_number"),
    ("POST", "/api/v1/users", {"username": "root", "role": "administrator"}, 400, "username"),
    ("POST", "/api/v1/users", {"username": "x", "role": "administrator", "password": "short"}, 400, "password"),
    ("POST", "/api/v1/users", {"username": "x", "role": "administrator", "email": 5}, 400, "email"),
    ("POST", "/api/v1/users", {"username": "x", "role": "administrator", "admin": True}, 400, "admin"),
    ("PATCH", "/api/v1/users/{agent}", {"email": "nope"}, 400, "email"),
    ("PATCH", "/api/v1/users/{agent}", {"disabled": "yes"}, 400, "disabled"),
    ("PATCH", "/api/v1/users/{agent}", {"managed_queues": "6400"}, 400, "managed_queues"),
    ("PATCH", "/api/v1/users/{agent}", {"managed_queues": ["6499"]}, 400, "managed_queues"),
    ("PATCH", "/api/v1/users/{root}", {"managed_queues": ["6400"]}, 400, "managed_queues"),
    ("PATCH", "/api/v1/users/{root}", {"role": "agent", "extension_number": "1001"}, 400, "role"),
    ("PATCH", "/api/v1/users/{root}", {"disabled": True}, 400, "disabled"),
    ("DELETE", "/api/v1/users/{root}", None, 400, "user"),
    ("PATCH", "/api/v1/users/9999", {"email": None}, 404, None),
    ("GET", "/api/v1/users/abc", None, 404, None),
    ("POST", "/api/v1/users/{agent}/password", {"password": "short"}, 400, "password"),
    ("POST", "/api/v1/users/{agent}/password", {"password": 1234567890}, 400, "password"),
    ("DELETE", "/api/v1/users/{agent}/tokens/9999", None, 404, None),
    ("GET", "/api/v1/users/9999/tokens", None, 404, None),
])
async def test_bad_input_is_a_4xx_naming_the_field_and_changes_nothing(
    portal: Portal, token: dict[str, str], method: str, path: str, body: Any, status: int, field: str | None,
) -> None:
    await portal.setup_queues()
    await portal.user("agent", "agent", "1001")
    known = await ids(portal)
    async with portal.sessions() as session:
        before = [(u.username, u.role, u.email, u.extension_number, u.password_hash)
                  for u in await users.list_users(session)]
    got_status, got = await call(portal, method, path.format(**known), token, body)
    assert (got_status, got["field"]) == (status, field), got
    assert got["error"]
    async with portal.sessions() as session:
        assert [(u.username, u.role, u.email, u.extension_number, u.password_hash)
                for u in await users.list_users(session)] == before
        assert await queue_service.queues_managed_by(session, "1001") == ()


async def test_tokens_are_issued_listed_and_revoked(portal: Portal, token: dict[str, str]) -> None:
    await portal.setup_queues()
    agent = await portal.user("agent", "agent", "1001")
    status, issued = await call(portal, "POST", f"/api/v1/users/{agent}/tokens", token)
    assert status == 201 and issued["token"].startswith("yc_")
    agent_token = {"Authorization": f"Bearer {issued['token']}"}
    assert (await call(portal, "GET", "/api/v1/users", agent_token))[0] == 403  # an agent's token
    status, listed = await call(portal, "GET", f"/api/v1/users/{agent}/tokens", token)
    assert status == 200 and [t["id"] for t in listed] == [issued["id"]]
    assert listed[0]["last_used"] is not None and "token" not in listed[0]
    assert (await call(portal, "DELETE", f"/api/v1/users/{agent}/tokens/{issued['id']}", token))[0] == 204
    assert (await call(portal, "GET", "/api/v1/users", agent_token))[0] == 401
    assert await call(portal, "GET", f"/api/v1/users/{agent}/tokens", token) == (200, [])


async def test_a_disabled_users_token_stops_working(portal: Portal, token: dict[str, str]) -> None:
    other = await portal.token("ops", "administrator")
    ops = (await ids(portal))["ops"]
    assert (await call(portal, "GET", "/api/v1/users", other))[0] == 200
    await call(portal, "PATCH", f"/api/v1/users/{ops}", token, {"disabled": True})
    assert (await call(portal, "GET", "/api/v1/users", other))[0] == 401
    await call(portal, "PATCH", f"/api/v1/users/{ops}", token, {"disabled": False})
    assert (await call(portal, "GET", "/api/v1/users", other))[0] == 200


@pytest.mark.parametrize(("role", "extension"), [("agent", "1001"), ("queue_manager", "1003"), ("administrator", None)])
async def test_every_role_changes_its_own_password_with_the_current_one(
    portal: Portal, role: str, extension: str | None,
) -> None:
    await portal.setup_queues()
    own = await portal.token("someone", role, extension)
    status, body = await call(portal, "POST", "/api/v1/me/password", own,
                              {"current_password": "wrong password", "new_password": "a new password"})
    assert (status, body["field"]) == (400, "current_password")
    status, body = await call(portal, "POST", "/api/v1/me/password", own, {"current_password": PASSWORD})
    assert (status, body["field"]) == (400, "new_password")
    assert (await call(portal, "POST", "/api/v1/me/password", own,
                       {"current_password": PASSWORD, "new_password": "a new password"}))[0] == 204
    async with portal.sessions() as session:
        assert await users.authenticate(session, "someone", "a new password") is not None
        user = await users.authenticate(session, "someone", "a new password")
        assert user is not None and len(await api_tokens.list_tokens(session, user.id)) == 1
