"""/deviceStates: the custom device states behind BLF hints (agent lamps, feature codes)."""

from __future__ import annotations

import builtins
from typing import Literal

from . import endpoints as ep
from .models import DeviceState
from .resource import Resource

DeviceStateValue = Literal[
    "NOT_INUSE",
    "INUSE",
    "BUSY",
    "INVALID",
    "UNAVAILABLE",
    "RINGING",
    "RINGINUSE",
    "ONHOLD",
]


class DeviceStates(Resource):
    """Read any device state; write only the ones ARI owns.

    ARI lets an application set or delete only devices named `Stasis:<name>`
    (the full name, prefix included, e.g. "Stasis:agent-1001"); anything else is
    rejected with 409 (AriConflict, "Uncontrolled device specified"). A dialplan hint
    such as `exten => *1001,hint,Stasis:agent-1001` then shows the state on phones.
    """

    async def list(self) -> builtins.list[DeviceState]:
        data = await self._api.call(ep.DEVICE_STATES_LIST)
        return [DeviceState.from_json(item) for item in data]

    async def get(self, name: str) -> DeviceState:
        data = await self._api.call(ep.DEVICE_STATE_GET, {"deviceName": name})
        return DeviceState.from_json(data)

    async def update(self, name: str, state: DeviceStateValue) -> None:
        """Set `Stasis:<name>` to `state` (see the class docstring)."""
        await self._api.call(
            ep.DEVICE_STATE_UPDATE, {"deviceName": name}, params={"deviceState": state}
        )

    async def delete(self, name: str) -> None:
        """Forget a `Stasis:<name>` device (see the class docstring)."""
        await self._api.call(ep.DEVICE_STATE_DELETE, {"deviceName": name})
