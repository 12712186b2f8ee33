"""AriClient against an aiohttp server that plays ARI."""

from __future__ import annotations

import asyncio
import base64
import inspect
import re
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from yeastar_ctl.ari import (
    ENDPOINTS,
    AriBadRequest,
    AriClient,
    AriConflict,
    AriConnectionError,
    AriError,
    AriNotFound,
    AriServerError,
    AriUnprocessable,
    Bridge,
    Channel,
    Endpoint,
    Playback,
)
from yeastar_ctl.ari import endpoints as ep

APP = "yeastar_ctl"
LIST_PATHS = {"/ari/channels", "/ari/bridges", "/ari/deviceStates", "/ari/endpoints"}


@dataclass
class Seen:
    method: str
    path: str
    raw_path: str
    query: dict[str, str]
    body: Any
    authorization: str | None


class FakeAri:
    """Records every request; answers from `replies`, else with a generic success."""

    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self.replies: dict[tuple[str, str], web.StreamResponse] = {}
        self.base_url = ""

    @property
    def last(self) -> Seen:
        return self.seen[-1]

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.json() if request.can_read_body else None
        self.seen.append(
            Seen(
                request.method,
                request.path,
                request.raw_path.split("?")[0],
                dict(request.query),
                body,
                request.headers.get("Authorization"),
            )
        )
        reply = self.replies.get((request.method, request.path))
        if reply is not None:
            return reply
        if request.method == "GET" and request.path in LIST_PATHS:
            return web.json_response([])
        return web.json_response({"value": "v"})


@pytest.fixture
async def fake_ari() -> AsyncIterator[FakeAri]:
    fake = FakeAri()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", fake.handle)
    server = TestServer(app)
    await server.start_server()
    fake.base_url = str(server.make_url("/ari"))
    yield fake
    await server.close()


@pytest.fixture
async def client(fake_ari: FakeAri) -> AsyncIterator[AriClient]:
    async with AriClient(fake_ari.base_url, "user", "secret", APP) as ari:
        yield ari


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


# -- the request choke point ---------------------------------------------------------


async def test_basic_auth_header(client: AriClient, fake_ari: FakeAri) -> None:
    await client.channels.answer("c1")
    expected = "Basic " + base64.b64encode(b"user:secret").decode()
    assert fake_ari.last.authorization == expected
    assert (fake_ari.last.method, fake_ari.last.path) == ("POST", "/ari/channels/c1/answer")


async def test_query_rendering(client: AriClient, fake_ari: FakeAri) -> None:
    await client.request(
        "POST",
        "/x",
        params={"yes": True, "no": False, "gone": None, "many": ["a", "b"], "n": 5, "s": "+1 2"},
    )
    assert fake_ari.last.query == {"yes": "true", "no": "false", "many": "a,b", "n": "5", "s": "+1 2"}


async def test_204_returns_none(client: AriClient, fake_ari: FakeAri) -> None:
    fake_ari.replies[("POST", "/ari/channels/c1/answer")] = web.Response(status=204)
    assert await client.request("POST", "/channels/c1/answer") is None


@pytest.mark.parametrize(
    ("status", "error_type"),
    [
        (400, AriBadRequest),
        (404, AriNotFound),
        (409, AriConflict),
        (422, AriUnprocessable),
        (500, AriServerError),
        (503, AriServerError),
        (412, AriError),
    ],
)
async def test_http_errors_are_typed(
    client: AriClient, fake_ari: FakeAri, status: int, error_type: type[AriError]
) -> None:
    fake_ari.replies[("GET", "/ari/channels/gone")] = web.json_response(
        {"message": "Channel not found"}, status=status
    )
    with pytest.raises(error_type) as caught:
        await client.channels.get("gone")
    assert type(caught.value) is error_type
    assert caught.value.status == status
    assert caught.value.message == "Channel not found"
    assert (caught.value.method, caught.value.path) == ("GET", "/channels/gone")


async def test_error_without_json_body_uses_text(client: AriClient, fake_ari: FakeAri) -> None:
    fake_ari.replies[("GET", "/ari/asterisk/ping")] = web.Response(status=503, text="busy")
    with pytest.raises(AriServerError, match="busy"):
        await client.asterisk.ping()


