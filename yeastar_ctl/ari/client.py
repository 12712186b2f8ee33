"""AriClient: the one place ARI REST requests are made."""

from __future__ import annotations

import asyncio
import base64
import json as jsonlib
import logging
from collections.abc import Mapping
from types import TracebackType
from typing import Any

import aiohttp

from .applications import Applications
from .asterisk import Asterisk
from .bridges import Bridges
from .channels import Channels
from .device_endpoints import Endpoints
from .device_states import DeviceStates
from .endpoints import Endpoint
from .errors import AriConnectionError, AriError, error_for_status
from .playbacks import Playbacks
from .resource import QueryParams

log = logging.getLogger(__name__)
# Asterisk's HTTP server refuses sessions beyond its `sessionlimit` (100 by default, shared with
# the events WebSocket and any other client); a burst of calls must queue here, not fail there.
MAX_CONNECTIONS = 32


def render_query(params: QueryParams | None) -> dict[str, str]:
    """ARI's query-string conventions; None means "let Asterisk use its default"."""
    rendered: dict[str, str] = {}
    for key, value in (params or {}).items():
        if value is None:
            continue
        # bool before int/str: bool is an int, and ARI wants lowercase words.
        if isinstance(value, bool):
            rendered[key] = "true" if value else "false"
        elif isinstance(value, (str, int, float)):
            rendered[key] = str(value)
        else:
            rendered[key] = ",".join(str(item) for item in value)
    return rendered


def _error_message(body: bytes, fallback: str) -> str:
    try:
        data = jsonlib.loads(body)
    except ValueError:
        data = None
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        return str(data["message"])
    text = body.decode("utf-8", "replace").strip()
    return text or fallback


class AriClient:
    """Typed access to ARI REST; resources are `channels`, `bridges`, `playbacks`,
    `device_states`, `applications` and `asterisk`.

    `base_url` is the ARI root, e.g. "http://127.0.0.1:8088/ari". A passed-in session
    is used as is and left open on close(); otherwise the client creates its own.
    """

    def __init__(
        self,
        base_url: str,
        user: str,
        password: str,
        app: str,
        *,
        session: aiohttp.ClientSession | None = None,
        request_timeout: float = 10.0,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        # A header, not aiohttp.BasicAuth (deprecated in 3.14), and per request rather
        # than on the session because the session may be shared with other clients.
        credentials = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        self._headers = {"Authorization": f"Basic {credentials}"}
        self._app = app
        self._session = session
        self._owns_session = session is None
        self._timeout = aiohttp.ClientTimeout(total=request_timeout)
        self.channels = Channels(self)
        self.bridges = Bridges(self)
        self.playbacks = Playbacks(self)
        self.device_states = DeviceStates(self)
        self.endpoints = Endpoints(self)
        self.applications = Applications(self)
        self.asterisk = Asterisk(self)

    @property
    def app(self) -> str:
        """The Stasis application name used when a call does not name one."""
        return self._app

    @property
    def base_url(self) -> str:
        return self._base_url

    def _get_session(self) -> aiohttp.ClientSession:
        # Created lazily: a ClientSession must be created inside the running loop.
        if self._session is None or (self._owns_session and self._session.closed):
            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=MAX_CONNECTIONS))
            self._owns_session = True
        return self._session

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: QueryParams | None = None,
        json: Mapping[str, Any] | None = None,
    ) -> Any:
        """Send one request; returns the decoded JSON body, or None when there is none.

        Raises the AriError subclass for the HTTP status, or AriConnectionError when
        Asterisk cannot be reached or does not answer within the request timeout.
        """
        url = self._base_url + path
        log.debug("ARI %s %s", method, path)
        try:
            async with self._get_session().request(
                method,
                url,
                params=render_query(params),
                json=dict(json) if json is not None else None,
                headers=self._headers,
                timeout=self._timeout,
            ) as response:
                status = response.status
                reason = response.reason or ""
                body = await response.read()
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            message = str(exc) or type(exc).__name__
            raise AriConnectionError(message, method, path) from exc
        if status >= 400:
            raise error_for_status(status, _error_message(body, reason), method, path)
        if status == 204 or not body.strip():
            return None
        try:
            return jsonlib.loads(body)
        except ValueError as exc:
            raise AriError(status, "response body is not JSON", method, path) from exc

    async def call(
        self,
        endpoint: Endpoint,
        path_params: Mapping[str, str] | None = None,
        *,
        params: QueryParams | None = None,
        json: Mapping[str, Any] | None = None,
    ) -> Any:
        """Request a declared endpoint; refuses keys the declaration does not list."""
        undeclared = (set(params or ()) - endpoint.query) | (set(json or ()) - endpoint.body)
        if undeclared:
            raise ValueError(
                f"{endpoint.method} {endpoint.template} does not declare {sorted(undeclared)}"
            )
        path = endpoint.render_path(path_params or {})
        return await self.request(endpoint.method, path, params=params, json=json)

    async def close(self) -> None:
        if self._owns_session and self._session is not None:
            await self._session.close()

    async def __aenter__(self) -> AriClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
