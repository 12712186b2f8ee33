"""Accounts and the shared queue options, from the portal."""

from __future__ import annotations

import re

import pytest
from aiohttp.test_utils import TestClient, TestServer
from portal_support import CSRF, PASSWORD, Portal

from yeastar_ctl.services import api_tokens, queue_options, users
from yeastar_ctl.services import queues as queue_service


async def usernames(portal: Portal) -> list[str]:
    async with portal.sessions() as session:
        return [u.username for u in await users.list_users(session)]


async def test_an_administrator_adds_a_manager_who_gets_a_one_time_password(admin: Portal) -> None:
    await admin.setup_queues()
    response = await admin.post_form("/users/new", {"username": "mia", "role": "queue_manager",
                                                    "extension_number": "1003", "password": ""})
    page = await response.text()
    assert response.status == 200 and "One-time password" in page
    password = re.search(r'<code class="secret">([^<]+)</code>', page)
    assert password
    async with admin.sessions() as session:
        user = await users.authenticate(session, "mia", password[1])
        assert user is not None and (user.role, user.extension_number) == ("queue_manager", "1003")
    assert "mia" in await (await admin.client.get("/users")).text()


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"username": "a b", "role": "administrator"}, "username", "letters, digits"),
    ({"username": "x", "role": "agent"}, "extension_number", "must be an extension"),
    ({"username": "x", "role": "administrator", "password": "short"}, "password", "10 to 256"),
    ({"username": "x", "role": "agent", "extension_number": "1999"}, "extension_number", "does not exist"),
    ({"username": "admin", "role": "administrator"}, "username", "already taken"),
    ({"username": "x", "role": "root"}, "role", "Not a valid choice"),
])
async def test_a_wrong_user_shows_the_fields_error_and_saves_nothing(
    admin: Portal, data: dict[str, str], field: str, message: str,
) -> None:
    await admin.refused("/users/new", data, field, message)
    assert await usernames(admin) == ["admin"]


async def test_an_issued_token_is_shown_once_and_works(admin: Portal) -> None:
    async with admin.sessions() as session:
        admin_id = (await users.list_users(session))[0].id
    response = await admin.post_form(f"/users/{admin_id}/token", {}, from_page="/users")
    token = re.search(r'<code class="secret">(yc_[^<]+)</code>', await response.text())
    assert token
    async with admin.sessions.begin() as session:
        assert (await api_tokens.user_for_token(session, token[1])) is not None
    assert (await admin.client.post(f"/users/{admin_id}/token")).status == 403  # no CSRF token


async def test_only_administrators_manage_users_and_options(portal: Portal) -> None:
    await portal.setup_queues()
    await portal.user("manager", "queue_manager", "1003")
    await portal.login("manager")
    for path in ("/users", "/users/new", "/queue-options"):
        assert (await portal.client.get(path, allow_redirects=False)).status == 403


async def test_queue_options_are_saved_and_a_wrong_value_is_refused(admin: Portal) -> None:
    form = {"shared_wrapup": "y", "default_dynamic_status": "logged_in", "disposition_auto_sync_hours": "12"}
    response = await admin.post_form("/queue-options", form)
    assert response.status == 302
    async with admin.sessions() as session:
        options = await queue_options.get_queue_options(session)
        assert (options.shared_wrapup, options.default_dynamic_status, options.disposition_auto_sync_hours) == (
            True, "logged_in", 12)
    await admin.refused("/queue-options", {**form, "disposition_auto_sync_hours": "0"},
                        "disposition_auto_sync_hours", "between")
    await admin.refused("/queue-options", {**form, "default_dynamic_status": "asleep"},
                        "default_dynamic_status", "Not a valid choice")


async def user_id(portal: Portal, username: str) -> int:
    async with portal.sessions() as session:
        return next(u.id for u in await users.list_users(session) if u.username == username)