async def test_connection_refused() -> None:
    async with AriClient(f"http://127.0.0.1:{unused_port()}/ari", "u", "p", APP) as ari:
        with pytest.raises(AriConnectionError) as caught:
            await ari.asterisk.ping()
    assert caught.value.status == 0
    assert caught.value.path == "/asterisk/ping"


async def test_timeout_is_a_connection_error() -> None:
    release = asyncio.Event()

    async def stuck(request: web.Request) -> web.Response:
        await release.wait()
        return web.json_response({})

    app = web.Application()
    app.router.add_get("/ari/asterisk/ping", stuck)
    server = TestServer(app)
    await server.start_server()
    try:
        base = str(server.make_url("/ari"))
        async with AriClient(base, "u", "p", APP, request_timeout=0.05) as ari:
            with pytest.raises(AriConnectionError):
                await ari.asterisk.ping()
    finally:
        release.set()
        await server.close()


async def test_injected_session_is_left_open(fake_ari: FakeAri) -> None:
    async with aiohttp.ClientSession() as session:
        async with AriClient(fake_ari.base_url, "u", "p", APP, session=session) as ari:
            await ari.asterisk.ping()
        assert not session.closed


async def test_call_refuses_undeclared_parameters(client: AriClient) -> None:
    with pytest.raises(ValueError, match="bogus"):
        await client.call(ep.CHANNEL_ANSWER, {"channelId": "c1"}, params={"bogus": 1})
    with pytest.raises(ValueError, match="variables"):
        await client.call(ep.CHANNEL_ANSWER, {"channelId": "c1"}, json={"variables": {}})


# -- resources -----------------------------------------------------------------------


async def test_originate(client: AriClient, fake_ari: FakeAri) -> None:
    fake_ari.replies[("POST", "/ari/channels")] = web.json_response(
        {"id": "agent-1", "name": "PJSIP/1001-01", "state": "Down"}
    )
    channel = await client.channels.originate(
        "PJSIP/1001",
        app_args=["agent", "q1"],
        caller_id='"Queue" <+15550100>',
        timeout=20,
        variables={"QUEUE": "support"},
        channel_id="agent-1",
    )
    assert channel == Channel.from_json({"id": "agent-1", "name": "PJSIP/1001-01", "state": "Down"})
    assert fake_ari.last.query == {
        "endpoint": "PJSIP/1001",
        "app": APP,
        "appArgs": "agent,q1",
        "callerId": '"Queue" <+15550100>',
        "timeout": "20",
        "channelId": "agent-1",
    }
    assert fake_ari.last.body == {"variables": {"QUEUE": "support"}}


async def test_originate_into_dialplan_names_no_app(client: AriClient, fake_ari: FakeAri) -> None:
    await client.channels.originate("PJSIP/1001", extension="100", context="internal", priority=1)
    assert fake_ari.last.query == {
        "endpoint": "PJSIP/1001",
        "extension": "100",
        "context": "internal",
        "priority": "1",
    }
    assert fake_ari.last.body is None


async def test_play_returns_playback(client: AriClient, fake_ari: FakeAri) -> None:
    fake_ari.replies[("POST", "/ari/channels/c1/play")] = web.json_response(
        {"id": "pb1", "media_uri": "sound:a", "target_uri": "channel:c1", "state": "queued"}
    )
    playback = await client.channels.play("c1", ["sound:a", "sound:b"], playback_id="pb1")
    assert playback == Playback("pb1", "sound:a", "channel:c1", "queued")
    assert fake_ari.last.query == {"media": "sound:a,sound:b", "playbackId": "pb1"}


