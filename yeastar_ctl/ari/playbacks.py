"""/playbacks: follow and control media started by a channel's or bridge's play()."""

from __future__ import annotations

from typing import Literal

from . import endpoints as ep
from .models import Playback
from .resource import Resource

PlaybackOperation = Literal["restart", "pause", "unpause", "reverse", "forward"]


class Playbacks(Resource):
    async def get(self, playback_id: str) -> Playback:
        data = await self._api.call(ep.PLAYBACK_GET, {"playbackId": playback_id})
        return Playback.from_json(data)

    async def stop(self, playback_id: str) -> None:
        await self._api.call(ep.PLAYBACK_STOP, {"playbackId": playback_id})

    async def control(self, playback_id: str, operation: PlaybackOperation) -> None:
        await self._api.call(
            ep.PLAYBACK_CONTROL, {"playbackId": playback_id}, params={"operation": operation}
        )
