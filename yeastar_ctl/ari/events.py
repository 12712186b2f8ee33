"""EventStream: the ARI events WebSocket, reconnected forever, dispatched per channel.

Ordering is what Stasis logic depends on (StasisStart before ChannelDtmfReceived before
StasisEnd for the same call), while a slow handler for one call must not stall every
other call. So each channel gets its own lane: events for it run strictly one after
another, lanes run concurrently, and events that concern no channel share one lane.
A lane exists only while it has work; it is removed the moment its backlog is empty,
so ChannelDestroyed/StasisEnd leave nothing behind.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from yarl import URL

log = logging.getLogger(__name__)

Event = dict[str, Any]
EventHandler = Callable[[Event], Awaitable[None] | None]
ConnectionCallback = Callable[[], Awaitable[None] | None]
Sleep = Callable[[float], Awaitable[None]]

WILDCARD = "*"
_SHARED_LANE = ""  # channel ids are never empty, so this key cannot collide


def events_url(base_url: str, app: str, user: str, password: str, subscribe_all: bool) -> URL:
    """ws(s)://host:port/ari/events?app=...&api_key=user:password[&subscribeAll=true]."""
    base = URL(base_url.rstrip("/"))
    scheme = "wss" if base.scheme == "https" else "ws"
    query = {"app": app, "api_key": f"{user}:{password}"}
    if subscribe_all:
        query["subscribeAll"] = "true"
    return base.with_scheme(scheme).joinpath("events").with_query(query)


def lane_key(event: Event) -> str:
    """The channel an event belongs to, or the shared lane.

    `channel` first; Dial events carry the dialed channel as `peer`; playback and
    recording events name their channel only in `target_uri` ("channel:<id>").
    """
    for key in ("channel", "peer"):
        value = event.get(key)
        if isinstance(value, dict) and value.get("id"):
            return str(value["id"])
    for key in ("playback", "recording"):
        value = event.get(key)
        if isinstance(value, dict):
            target = str(value.get("target_uri", ""))
            if target.startswith("channel:") and len(target) > len("channel:"):
                return target[len("channel:") :]
    return _SHARED_LANE


async def _call_logged(what: str, callback: Callable[..., Any], *args: Any) -> None:
    # Callbacks belong to the application; one failing must never stop the stream.
    try:
        result = callback(*args)
        if inspect.isawaitable(result):
            await result
    except Exception:
        log.exception("ARI %s failed", what)


@dataclass
class _Lane:
    backlog: deque[Event] = field(default_factory=deque)
    task: asyncio.Task[None] | None = None