async def test_an_administrator_edits_role_email_extension_and_managed_queues(admin: Portal) -> None:
    await admin.setup_queues()  # 1003 manages 6401
    mia = await admin.user("mia", "agent", "1001")
    page = await (await admin.client.get(f"/users/{mia}/edit")).text()
    assert "User mia" in page and "6401 Support" in page
    response = await admin.post_form(f"/users/{mia}/edit", {
        "email": "mia@example.com", "role": "queue_manager", "extension_number": "1003",
        "managed_queues": ["6400"]})
    assert response.status == 302, await response.text()
    async with admin.sessions() as session:
        user = await users.get_user(session, mia)
        assert (user.role, user.email, user.extension_number) == ("queue_manager", "mia@example.com", "1003")
        assert await queue_service.queues_managed_by(session, "1003") == ("6400",)
    assert 'checked id="managed_queues-0"' in await (await admin.client.get(f"/users/{mia}/edit")).text()


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"role": "agent", "extension_number": ""}, "extension_number", "must be an extension"),
    ({"role": "agent", "extension_number": "1999"}, "extension_number", "does not exist"),
    ({"role": "agent", "extension_number": "1001", "email": "nope"}, "email", "must be an email address"),
    ({"role": "root", "extension_number": "1001"}, "role", "Not a valid choice"),
    ({"role": "administrator", "extension_number": "", "managed_queues": ["6400"]}, "managed_queues",
     "only an extension can manage queues"),
    ({"role": "agent", "extension_number": "1001", "managed_queues": ["6499"]}, "managed_queues",
     "not a valid choice"),
])
async def test_a_wrong_user_edit_shows_the_fields_error_and_changes_nothing(
    admin: Portal, data: dict[str, object], field: str, message: str,
) -> None:
    await admin.setup_queues()
    mia = await admin.user("mia", "agent", "1001")
    await admin.refused(f"/users/{mia}/edit", data, field, message)
    async with admin.sessions() as session:
        user = await users.get_user(session, mia)
        assert (user.role, user.email, user.extension_number) == ("agent", None, "1001")
        assert await queue_service.queues_managed_by(session, "1001") == ()


async def test_the_last_administrator_cannot_be_demoted_disabled_or_deleted(admin: Portal) -> None:
    await admin.setup_queues()
    root = await user_id(admin, "admin")
    await admin.refused(f"/users/{root}/edit", {"role": "agent", "extension_number": "1001"},
                        "role", "admin is the last administrator")
    for action in ("disable", "delete"):
        response = await admin.post_form(f"/users/{root}/{action}", {}, from_page="/users")
        assert response.status == 302
        page = await (await admin.client.get("/users")).text()
        assert f"{action.capitalize()} user admin: refused" in page and "last administrator" in page
    async with admin.sessions() as session:
        user = await users.get_user(session, root)
        assert user.role == "administrator" and not users.is_disabled(user)


async def test_a_disabled_user_is_logged_out_and_cannot_log_in_until_enabled(admin: Portal) -> None:
    ops = await admin.user("ops", "administrator")
    other = TestClient(TestServer(admin.client.app))
    await other.start_server()
    try:
        token = CSRF.search(await (await other.get("/login")).text())
        assert token
        assert (await other.post("/login", data={"csrf_token": token[1], "login": "ops", "password": PASSWORD},
                                 allow_redirects=False)).status == 302
        assert (await other.get("/users", allow_redirects=False)).status == 200
        await admin.post_form(f"/users/{ops}/disable", {}, from_page="/users")
        assert "disabled" in await (await admin.client.get("/users")).text()
        assert (await other.get("/users", allow_redirects=False)).status == 302  # to the login page
    finally:
        await other.close()
    assert (await admin.post_form("/login", {"login": "ops", "password": PASSWORD})).status == 401
    await admin.post_form(f"/users/{ops}/enable", {}, from_page="/users")
    async with admin.sessions() as session:
        assert await users.authenticate(session, "ops", PASSWORD) is not None


