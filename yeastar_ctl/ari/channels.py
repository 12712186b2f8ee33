"""/channels: originate, control and inspect channels."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from . import endpoints as ep
from .endpoints import Endpoint
from .models import Channel, LiveRecording, Playback
from .resource import QueryParams, Resource, play_params, record_params, variables_body

Direction = Literal["both", "in", "out"]
SnoopDirection = Literal["none", "both", "out", "in"]


class Channels(Resource):
    async def _on(
        self,
        endpoint: Endpoint,
        channel_id: str,
        params: QueryParams | None = None,
        json: Mapping[str, Any] | None = None,
    ) -> Any:
        return await self._api.call(
            endpoint, {"channelId": channel_id}, params=params, json=json
        )

    async def originate(
        self,
        endpoint: str,
        *,
        app: str | None = None,
        app_args: str | Sequence[str] | None = None,
        caller_id: str | None = None,
        timeout: int | None = None,
        variables: Mapping[str, str] | None = None,
        channel_id: str | None = None,
        other_channel_id: str | None = None,
        originator: str | None = None,
        extension: str | None = None,
        context: str | None = None,
        priority: int | None = None,
    ) -> Channel:
        """Dial `endpoint`; when answered it enters `app` (default: the client's app).

        Pass `extension` (and `context`/`priority`) instead to send the answered channel
        into the dialplan; ARI rejects a request that names both.
        """
        if app is None and extension is None:
            app = self._api.app
        data = await self._api.call(
            ep.CHANNELS_ORIGINATE,
            params={
                "endpoint": endpoint,
                "extension": extension,
                "context": context,
                "priority": priority,
                "app": app,
                "appArgs": app_args,
                "callerId": caller_id,
                "timeout": timeout,
                "channelId": channel_id,
                "otherChannelId": other_channel_id,
                "originator": originator,
            },
            json=variables_body(variables),
        )
        return Channel.from_json(data)

    async def create(
        self,
        endpoint: str,
        *,
        app: str | None = None,
        app_args: str | Sequence[str] | None = None,
        channel_id: str | None = None,
        other_channel_id: str | None = None,
        originator: str | None = None,
        variables: Mapping[str, str] | None = None,
    ) -> Channel:
        """Create a channel without dialing it; call `dial()` once it is set up."""
        data = await self._api.call(
            ep.CHANNELS_CREATE,
            params={
                "endpoint": endpoint,
                "app": app or self._api.app,
                "appArgs": app_args,
                "channelId": channel_id,
                "otherChannelId": other_channel_id,
                "originator": originator,
            },
            json=variables_body(variables),
        )
        return Channel.from_json(data)

    async def get(self, channel_id: str) -> Channel:
        return Channel.from_json(await self._on(ep.CHANNEL_GET, channel_id))

    async def list(self) -> builtins.list[Channel]:
        return [Channel.from_json(item) for item in await self._api.call(ep.CHANNELS_LIST)]

    async def hangup(self, channel_id: str, reason: str | None = None) -> None:
        """`reason` is an ARI reason name such as "normal", "busy" or "no_answer"."""
        await self._on(ep.CHANNEL_HANGUP, channel_id, {"reason": reason})

    async def answer(self, channel_id: str) -> None:
        await self._on(ep.CHANNEL_ANSWER, channel_id)

    async def ring(self, channel_id: str) -> None:
        await self._on(ep.CHANNEL_RING, channel_id)

    async def ring_stop(self, channel_id: str) -> None:
        await self._on(ep.CHANNEL_RING_STOP, channel_id)

    async def start_moh(self, channel_id: str, moh_class: str | None = None) -> None:
        await self._on(ep.CHANNEL_MOH_START, channel_id, {"mohClass": moh_class})

    async def stop_moh(self, channel_id: str) -> None:
        await self._on(ep.CHANNEL_MOH_STOP, channel_id)

    async def start_silence(self, channel_id: str) -> None:
        await self._on(ep.CHANNEL_SILENCE_START, channel_id)

    async def stop_silence(self, channel_id: str) -> None:
        await self._on(ep.CHANNEL_SILENCE_STOP, channel_id)

    async def play(
        self,
        channel_id: str,
        media: str | Sequence[str],
        *,
        playback_id: str | None = None,
        lang: str | None = None,
    ) -> Playback:
        """Play one or more media URIs ("sound:...", "tone:...", "digits:...") in order."""
        data = await self._on(ep.CHANNEL_PLAY, channel_id, play_params(media, playback_id, lang))
        return Playback.from_json(data)

    async def send_dtmf(
        self,
        channel_id: str,
        dtmf: str,
        *,
        before: int | None = None,
        between: int | None = None,
        duration: int | None = None,
        after: int | None = None,
    ) -> None:
        await self._on(
            ep.CHANNEL_DTMF,
            channel_id,
            {
                "dtmf": dtmf,
                "before": before,
                "between": between,
                "duration": duration,
                "after": after,
            },
        )

    async def hold(self, channel_id: str) -> None:
        await self._on(ep.CHANNEL_HOLD, channel_id)

    async def unhold(self, channel_id: str) -> None:
        await self._on(ep.CHANNEL_UNHOLD, channel_id)

    async def mute(self, channel_id: str, direction: Direction = "both") -> None:
        await self._on(ep.CHANNEL_MUTE, channel_id, {"direction": direction})

    async def unmute(self, channel_id: str, direction: Direction = "both") -> None:
        await self._on(ep.CHANNEL_UNMUTE, channel_id, {"direction": direction})

    async def get_var(self, channel_id: str, name: str) -> str:
        """Raises AriNotFound when the variable is not set."""
        data = await self._on(ep.CHANNEL_VAR_GET, channel_id, {"variable": name})
        return str(data.get("value", ""))

    async def set_var(self, channel_id: str, name: str, value: str) -> None:
        await self._on(ep.CHANNEL_VAR_SET, channel_id, {"variable": name, "value": value})

    async def snoop(
        self,
        channel_id: str,
        *,
        spy: SnoopDirection = "none",
        whisper: SnoopDirection = "none",
        app: str | None = None,
        app_args: str | Sequence[str] | None = None,
        snoop_id: str | None = None,
    ) -> Channel:
        """Create a snoop channel on `channel_id` (listen: spy="in"; whisper/barge: whisper)."""
        data = await self._on(
            ep.CHANNEL_SNOOP,
            channel_id,
            {
                "spy": spy,
                "whisper": whisper,
                "app": app or self._api.app,
                "appArgs": app_args,
                "snoopId": snoop_id,
            },
        )
        return Channel.from_json(data)

    async def record(
        self,
        channel_id: str,
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
        return LiveRecording.from_json(await self._on(ep.CHANNEL_RECORD, channel_id, params))

    async def continue_in_dialplan(
        self,
        channel_id: str,
        context: str | None = None,
        extension: str | None = None,
        priority: int | None = None,
        label: str | None = None,
    ) -> None:
        """Leave Stasis and continue in the dialplan (default: the next priority)."""
        await self._on(
            ep.CHANNEL_CONTINUE,
            channel_id,
            {"context": context, "extension": extension, "priority": priority, "label": label},
        )

    async def move(
        self, channel_id: str, app: str, app_args: str | Sequence[str] | None = None
    ) -> None:
        await self._on(ep.CHANNEL_MOVE, channel_id, {"app": app, "appArgs": app_args})

    async def redirect(self, channel_id: str, endpoint: str) -> None:
        await self._on(ep.CHANNEL_REDIRECT, channel_id, {"endpoint": endpoint})

    async def dial(
        self, channel_id: str, caller: str | None = None, timeout: int | None = None
    ) -> None:
        """Dial a channel made by `create()`; `caller` is the channel it is dialed for."""
        await self._on(ep.CHANNEL_DIAL, channel_id, {"caller": caller, "timeout": timeout})
