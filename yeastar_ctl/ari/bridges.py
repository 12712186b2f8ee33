"""/bridges: holding and mixing bridges that calls and agents meet in."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any, Literal

from . import endpoints as ep
from .endpoints import Endpoint
from .models import Bridge, LiveRecording, Playback
from .resource import QueryParams, Resource, play_params, record_params


class Bridges(Resource):
    async def _on(
        self, endpoint: Endpoint, bridge_id: str, params: QueryParams | None = None
    ) -> Any:
        return await self._api.call(endpoint, {"bridgeId": bridge_id}, params=params)

    async def create(
        self,
        type: str | Sequence[str] = "mixing",
        *,
        bridge_id: str | None = None,
        name: str | None = None,
    ) -> Bridge:
        """`type` is one or more of mixing, holding, dtmf_events, proxy_media, video_sfu."""
        data = await self._api.call(
            ep.BRIDGES_CREATE, params={"type": type, "bridgeId": bridge_id, "name": name}
        )
        return Bridge.from_json(data)

    async def get(self, bridge_id: str) -> Bridge:
        return Bridge.from_json(await self._on(ep.BRIDGE_GET, bridge_id))

    async def list(self) -> builtins.list[Bridge]:
        return [Bridge.from_json(item) for item in await self._api.call(ep.BRIDGES_LIST)]

    async def destroy(self, bridge_id: str) -> None:
        await self._on(ep.BRIDGE_DESTROY, bridge_id)

    async def add_channel(
        self,
        bridge_id: str,
        channel_ids: str | Sequence[str],
        role: str | None = None,
        *,
        absorb_dtmf: bool | None = None,
        mute: bool | None = None,
    ) -> None:
        await self._on(
            ep.BRIDGE_ADD_CHANNEL,
            bridge_id,
            {"channel": channel_ids, "role": role, "absorbDTMF": absorb_dtmf, "mute": mute},
        )

    async def remove_channel(self, bridge_id: str, channel_ids: str | Sequence[str]) -> None:
        await self._on(ep.BRIDGE_REMOVE_CHANNEL, bridge_id, {"channel": channel_ids})

    async def start_moh(self, bridge_id: str, moh_class: str | None = None) -> None:
        await self._on(ep.BRIDGE_MOH_START, bridge_id, {"mohClass": moh_class})

    async def stop_moh(self, bridge_id: str) -> None:
        await self._on(ep.BRIDGE_MOH_STOP, bridge_id)

    async def play(
        self,
        bridge_id: str,
        media: str | Sequence[str],
        *,
        playback_id: str | None = None,
        lang: str | None = None,
    ) -> Playback:
        data = await self._on(ep.BRIDGE_PLAY, bridge_id, play_params(media, playback_id, lang))
        return Playback.from_json(data)

    async def record(
        self,
        bridge_id: str,
        name: str,
        format: str = "wav",
        *,
        max_duration_seconds: int | None = None,
        max_silence_seconds: int | None = None,
        if_exists: Literal["fail", "overwrite", "append"] | None = None,
        beep: bool | None = None,
        terminate_on: str | None = None,
    ) -> LiveRecording:
        params = record_params(
            name,
            format,
            max_duration_seconds,
            max_silence_seconds,
            if_exists,
            beep,
            terminate_on,
        )
        return LiveRecording.from_json(await self._on(ep.BRIDGE_RECORD, bridge_id, params))
