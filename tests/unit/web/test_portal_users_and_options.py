"""Accounts and the shared queue options, from the portal."""

from __future__ import annotations

import re

import pytest
from portal_support import Portal

from yeastar_ctl.services import api_tokens, queue_options, users


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