async def test_bridge_create_and_add_channels(client: AriClient, fake_ari: FakeAri) -> None:
    fake_ari.replies[("POST", "/ari/bridges")] = web.json_response(
        {"id": "b1", "bridge_type": "mixing", "channels": []}
    )
    bridge = await client.bridges.create(["mixing", "dtmf_events"], bridge_id="b1", name="call")
    assert bridge == Bridge("b1", "", "mixing", (), "")
    assert fake_ari.last.query == {"type": "mixing,dtmf_events", "bridgeId": "b1", "name": "call"}

    await client.bridges.add_channel("b1", ["c1", "c2"], absorb_dtmf=True, mute=False)
    assert fake_ari.last.path == "/ari/bridges/b1/addChannel"
    assert fake_ari.last.query == {"channel": "c1,c2", "absorbDTMF": "true", "mute": "false"}


async def test_variables(client: AriClient, fake_ari: FakeAri) -> None:
    fake_ari.replies[("GET", "/ari/channels/c1/variable")] = web.json_response({"value": "42"})
    assert await client.channels.get_var("c1", "QUEUE_POS") == "42"
    assert fake_ari.last.query == {"variable": "QUEUE_POS"}
    await client.asterisk.set_variable("NIGHT", "1")
    assert (fake_ari.last.path, fake_ari.last.query) == (
        "/ari/asterisk/variable",
        {"variable": "NIGHT", "value": "1"},
    )


async def test_device_state_update_quotes_the_name(client: AriClient, fake_ari: FakeAri) -> None:
    await client.device_states.update("Stasis:agent 1", "INUSE")
    assert (fake_ari.last.method, fake_ari.last.path) == ("PUT", "/ari/deviceStates/Stasis:agent 1")
    assert fake_ari.last.query == {"deviceState": "INUSE"}


async def test_path_ids_cannot_escape_their_segment(client: AriClient, fake_ari: FakeAri) -> None:
    await client.channels.answer("a/../b?x=1")
    assert fake_ari.last.raw_path.startswith("/ari/channels/a%2F..%2Fb%3Fx")
    assert fake_ari.last.path == "/ari/channels/a/../b?x=1/answer"
    assert fake_ari.last.query == {}


async def test_snoop_and_create_default_to_the_client_app(
    client: AriClient, fake_ari: FakeAri
) -> None:
    await client.channels.snoop("c1", spy="in", snoop_id="s1")
    assert fake_ari.last.query == {"spy": "in", "whisper": "none", "app": APP, "snoopId": "s1"}
    await client.channels.create("PJSIP/1001", app_args="agent")
    assert fake_ari.last.query == {"endpoint": "PJSIP/1001", "app": APP, "appArgs": "agent"}


# -- every public resource method goes through exactly the declared endpoints ----------

Call = Callable[[AriClient], Awaitable[Any]]

