"""EventStream against an aiohttp server that plays the ARI events WebSocket.

Nothing here sleeps to wait: tests wait on asyncio.Events with deadlines, and backoff
waits go through a fake `sleep` that only records the delay.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from yeastar_ctl.ari import Event, EventStream
from yeastar_ctl.ari.events import lane_key

APP = "yeastar_ctl"
DEADLINE = 5.0


async def until(flag: asyncio.Event) -> None:
    await asyncio.wait_for(flag.wait(), DEADLINE)


def event(event_type: str, channel: str | None = None, **extra: Any) -> Event:
    data: Event = {"type": event_type, "application": APP, **extra}
    if channel is not None:
        data["channel"] = {"id": channel, "name": f"PJSIP/{channel}"}
    return data


@dataclass
class ServerConnection:
    ws: web.WebSocketResponse
    query: dict[str, str]


@dataclass
class FakeEvents:
    """Accepts event WebSockets; `reject` handshakes are answered 503 first."""

    reject: int = 0
    attempts: int = 0
    connections: asyncio.Queue[ServerConnection] = field(default_factory=asyncio.Queue)
    greeting: list[Event] = field(default_factory=list)
    base_url: str = ""

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.attempts += 1
        if self.reject > 0:
            self.reject -= 1
            return web.Response(status=503)
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        for greeting in self.greeting:
            await ws.send_json(greeting)
        await self.connections.put(ServerConnection(ws, dict(request.query)))
        async for _ in ws:  # keep the socket open until either side closes it
            pass
        return ws

    async def next_connection(self) -> ServerConnection:
        return await asyncio.wait_for(self.connections.get(), DEADLINE)


@pytest.fixture
async def fake_events() -> AsyncIterator[FakeEvents]:
    fake = FakeEvents()
    app = web.Application()
    app.router.add_get("/ari/events", fake.handle)
    server = TestServer(app)
    await server.start_server()
    fake.base_url = str(server.make_url("/ari"))
    yield fake
    await server.close()


class Runner:
    """Runs streams in the background and always closes them at teardown."""

    def __init__(self) -> None:
        self.running: list[tuple[EventStream, asyncio.Task[None]]] = []

    def start(self, stream: EventStream) -> EventStream:
        self.running.append((stream, asyncio.create_task(stream.run())))
        return stream

    async def stop_all(self) -> None:
        for stream, task in self.running:
            await stream.close()
            await asyncio.wait_for(task, DEADLINE)


@pytest.fixture
async def runner() -> AsyncIterator[Runner]:
    runner = Runner()
    yield runner
    await runner.stop_all()


class RecordingSleep:
    """Stands in for asyncio.sleep: records delays; optionally blocks after `limit`."""

    def __init__(self, limit: int | None = None) -> None:
        self.delays: list[float] = []
        self.limit = limit
        self.reached = asyncio.Event()

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        if self.limit is not None and len(self.delays) >= self.limit:
            self.reached.set()
            await asyncio.Event().wait()  # until close() cancels the stream


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def make_stream(base_url: str, **kwargs: Any) -> EventStream:
    return EventStream(base_url, "user", "secret", APP, **kwargs)


def collector(
    into: list[Event], done_when: Callable[[list[Event]], bool], done: asyncio.Event
) -> Callable[[Event], Awaitable[None]]:
    async def handler(received: Event) -> None:
        into.append(received)
        if done_when(into):
            done.set()

    return handler


# -- connecting ------------------------------------------------------------------------


@pytest.mark.parametrize("subscribe_all", [False, True])
async def test_connects_with_app_and_api_key(
    fake_events: FakeEvents, runner: Runner, subscribe_all: bool
) -> None:
    stream = runner.start(make_stream(fake_events.base_url, subscribe_all=subscribe_all))
    connection = await fake_events.next_connection()
    expected = {"app": APP, "api_key": "user:secret"}
    if subscribe_all:
        expected["subscribeAll"] = "true"
    assert connection.query == expected
    await stream.wait_connected(DEADLINE)
    assert stream.connected


async def test_wait_connected_times_out_when_unreachable(runner: Runner) -> None:
    sleep = RecordingSleep(limit=1)
    stream = runner.start(make_stream(f"http://127.0.0.1:{unused_port()}/ari", sleep=sleep))
    with pytest.raises(TimeoutError):
        await stream.wait_connected(0.05)


async def test_close_ends_run(fake_events: FakeEvents) -> None:
    stream = make_stream(fake_events.base_url)
    task = asyncio.create_task(stream.run())
    await stream.wait_connected(DEADLINE)
    await stream.close()
    await asyncio.wait_for(task, DEADLINE)
    assert not stream.connected


async def test_close_from_a_handler(fake_events: FakeEvents) -> None:
    stream = make_stream(fake_events.base_url)
    closed = asyncio.Event()

    async def shutdown(_: Event) -> None:
        await stream.close()
        closed.set()

    stream.on("ApplicationReplaced", shutdown)
    task = asyncio.create_task(stream.run())
    connection = await fake_events.next_connection()
    await connection.ws.send_json({"type": "ApplicationReplaced", "application": APP})
    await until(closed)
    await asyncio.wait_for(task, DEADLINE)
    assert not stream.connected


# -- dispatch ----------------------------------------------------------------------------


async def test_several_handlers_wildcard_and_unregister(
    fake_events: FakeEvents, runner: Runner
) -> None:
    first: list[Event] = []
    second: list[Event] = []
    removed: list[Event] = []
    everything: list[Event] = []
    all_seen = asyncio.Event()
    stream = make_stream(fake_events.base_url)
    stream.on("StasisStart", collector(first, lambda _: False, asyncio.Event()))
    stream.on("StasisStart", collector(second, lambda _: False, asyncio.Event()))
    unregister = stream.on("StasisEnd", collector(removed, lambda _: False, asyncio.Event()))
    stream.on("*", collector(everything, lambda got: len(got) == 4, all_seen))
    unregister()
    runner.start(stream)
    connection = await fake_events.next_connection()

    for sent in (
        event("StasisStart", "c1", args=["queue", "support"]),
        event("ChannelDtmfReceived", "c1", digit="1"),
        event("StasisEnd", "c1"),
        {"type": "DeviceStateChanged", "device_state": {"name": "Stasis:a", "state": "BUSY"}},
    ):
        await connection.ws.send_json(sent)
    await until(all_seen)

    assert [e["type"] for e in first] == ["StasisStart"]
    assert first == second
    assert first[0]["args"] == ["queue", "support"]
    assert removed == []
    assert {e["type"] for e in everything} == {
        "StasisStart",
        "ChannelDtmfReceived",
        "StasisEnd",
        "DeviceStateChanged",
    }


async def test_slow_channel_blocks_only_itself_and_keeps_order(
    fake_events: FakeEvents, runner: Runner
) -> None:
    order: dict[str, list[int]] = {"A": [], "B": []}
    release_a = asyncio.Event()
    a_blocked = asyncio.Event()
    b_done = asyncio.Event()
    a_done = asyncio.Event()

    async def handler(received: Event) -> None:
        channel, seq = received["channel"]["id"], received["seq"]
        order[channel].append(seq)
        if channel == "A" and seq == 1:
            a_blocked.set()
            await release_a.wait()
        if channel == "B" and seq == 3:
            b_done.set()
        if channel == "A" and seq == 3:
            a_done.set()

    stream = make_stream(fake_events.base_url)
    stream.on("ChannelDtmfReceived", handler)
    runner.start(stream)
    connection = await fake_events.next_connection()

    for channel, seq in [("A", 1), ("A", 2), ("B", 1), ("B", 2), ("A", 3), ("B", 3)]:
        await connection.ws.send_json(event("ChannelDtmfReceived", channel, seq=seq))
    await until(a_blocked)
    await until(b_done)
    assert order == {"A": [1], "B": [1, 2, 3]}  # B ran while A's first event was stuck

    release_a.set()
    await until(a_done)
    assert order["A"] == [1, 2, 3]
    assert stream.active_lanes == 0  # drained lanes are removed


async def test_events_without_channel_run_in_order(fake_events: FakeEvents, runner: Runner) -> None:
    seen: list[int] = []
    done = asyncio.Event()
    stream = make_stream(fake_events.base_url)
    stream.on("DeviceStateChanged", collector([], lambda _: False, asyncio.Event()))

    async def record(received: Event) -> None:
        seen.append(received["seq"])
        if len(seen) == 20:
            done.set()

    stream.on("DeviceStateChanged", record)
    runner.start(stream)
    connection = await fake_events.next_connection()
    for seq in range(20):
        await connection.ws.send_json({"type": "DeviceStateChanged", "seq": seq})
    await until(done)
    assert seen == list(range(20))


async def test_failing_handler_is_logged_and_stream_continues(
    fake_events: FakeEvents, runner: Runner, caplog: pytest.LogCaptureFixture
) -> None:
    received: list[Event] = []
    second_arrived = asyncio.Event()

    async def explode(_: Event) -> None:
        raise RuntimeError("handler bug")

    stream = make_stream(fake_events.base_url)
    stream.on("StasisStart", explode)
    stream.on("*", collector(received, lambda got: len(got) == 2, second_arrived))
    runner.start(stream)
    connection = await fake_events.next_connection()
    with caplog.at_level(logging.ERROR, logger="yeastar_ctl.ari.events"):
        await connection.ws.send_str("not json")
        await connection.ws.send_json(event("StasisStart", "c1"))
        await connection.ws.send_json(event("StasisStart", "c2"))
        await until(second_arrived)

    assert [e["channel"]["id"] for e in received] == ["c1", "c2"]
    failures = [r for r in caplog.records if r.exc_info and "StasisStart" in r.getMessage()]
    assert len(failures) == 2
    assert failures[0].name == "yeastar_ctl.ari.events"


async def test_on_connect_runs_before_that_connections_events(
    fake_events: FakeEvents, runner: Runner
) -> None:
    log: list[str] = []
    got_event = asyncio.Event()
    fake_events.greeting = [event("StasisStart", "c1")]

    async def on_connect() -> None:
        log.append("connect")

    async def on_event(received: Event) -> None:
        log.append(received["type"])
        got_event.set()

    stream = make_stream(fake_events.base_url, on_connect=on_connect)
    stream.on("StasisStart", on_event)
    runner.start(stream)
    await until(got_event)
    assert log == ["connect", "StasisStart"]


# -- reconnecting ------------------------------------------------------------------------


async def test_reconnects_after_server_closes(fake_events: FakeEvents, runner: Runner) -> None:
    sleep = RecordingSleep()
    connects: list[int] = []
    disconnected = asyncio.Event()
    got = asyncio.Event()
    received: list[Event] = []

    async def on_connect() -> None:
        connects.append(len(connects) + 1)

    async def on_disconnect() -> None:
        disconnected.set()

    stream = make_stream(
        fake_events.base_url,
        sleep=sleep,
        backoff_initial=0.01,
        on_connect=on_connect,
        on_disconnect=on_disconnect,
    )
    stream.on("*", collector(received, lambda got_: len(got_) == 1, got))
    runner.start(stream)

    first = await fake_events.next_connection()
    await first.ws.close()
    await until(disconnected)
    second = await fake_events.next_connection()
    await second.ws.send_json(event("StasisStart", "c9"))
    await until(got)

    assert received[0]["channel"]["id"] == "c9"
    assert connects == [1, 2]
    assert sleep.delays == [0.01]
    await stream.wait_connected(DEADLINE)


async def test_backoff_doubles_is_capped_and_resets_after_connect(
    fake_events: FakeEvents, runner: Runner
) -> None:
    sleep = RecordingSleep()
    fake_events.reject = 3
    stream = make_stream(fake_events.base_url, sleep=sleep, backoff_initial=0.1, backoff_max=0.3)
    runner.start(stream)

    first = await fake_events.next_connection()
    assert sleep.delays == [0.1, 0.2, 0.3]
    fake_events.reject = 1
    await first.ws.close()
    await fake_events.next_connection()
    # After the successful connect: back to the initial delay, then doubling again.
    assert sleep.delays == [0.1, 0.2, 0.3, 0.1, 0.2]
    assert fake_events.attempts == 6


async def test_backoff_when_asterisk_is_down(runner: Runner) -> None:
    sleep = RecordingSleep(limit=5)
    stream = make_stream(
        f"http://127.0.0.1:{unused_port()}/ari", sleep=sleep, backoff_initial=0.5, backoff_max=4
    )
    runner.start(stream)
    await until(sleep.reached)
    assert sleep.delays == [0.5, 1.0, 2.0, 4.0, 4.0]
    assert not stream.connected


# -- lanes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "lane"),
    [
        (event("StasisStart", "c1"), "c1"),
        ({"type": "Dial", "peer": {"id": "agent-1"}, "dialstatus": "RINGING"}, "agent-1"),
        ({"type": "PlaybackFinished", "playback": {"target_uri": "channel:c2"}}, "c2"),
        ({"type": "RecordingFinished", "recording": {"target_uri": "channel:c3"}}, "c3"),
        ({"type": "PlaybackFinished", "playback": {"target_uri": "bridge:b1"}}, ""),
        ({"type": "DeviceStateChanged", "device_state": {"name": "x"}}, ""),
        ({"type": "ChannelVarset", "channel": None}, ""),
    ],
)
def test_lane_key(raw: Event, lane: str) -> None:
    assert lane_key(raw) == lane
