"""/applications: what a Stasis application is subscribed to."""

from __future__ import annotations

from collections.abc import Sequence

from . import endpoints as ep
from .endpoints import Endpoint
from .models import Application
from .resource import Resource


class Applications(Resource):
    async def get(self, name: str) -> Application:
        data = await self._api.call(ep.APPLICATION_GET, {"applicationName": name})
        return Application.from_json(data)

    async def subscribe(self, name: str, event_source: str | Sequence[str]) -> Application:
        """`event_source` is like "channel:<id>", "bridge:<id>", "deviceState:<name>"."""
        return await self._subscription(ep.APPLICATION_SUBSCRIBE, name, event_source)

    async def unsubscribe(self, name: str, event_source: str | Sequence[str]) -> Application:
        return await self._subscription(ep.APPLICATION_UNSUBSCRIBE, name, event_source)

    async def _subscription(
        self, endpoint: Endpoint, name: str, event_source: str | Sequence[str]
    ) -> Application:
        data = await self._api.call(
            endpoint, {"applicationName": name}, params={"eventSource": event_source}
        )
        return Application.from_json(data)
