"""/endpoints: whether a phone is registered and which channels it has."""

from __future__ import annotations

import builtins

from . import endpoints as ep
from .models import EndpointState
from .resource import Resource


class Endpoints(Resource):
    async def list(self) -> builtins.list[EndpointState]:
        data = await self._api.call(ep.ENDPOINTS_LIST)
        return [EndpointState.from_json(item) for item in data]

    async def get(self, tech: str, resource: str) -> EndpointState:
        data = await self._api.call(ep.ENDPOINT_GET, {"tech": tech, "resource": resource})
        return EndpointState.from_json(data)
