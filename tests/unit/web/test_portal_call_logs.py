"""The Queue Call Logs pages and the Queue Panel Permissions page: what each role sees and may do."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiohttp import ClientResponse
from call_log_data import ADMIN, add_call
from portal_support import Portal

from yeastar_ctl.db.enums import CallStatus
from yeastar_ctl.services import call_logs, panel_permissions, queue_options
from yeastar_ctl.services.queues import ManagerSpec, set_managers, set_members
from yeastar_ctl.web import pages_call_logs


@pytest.fixture
async def logs(portal: Portal) -> Portal:
    """6400 Sales (agents 1001, 1002; manager 1003): a missed call from 5001, an abandoned one
    from 5001, calls answered by 1001 and by 1002; a missed call in 6401 (no manager)."""
    await portal.setup_queues()
    now = portal.clock[0]
    async with portal.sessions.begin() as session:
        await set_members(session, "6400", static=[("1001", 1), ("1002", 1)])
        await set_managers(session, "6400", [ManagerSpec("1003")])
        await set_managers(session, "6401", [])
        await add_call(session, "m1", now - timedelta(hours=1), CallStatus.MISSED)
        await add_call(session, "a1", now - timedelta(minutes=40), CallStatus.ABANDONED)
        await add_call(session, "in1", now - timedelta(minutes=30), CallStatus.ANSWERED, agent="1001", caller="5003")
        await add_call(session, "in2", now - timedelta(minutes=20), CallStatus.ANSWERED, agent="1002", caller="5004")
        await add_call(session, "s1", now - timedelta(minutes=10), CallStatus.MISSED, queue="6401", caller="5005")
    await portal.user("admin", "administrator")
    await portal.user("leo", "queue_manager", "1003")
    await portal.user("kristin", "agent", "1001")
    return portal


async def log_in(portal: Portal, username: str) -> None:
    portal.client.session.cookie_jar.clear()
    await portal.login(username)


async def page(portal: Portal, path: str, status: int = 200) -> str:
    response = await portal.client.get(path)
    text: str = await response.text()
    assert response.status == status, text
    return text


async def flashes_after(portal: Portal, response: ClientResponse, back: str = "/call-logs") -> str:
    assert response.status == 302
    return await page(portal, back)


async def test_a_manager_lists_filters_and_sets_the_processing_result(logs: Portal) -> None:
    await log_in(logs, "leo")
    listing = await page(logs, "/call-logs")
    assert all(f"/call-logs/{i}" in listing for i in ("m1", "a1", "in1", "in2")) and "s1" not in listing
    missed = await page(logs, "/call-logs?queue=6400&status=missed")
    assert "/call-logs/m1" in missed and "/call-logs/in1" not in missed and "/call-logs/a1" not in missed
    response = await logs.post_form("/call-logs/m1/processing", {"processing": "dealt",
                                                                  "back": "/call-logs?queue=6400"}, from_page="/call-logs")
    text = await flashes_after(logs, response, response.headers["Location"])
    assert response.headers["Location"] == "/call-logs?queue=6400"
    assert "Call m1: Dealt: done." in text and "Operator: leo(1003)" in text
    dealt = await page(logs, "/call-logs?queue=6400&processing=dealt")
    assert "/call-logs/m1\"" in dealt and "/call-logs/a1\"" not in dealt


async def test_auto_sync_is_told_and_the_operation_record_shows_it(logs: Portal) -> None:
    async with logs.sessions.begin() as session:
        await queue_options.update_queue_options(session, disposition_auto_sync_enabled=True,
                                                 disposition_auto_sync_hours=2)
    await log_in(logs, "leo")
    response = await logs.post_form("/call-logs/a1/processing", {"processing": "dealing"}, from_page="/call-logs")
    text = await flashes_after(logs, response)
    assert "Auto Sync: 1 more call(s) from the same number set to Dealing too." in text
    detail = await page(logs, "/call-logs/m1")
    assert "Operation record" in detail and "leo(1003) Auto Sync" in detail


async def test_a_wrong_processing_result_or_a_refused_one_comes_back_as_a_message(logs: Portal) -> None:
    await log_in(logs, "leo")
    response = await logs.post_form("/call-logs/m1/processing", {"processing": "done"}, from_page="/call-logs")
    assert "refused: processing: must be one of not_dealt, dealing, dealt" in await flashes_after(logs, response)
    response = await logs.post_form("/call-logs/s1/processing", {"processing": "dealt"}, from_page="/call-logs")
    assert "refused: you may not see call log s1 of queue 6401" in await flashes_after(logs, response)
    response = await logs.post_form("/call-logs/m1/processing", {"processing": "dealt", "back": "//evil.example/"},
                                    from_page="/call-logs")
    assert response.headers["Location"] == "/call-logs"


async def test_notes_are_added_on_the_logs_page_and_a_wrong_note_shows_its_error(logs: Portal) -> None:
    await log_in(logs, "leo")
    response = await logs.post_form("/call-logs/in1", {"disposition": "Tech Support", "remark": "Reset the router"})
    assert response.status == 302
    detail = await page(logs, "/call-logs/in1")
    assert "Call in1: note saved." in detail and "Reset the router" in detail and "leo" in detail
    await logs.refused("/call-logs/in1", {"disposition": "", "remark": ""}, "disposition",
                       "write a disposition code, a remark, or both")
    await logs.refused("/call-logs/in1", {"disposition": "x" * 65, "remark": ""}, "disposition", "at most 64")
    assert "Tech Support" in await page(logs, "/call-logs")


async def test_deleting_as_a_manager_missed_only(logs: Portal) -> None:
    await log_in(logs, "leo")
    response = await logs.post_form("/call-logs/in1/delete", {}, from_page="/call-logs")
    assert "Delete call log in1: refused: call log in1: only missed call logs may be deleted here" in \
        await flashes_after(logs, response)
    response = await logs.post_form("/call-logs/delete", {"ids": ["m1", "a1"]}, from_page="/call-logs")
    text = await flashes_after(logs, response)
    assert "Delete 2 call log(s): done." in text and "/call-logs/m1\"" not in text and "/call-logs/in1\"" in text
    response = await logs.post_form("/call-logs/delete", {}, from_page="/call-logs")
    assert "no call log was selected" in await flashes_after(logs, response)


async def test_an_agent_sees_nothing_until_permitted_and_then_only_their_range(logs: Portal) -> None:
    await log_in(logs, "kristin")
    assert "There are no queue call logs for you to see" in await page(logs, "/call-logs")
    assert "may not see call log m1" in await page(logs, "/call-logs/m1", 403)
    await log_in(logs, "admin")
    response = await logs.post_form("/queues/6400/permissions", {
        **{name: "y" for name in panel_permissions.MANAGER_FLAGS}, "agent_queue_call_logs": "y",
        "agent_call_log_members": "all", "agent_call_log_agents": "", "agent_call_log_view_range": "incoming"})
    assert response.status == 302, await response.text()
    await log_in(logs, "kristin")
    listing = await page(logs, "/call-logs")
    assert "/call-logs/in1\"" in listing and "/call-logs/in2\"" not in listing and "/call-logs/m1\"" not in listing
    assert "may not see the call logs of queue 6401" in await page(logs, "/call-logs?queue=6401", 403)
    assert "may not see call log in2" in await page(logs, "/call-logs/in2", 403)
    assert "call log nope does not exist" in await page(logs, "/call-logs/nope", 404)
    response = await logs.post_form("/call-logs/in1/delete", {}, from_page="/call-logs")
    assert "Delete call log in1: done." in await flashes_after(logs, response)
    async with logs.sessions() as session:
        assert [log.id for log in await call_logs.list_call_logs(session, ADMIN, "6400")] == ["in2", "a1", "m1"]


async def test_the_permissions_page_shows_the_seed_defaults_and_saves(logs: Portal) -> None:
    await log_in(logs, "admin")
    assert 'href="/queues/6400/permissions"' in await page(logs, "/queues/6400/edit")
    form = await page(logs, "/queues/6400/permissions")
    assert "Delete Queue Missed Call Logs" in form and "Call monitoring operations (Listen, Whisper, Barge In)" in form
    assert 'id="manager_call_monitoring" name="manager_call_monitoring" type="checkbox" value="y"' in form
    assert 'checked id="manager_call_monitoring"' in form and 'checked id="agent_queue_call_logs"' not in form
    response = await logs.post_form("/queues/6400/permissions", {
        "manager_access_wallboard": "y", "agent_queue_call_logs": "y", "agent_call_log_members": "specified",
        "agent_call_log_agents": "1002, 1001", "agent_call_log_view_range": "missed"})
    assert (response.status, response.headers["Location"]) == (302, "/queues/6400/edit")
    async with logs.sessions() as session:
        saved = await panel_permissions.get_panel_permissions(session, "6400")
    assert saved.agent_call_log_agents == ("1001", "1002") and saved.manager_access_wallboard
    assert not saved.manager_call_monitoring and saved.agent_call_log_view_range == "missed"


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"agent_call_log_agents": "1003"}, "agent_call_log_agents", "1003 is not an agent of queue 6400"),
    ({"agent_queue_call_logs": "y", "agent_call_log_members": "specified"}, "agent_call_log_agents",
     "at least one agent"),
    ({"agent_call_log_view_range": "answered"}, "agent_call_log_view_range", "Not a valid choice"),
])
async def test_wrong_permissions_show_their_error(logs: Portal, data: dict[str, str], field: str, message: str) -> None:
    await log_in(logs, "admin")
    await logs.refused("/queues/6400/permissions", {
        "agent_call_log_members": "all", "agent_call_log_agents": "", "agent_call_log_view_range": "all", **data},
        field, message)


@pytest.mark.parametrize("username", ["leo", "kristin"])
async def test_only_administrators_open_the_permissions_page(logs: Portal, username: str) -> None:
    await log_in(logs, username)
    assert (await logs.client.get("/queues/6400/permissions", allow_redirects=False)).status == 403


async def test_the_permissions_of_an_unknown_queue_are_not_found(logs: Portal) -> None:
    await log_in(logs, "admin")
    assert (await logs.client.get("/queues/6499/permissions")).status == 404


async def test_every_role_has_the_call_logs_link(logs: Portal) -> None:
    for username in ("admin", "leo", "kristin"):
        await log_in(logs, username)
        assert '<a href="/call-logs">Call logs</a>' in await page(logs, "/call-logs")


async def test_anonymous_visitors_go_to_the_login_page(logs: Portal) -> None:
    for path in ("/call-logs", "/call-logs/m1", "/queues/6400/permissions"):
        response = await logs.client.get(path, allow_redirects=False)
        assert response.status == 302 and response.headers["Location"].startswith("/login?next=")


async def test_the_list_pages_and_a_wrong_filter_is_refused(logs: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pages_call_logs, "PAGE_SIZE", 3)
    await log_in(logs, "admin")
    first = await page(logs, "/call-logs?queue=6400")
    assert "/call-logs/in1\"" in first and "/call-logs/m1\"" not in first
    assert '<a href="/call-logs?queue=6400&amp;offset=3">Older</a>' in first and ">Newer<" not in first
    older = await page(logs, "/call-logs?queue=6400&offset=3")
    assert "/call-logs/m1\"" in older and "/call-logs/in1\"" not in older
    assert '<a href="/call-logs?queue=6400&amp;offset=0">Newer</a>' in older and ">Older<" not in older
    assert "processing: must be one of not_dealt, dealing, dealt" in await page(
        logs, "/call-logs?queue=6400&processing=done", 400)
    assert "offset: must be a whole number" in await page(logs, "/call-logs?offset=-1", 400)
    assert "queue 6499 does not exist" in await page(logs, "/call-logs?queue=6499", 404)
