"""Logging in and out, session expiry, CSRF, and what each role may open."""

from __future__ import annotations

from datetime import timedelta

import pytest
from portal_support import PASSWORD, Portal

from yeastar_ctl.services.queues import set_members


@pytest.mark.parametrize("path", ["/", "/extensions", "/queues/new", "/queues/6400/edit", "/apply", "/reports"])
async def test_anonymous_visitors_are_sent_to_the_login_page(portal: Portal, path: str) -> None:
    response = await portal.client.get(path, allow_redirects=False)
    assert response.status == 302
    assert response.headers["Location"].startswith("/login?next=")


async def test_login_with_a_wrong_password_is_refused_with_a_message(portal: Portal) -> None:
    await portal.user("admin", "administrator")
    response = await portal.post_form("/login", {"login": "admin", "password": "not the password"})
    assert response.status == 401
    assert "Unknown username or wrong password" in await response.text()
    assert (await portal.client.get("/extensions", allow_redirects=False)).status == 302


@pytest.mark.parametrize(("next_page", "location"), [("%2Fqueues", "/queues"), ("//evil.example/", "/")])
async def test_login_returns_to_the_local_page_asked_for_only(portal: Portal, next_page: str, location: str) -> None:
    await portal.user("admin", "administrator")
    token = await portal.csrf("/login")
    response = await portal.client.post(f"/login?next={next_page}", data={
        "csrf_token": token, "login": "admin", "password": PASSWORD}, allow_redirects=False)
    assert response.headers["Location"] == location


async def test_logout_ends_the_session(portal: Portal) -> None:
    await portal.user("admin", "administrator")
    await portal.login("admin")
    assert "admin (administrator)" in await (await portal.client.get("/queues")).text()
    response = await portal.post_form("/logout", {}, from_page="/")
    assert response.status == 302
    assert (await portal.client.get("/queues", allow_redirects=False)).status == 302


async def test_sessions_expire_after_eight_hours(portal: Portal) -> None:
    await portal.user("admin", "administrator")
    await portal.login("admin")
    portal.clock[0] += timedelta(hours=7, minutes=59)
    assert (await portal.client.get("/queues", allow_redirects=False)).status == 200
    portal.clock[0] += timedelta(minutes=2)
    assert (await portal.client.get("/queues", allow_redirects=False)).status == 302


async def test_a_form_without_its_csrf_token_is_rejected_and_saves_nothing(portal: Portal) -> None:
    await portal.user("admin", "administrator")
    await portal.login("admin")
    response = await portal.client.post("/extensions/new", data={"number": "1001", "name": "A", "presence": "available"},
                                        allow_redirects=False)
    assert response.status == 403
    response = await portal.client.post("/extensions/new", data={
        "csrf_token": "forged", "number": "1001", "name": "A", "presence": "available"}, allow_redirects=False)
    assert response.status == 403
    assert "1001" not in await (await portal.client.get("/extensions")).text()


async def test_a_csrf_token_from_another_session_is_rejected(portal: Portal) -> None:
    await portal.user("admin", "administrator")
    await portal.login("admin")
    token = await portal.csrf("/extensions/new")
    portal.client.session.cookie_jar.clear()
    await portal.login("admin")
    response = await portal.client.post("/extensions/new", data={
        "csrf_token": token, "number": "1001", "name": "A", "presence": "available"}, allow_redirects=False)
    assert response.status == 403


@pytest.mark.parametrize("path", ["/extensions", "/queues", "/queues/6400/edit", "/queues/new", "/apply", "/reports"])
async def test_an_agent_cannot_open_settings_or_reports(portal: Portal, path: str) -> None:
    await portal.setup_queues()
    await portal.user("agent", "agent", "1001")
    await portal.login("agent")
    assert (await portal.client.get(path, allow_redirects=False)).status == 403


async def test_an_agent_sees_their_own_status(portal: Portal) -> None:
    await portal.setup_queues()
    async with portal.sessions.begin() as session:
        await set_members(session, "6400", static=[("1001", 1)])
    await portal.user("agent", "agent", "1001")
    await portal.login("agent")
    page = await (await portal.client.get("/")).text()
    assert "Extension 1001" in page and "6400 Sales" in page
    assert "6401" not in page


@pytest.mark.parametrize("path", ["/extensions", "/queues", "/queues/6401/edit", "/apply"])
async def test_a_queue_manager_cannot_change_settings(portal: Portal, path: str) -> None:
    await portal.setup_queues()
    await portal.user("manager", "queue_manager", "1003")
    await portal.login("manager")
    assert (await portal.client.get(path, allow_redirects=False)).status == 403
