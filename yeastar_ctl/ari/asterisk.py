"""/asterisk: system information, liveness and global variables."""

from __future__ import annotations

from . import endpoints as ep
from .models import AsteriskInfo, AsteriskPing
from .resource import Resource


class Asterisk(Resource):
    async def info(self) -> AsteriskInfo:
        return AsteriskInfo.from_json(await self._api.call(ep.ASTERISK_INFO))

    async def ping(self) -> AsteriskPing:
        return AsteriskPing.from_json(await self._api.call(ep.ASTERISK_PING))

    async def get_variable(self, name: str) -> str:
        data = await self._api.call(ep.ASTERISK_VAR_GET, params={"variable": name})
        return str(data.get("value", ""))

    async def set_variable(self, name: str, value: str) -> None:
        await self._api.call(ep.ASTERISK_VAR_SET, params={"variable": name, "value": value})