EVERY_METHOD: dict[str, Call] = {
    "channels.originate": lambda c: c.channels.originate("PJSIP/1"),
    "channels.create": lambda c: c.channels.create("PJSIP/1"),
    "channels.get": lambda c: c.channels.get("c1"),
    "channels.list": lambda c: c.channels.list(),
    "channels.hangup": lambda c: c.channels.hangup("c1", reason="normal"),
    "channels.answer": lambda c: c.channels.answer("c1"),
    "channels.ring": lambda c: c.channels.ring("c1"),
    "channels.ring_stop": lambda c: c.channels.ring_stop("c1"),
    "channels.start_moh": lambda c: c.channels.start_moh("c1", "default"),
    "channels.stop_moh": lambda c: c.channels.stop_moh("c1"),
    "channels.start_silence": lambda c: c.channels.start_silence("c1"),
    "channels.stop_silence": lambda c: c.channels.stop_silence("c1"),
    "channels.play": lambda c: c.channels.play("c1", "sound:a", lang="en"),
    "channels.send_dtmf": lambda c: c.channels.send_dtmf("c1", "12#", between=200),
    "channels.hold": lambda c: c.channels.hold("c1"),
    "channels.unhold": lambda c: c.channels.unhold("c1"),
    "channels.mute": lambda c: c.channels.mute("c1", "in"),
    "channels.unmute": lambda c: c.channels.unmute("c1"),
    "channels.get_var": lambda c: c.channels.get_var("c1", "X"),
    "channels.set_var": lambda c: c.channels.set_var("c1", "X", "1"),
    "channels.snoop": lambda c: c.channels.snoop("c1", whisper="out"),
    "channels.record": lambda c: c.channels.record("c1", "r1", beep=True),
    "channels.continue_in_dialplan": lambda c: c.channels.continue_in_dialplan("c1", "ctx"),
    "channels.move": lambda c: c.channels.move("c1", "other"),
    "channels.redirect": lambda c: c.channels.redirect("c1", "PJSIP/2"),
    "channels.dial": lambda c: c.channels.dial("c1", caller="c0", timeout=20),
    "bridges.create": lambda c: c.bridges.create(),
    "bridges.get": lambda c: c.bridges.get("b1"),
    "bridges.list": lambda c: c.bridges.list(),
    "bridges.destroy": lambda c: c.bridges.destroy("b1"),
    "bridges.add_channel": lambda c: c.bridges.add_channel("b1", "c1", role="agent"),
    "bridges.remove_channel": lambda c: c.bridges.remove_channel("b1", "c1"),
    "bridges.start_moh": lambda c: c.bridges.start_moh("b1"),
    "bridges.stop_moh": lambda c: c.bridges.stop_moh("b1"),
    "bridges.play": lambda c: c.bridges.play("b1", "sound:a"),
    "bridges.record": lambda c: c.bridges.record("b1", "r1", if_exists="overwrite"),
    "playbacks.get": lambda c: c.playbacks.get("p1"),
    "playbacks.stop": lambda c: c.playbacks.stop("p1"),
    "playbacks.control": lambda c: c.playbacks.control("p1", "pause"),
    "device_states.list": lambda c: c.device_states.list(),
    "device_states.get": lambda c: c.device_states.get("Stasis:a"),
    "device_states.update": lambda c: c.device_states.update("Stasis:a", "BUSY"),
    "device_states.delete": lambda c: c.device_states.delete("Stasis:a"),
    "endpoints.list": lambda c: c.endpoints.list(),
    "endpoints.get": lambda c: c.endpoints.get("PJSIP", "1001"),
    "applications.get": lambda c: c.applications.get(APP),
    "applications.subscribe": lambda c: c.applications.subscribe(APP, "deviceState:Stasis:a"),
    "applications.unsubscribe": lambda c: c.applications.unsubscribe(APP, ["channel:c1"]),
    "asterisk.info": lambda c: c.asterisk.info(),
    "asterisk.ping": lambda c: c.asterisk.ping(),
    "asterisk.get_variable": lambda c: c.asterisk.get_variable("X"),
    "asterisk.set_variable": lambda c: c.asterisk.set_variable("X", "1"),
}

RESOURCES = (
    "channels", "bridges", "playbacks", "device_states", "endpoints", "applications", "asterisk",
)


def _matching_endpoint(method: str, path: str) -> Endpoint:
    candidates = [
        endpoint
        for endpoint in ENDPOINTS
        if endpoint.method == method
        and re.fullmatch("/ari" + re.sub(r"\{[^}]+\}", "[^/]+", endpoint.template), path)
    ]
    assert candidates, f"{method} {path} matches no declared endpoint"
    # A literal segment beats a placeholder (POST /channels/create vs /channels/{id}).
    return min(candidates, key=lambda endpoint: endpoint.template.count("{"))


def test_the_table_names_every_public_resource_method() -> None:
    client = AriClient("http://127.0.0.1:1/ari", "u", "p", APP)
    public = {
        f"{attr}.{name}"
        for attr in RESOURCES
        for name, member in inspect.getmembers(type(getattr(client, attr)))
        if not name.startswith("_") and inspect.iscoroutinefunction(member)
    }
    assert public == set(EVERY_METHOD)


async def test_every_method_uses_declared_endpoints(client: AriClient, fake_ari: FakeAri) -> None:
    used: set[Endpoint] = set()
    for name, call in EVERY_METHOD.items():
        before = len(fake_ari.seen)
        await call(client)
        assert len(fake_ari.seen) == before + 1, name
        seen = fake_ari.last
        endpoint = _matching_endpoint(seen.method, seen.path)
        assert set(seen.query) <= endpoint.query, (name, seen.query)
        used.add(endpoint)
    assert used == ENDPOINTS, "declared endpoints no method uses"
