"""Wallboard and Queue Panel pages, their SSE feeds (first event read with a deadline), and who
may open them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from portal_support import Portal

from yeastar_ctl.acd.model import Agent, Membership, QueuePolicy, Snapshot, WaitingEntry
from yeastar_ctl.acd.vocabulary import DeviceStatus
from yeastar_ctl.services import call_events, panel_permissions
from yeastar_ctl.services import queues as queue_service
from yeastar_ctl.web.pages_wallboard import sse_event

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # the portal fixture's clock
FIRST_EVENT_DEADLINE_S = 5.0


@pytest.fixture
async def center(portal: Portal) -> Portal:
    """Queues 6400 (agent 1001, 1002) and 6401 (agent 1002; 1003 manages it); a finished
    answered call in 6401 today, one caller waiting in 6401 and one talking to 1002."""
    await portal.setup_queues()
    async with portal.sessions.begin() as session:
        await queue_service.set_members(session, "6400", static=[("1001", 1)], dynamic=[("1002", 1)])
        await queue_service.set_members(session, "6401", static=[("1002", 1)])
        joined = NOW - timedelta(hours=1)
        await call_events.record_call_joined(session, call_id="done", queue_number="6401", caller_number="5550100",
                                             joined_at=joined)
        await call_events.record_call_answered(session, "done", agent_extension="1002",
                                               answered_at=joined + timedelta(seconds=12))
        await call_events.record_call_ended(session, "done", ended_at=joined + timedelta(seconds=72))
        await call_events.record_call_joined(session, call_id="wait", queue_number="6401", caller_number="5550111",
                                             caller_name="Zoe <Caller>", joined_at=NOW - timedelta(seconds=42))
        await call_events.record_call_joined(session, call_id="talk", queue_number="6401", caller_number="5550122",
                                             joined_at=NOW - timedelta(seconds=200))
        await call_events.record_call_answered(session, "talk", agent_extension="1002",
                                               answered_at=NOW - timedelta(seconds=90))
    portal.live[0] = Snapshot(
        now=NOW, queues={"6400": QueuePolicy("6400"), "6401": QueuePolicy("6401")},
        agents={
            "1001": Agent("1001", DeviceStatus.IDLE, (Membership("6400", static=True),)),
            "1002": Agent("1002", DeviceStatus.IN_USE, (Membership("6400", static=False, paused=True,
                                                                   pause_reason="Lunch"),
                                                        Membership("6401", static=True))),
        },
        entries=(WaitingEntry("wait", "6401", NOW - timedelta(seconds=42)),),
    )
    return portal


async def first_event(portal: Portal, path: str) -> str:
    response = await portal.client.get(path)
    assert response.status == 200, await response.text()
    assert response.headers["Content-Type"].startswith("text/event-stream")
    try:
        async with asyncio.timeout(FIRST_EVENT_DEADLINE_S):
            raw = await response.content.readuntil(b"\n\n")
    finally:
        response.close()
    lines = raw.decode().split("\n")
    assert lines[0] == "event: board"
    return "\n".join(line.removeprefix("data: ") for line in lines[1:] if line.startswith("data: "))


def metric(html: str, name: str) -> str:
    start = html.index(f'data-metric="{name}">') + len(f'data-metric="{name}">')
    return html[start:html.index("<", start)]


async def test_an_administrator_sees_every_queue_on_the_wallboard(center: Portal) -> None:
    await center.user("admin", "administrator")
    await center.login("admin")
    page = await (await center.client.get("/wallboard")).text()
    assert 'sse-connect="/wallboard/events"' in page and "/static/vendor/htmx-ext-sse-2.2.4.min.js" in page
    assert "Sales [6400]" in page and "Support [6401]" in page and ">All</h2>" in page
    board = await first_event(center, "/wallboard/events?queues=6401")
    assert "Sales [6400]" not in board and "Support [6401]" in board
    assert metric(board, "waiting_calls") == "1" and metric(board, "longest_wait") == "00:00:42"
    assert metric(board, "active_calls") == "1" and metric(board, "answered") == "1"
    assert metric(board, "avg_wait") == "00:00:12" and metric(board, "avg_talk") == "00:01:00"
    assert metric(board, "logged_in") == "1/1" and metric(board, "busy") == "1"
    assert "On a call" in board


async def test_the_queue_panel_lists_waiting_and_active_calls_and_agents(center: Portal) -> None:
    await center.user("admin", "administrator")
    await center.login("admin")
    board = await first_event(center, "/queue-panel/events")
    assert "Zoe &lt;Caller&gt; &lt;5550111&gt;" in board  # the caller's name is escaped
    assert "00:00:42" in board and "5550122" in board and "00:01:30" in board
    assert "Paused (Lunch)" in board and "Available" in board
    page = await (await center.client.get("/queue-panel?queues=6400")).text()
    assert "No calls waiting." in page and "Zoe" not in page


async def test_a_manager_sees_the_queues_they_manage_while_permitted(center: Portal) -> None:
    await center.user("manager", "queue_manager", "1003")
    await center.login("manager")
    board = await first_event(center, "/wallboard/events?queues=6400&queues=6401")
    assert "Support [6401]" in board and "Sales [6400]" not in board
    async with center.sessions.begin() as session:
        await panel_permissions.update_panel_permissions(session, "6401", {"manager_access_wallboard": False})
    assert (await center.client.get("/wallboard")).status == 403
    assert (await center.client.get("/wallboard/events")).status == 403
    assert (await center.client.get("/queue-panel")).status == 200


async def test_agents_need_the_queue_panel_permission(center: Portal) -> None:
    await center.user("agent", "agent", "1002")
    await center.login("agent")
    assert (await center.client.get("/queue-panel")).status == 403
    async with center.sessions.begin() as session:
        await panel_permissions.update_panel_permissions(session, "6400", {"agent_access_queue_panel": True})
    page = await (await center.client.get("/queue-panel")).text()
    assert "Sales [6400]" in page and "Support [6401]" not in page
    assert (await center.client.get("/wallboard")).status == 403


async def test_an_open_feed_ends_when_the_app_shuts_down(center: Portal) -> None:
    await center.user("admin", "administrator")
    await center.login("admin")
    response = await center.client.get("/wallboard/events")
    async with asyncio.timeout(FIRST_EVENT_DEADLINE_S):
        assert (await response.content.readuntil(b"\n\n")).startswith(b"event: board")
        await center.client.app.shutdown()
        await response.content.read()  # the end of the stream, not a wait for the next tick
    assert response.content.at_eof()


async def test_anonymous_visitors_go_to_the_login_page(center: Portal) -> None:
    for path in ("/wallboard", "/queue-panel/events"):
        response = await center.client.get(path, allow_redirects=False)
        assert response.status == 302 and response.headers["Location"].startswith("/login")


def test_an_event_carries_every_line_of_the_fragment_as_data() -> None:
    assert sse_event("board", "<p>a</p>\n<p>b</p>") == b"event: board\ndata: <p>a</p>\ndata: <p>b</p>\n\n"
    assert sse_event("board", "") == b"event: board\ndata: \n\n"