class EventStream:
    """Subscribe with `on()`, then `await run()` until `close()`.

    `on_connect` runs after every successful (re)connect and before that connection's
    events are dispatched, which is where the application resyncs its live state from
    REST. `on_disconnect` runs when a connection ends.
    """

    def __init__(
        self,
        base_url: str,
        user: str,
        password: str,
        app: str,
        *,
        session: aiohttp.ClientSession | None = None,
        backoff_initial: float = 0.5,
        backoff_max: float = 10.0,
        sleep: Sleep = asyncio.sleep,
        subscribe_all: bool = False,
        on_connect: ConnectionCallback | None = None,
        on_disconnect: ConnectionCallback | None = None,
        heartbeat: float | None = 20.0,
    ) -> None:
        self._url = events_url(base_url, app, user, password, subscribe_all)
        self._session = session
        self._owns_session = session is None
        self._backoff_initial = backoff_initial
        self._backoff_max = backoff_max
        self._sleep = sleep
        self._heartbeat = heartbeat
        self.on_connect = on_connect
        self.on_disconnect = on_disconnect
        self._handlers: dict[str, list[EventHandler]] = {}
        self._lanes: dict[str, _Lane] = {}
        self._connected = asyncio.Event()
        self._closing = False
        self._supervisor: asyncio.Task[None] | None = None
        # The task that called close(), possibly a handler: never cancel it under itself.
        self._closer: asyncio.Task[Any] | None = None

    # -- subscriptions -------------------------------------------------------------

    def on(self, event_type: str, handler: EventHandler) -> Callable[[], None]:
        """Call `handler(event)` for each event of `event_type` ("*": every event).

        Handlers of one type run in registration order, then the "*" handlers.
        Returns a function that unregisters this handler.
        """
        self._handlers.setdefault(event_type, []).append(handler)

        def unregister() -> None:
            handlers = self._handlers.get(event_type, [])
            if handler in handlers:
                handlers.remove(handler)

        return unregister

    # -- state -----------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    @property
    def active_lanes(self) -> int:
        """Lanes with queued or running events; 0 when the stream is idle."""
        return len(self._lanes)

    async def wait_connected(self, timeout: float | None = None) -> None:
        """Wait until connected and `on_connect` has run; raises TimeoutError."""
        await asyncio.wait_for(self._connected.wait(), timeout)

    # -- lifecycle -------------------------------------------------------------------

    async def run(self) -> None:
        """Connect, dispatch and reconnect until close() is called."""
        if self._closing:
            return
        if self._supervisor is not None and not self._supervisor.done():
            raise RuntimeError("EventStream.run() is already running")
        self._supervisor = asyncio.create_task(self._supervise())
        try:
            # wait() rather than await: close() cancels the supervisor, and that must
            # end run() normally instead of looking like run() itself was cancelled.
            await asyncio.wait({self._supervisor})
        finally:
            if not self._supervisor.done():  # run() itself was cancelled
                self._supervisor.cancel()
                await asyncio.wait({self._supervisor})
            await (self._release() if self._closing else self._stop_lanes())
        failure = None if self._supervisor.cancelled() else self._supervisor.exception()
        if failure is not None:
            raise failure

    async def close(self) -> None:
        """Stop for good: disconnect, cancel running handlers, make run() return."""
        self._closing = True
        self._closer = asyncio.current_task()
        supervisor = self._supervisor
        if supervisor is not None and not supervisor.done():
            supervisor.cancel()
            if supervisor is asyncio.current_task():
                return  # called from on_connect/on_disconnect: run() cleans up
            await asyncio.wait({supervisor})
        await self._release()

    async def _release(self) -> None:
        await self._stop_lanes()
        if self._owns_session and self._session is not None:
            await self._session.close()

    async def __aenter__(self) -> EventStream:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # -- connection --------------------------------------------------------------------

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or (self._owns_session and self._session.closed):
            self._session = aiohttp.ClientSession()
            self._owns_session = True
        return self._session

    async def _supervise(self) -> None:
        delay = self._backoff_initial
        # The URL carries the password as api_key: never log it.
        where = str(self._url.with_query(None))
        while not self._closing:
            try:
                ws = await self._get_session().ws_connect(self._url, heartbeat=self._heartbeat)
            except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
                log.warning(
                    "ARI events: cannot connect to %s: %s", where, str(exc) or type(exc).__name__
                )
            else:
                delay = self._backoff_initial
                log.info("ARI events: connected to %s", where)
                try:
                    await self._serve(ws)
                finally:
                    self._connected.clear()
                    await ws.close()
                    if self.on_disconnect is not None:
                        await _call_logged("on_disconnect callback", self.on_disconnect)
                log.warning("ARI events: connection to %s closed", where)
            if self._closing:
                break
            await self._sleep(delay)
            delay = min(delay * 2, self._backoff_max)

    async def _serve(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        if self.on_connect is not None:
            await _call_logged("on_connect callback", self.on_connect)
        self._connected.set()
        async for message in ws:
            if message.type == aiohttp.WSMsgType.TEXT:
                self._accept(message.data)
            elif message.type == aiohttp.WSMsgType.ERROR:
                log.warning("ARI events: WebSocket error: %s", ws.exception())
                break

    # -- dispatch -----------------------------------------------------------------------

    def _accept(self, text: str) -> None:
        try:
            event = json.loads(text)
        except ValueError:
            log.warning("ARI events: ignoring non-JSON message %.200r", text)
            return
        if not isinstance(event, dict):
            log.warning("ARI events: ignoring non-object message %.200r", text)
            return
        key = lane_key(event)
        lane = self._lanes.get(key)
        if lane is not None:
            lane.backlog.append(event)
            return
        lane = _Lane(deque([event]))
        self._lanes[key] = lane
        lane.task = asyncio.create_task(self._drain(key, lane))

    async def _drain(self, key: str, lane: _Lane) -> None:
        try:
            while lane.backlog and not self._closing:
                await self._dispatch(lane.backlog.popleft())
        finally:
            # No await between the empty check and removal: an event arriving later
            # starts a fresh lane, so it cannot overtake one still queued here.
            if self._lanes.get(key) is lane:
                del self._lanes[key]

    async def _dispatch(self, event: Event) -> None:
        event_type = str(event.get("type", ""))
        handlers = [*self._handlers.get(event_type, ()), *self._handlers.get(WILDCARD, ())]
        for handler in handlers:
            await _call_logged(f"handler for {event_type}", handler, event)

    async def _stop_lanes(self) -> None:
        spared = {asyncio.current_task(), self._closer}
        tasks = [
            lane.task
            for lane in self._lanes.values()
            if lane.task is not None and lane.task not in spared
        ]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)