async def test_deleting_a_user_and_revoking_a_token(admin: Portal) -> None:
    ops = await admin.user("ops", "administrator")
    async with admin.sessions.begin() as session:
        kept = await api_tokens.create_token(session, ops)
        revoked = await api_tokens.create_token(session, ops)
    page = await (await admin.client.get(f"/users/{ops}/edit")).text()
    assert f"#{kept.id}" in page and f"#{revoked.id}" in page and kept.token not in page
    response = await admin.post_form(f"/users/{ops}/tokens/{revoked.id}/revoke", {}, from_page=f"/users/{ops}/edit")
    assert response.headers["Location"] == f"/users/{ops}/edit"
    async with admin.sessions.begin() as session:
        assert await api_tokens.user_for_token(session, revoked.token) is None
        assert await api_tokens.user_for_token(session, kept.token) is not None
    await admin.post_form(f"/users/{ops}/delete", {}, from_page="/users")
    assert await usernames(admin) == ["admin"]
    assert (await admin.client.get(f"/users/{ops}/edit")).status == 404


async def test_an_administrator_resets_a_password_typed_or_generated(admin: Portal) -> None:
    ops = await admin.user("ops", "administrator")
    response = await admin.post_form(f"/users/{ops}/password", {"password": ""}, from_page=f"/users/{ops}/edit")
    password = re.search(r'<code class="secret">([^<]+)</code>', await response.text())
    assert password
    async with admin.sessions() as session:
        assert await users.authenticate(session, "ops", password[1]) is not None
    response = await admin.post_form(f"/users/{ops}/password", {"password": "short"}, from_page=f"/users/{ops}/edit")
    assert response.status == 302
    assert "Password not changed: must be 10 to 256 characters" in await (await admin.client.get(f"/users/{ops}/edit")).text()
    await admin.post_form(f"/users/{ops}/password", {"password": "a chosen password"}, from_page=f"/users/{ops}/edit")
    async with admin.sessions() as session:
        assert await users.authenticate(session, "ops", "a chosen password") is not None


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"current_password": "wrong one!", "new_password": "a new password", "confirm_password": "a new password"},
     "current_password", "is not your current password"),
    ({"current_password": PASSWORD, "new_password": "short", "confirm_password": "short"},
     "new_password", "10 to 256"),
    ({"current_password": PASSWORD, "new_password": "a new password", "confirm_password": "another one"},
     "confirm_password", "does not match"),
])
async def test_a_wrong_own_password_change_is_refused(portal: Portal, data: dict[str, str], field: str, message: str) -> None:
    await portal.setup_queues()
    await portal.user("agent", "agent", "1001")
    await portal.login("agent")
    await portal.refused("/account/password", data, field, message)
    async with portal.sessions() as session:
        assert await users.authenticate(session, "agent", PASSWORD) is not None


async def test_every_user_changes_their_own_password(portal: Portal) -> None:
    await portal.setup_queues()
    await portal.user("agent", "agent", "1001")
    await portal.login("agent")
    response = await portal.post_form("/account/password", {
        "current_password": PASSWORD, "new_password": "a new password", "confirm_password": "a new password"})
    assert response.status == 302
    async with portal.sessions() as session:
        assert await users.authenticate(session, "agent", "a new password") is not None


async def test_agents_and_managers_cannot_manage_users(portal: Portal) -> None:
    await portal.setup_queues()
    root = await portal.user("root", "administrator")
    await portal.user("manager", "queue_manager", "1003")
    await portal.login("manager")
    for path in (f"/users/{root}/edit",):
        assert (await portal.client.get(path, allow_redirects=False)).status == 403
    for action in ("disable", "delete", "password", "token", "tokens/1/revoke"):
        response = await portal.post_form(f"/users/{root}/{action}", {}, from_page="/account/password")
        assert response.status == 403, action
    assert await usernames(portal) == ["manager", "root"]
