"""Play a prompt and wait until it has finished (or the channel is gone)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from yeastar_ctl.ari import AriClient, AriError


MEDIA_SCHEMES = ("sound:", "recording:", "number:", "digits:", "characters:", "tone:")


def media_uri(prompt: str) -> str:
    """A prompt stored by name ("queue-periodic-announce") as an ARI media URI."""
    return prompt if prompt.startswith(MEDIA_SCHEMES) else f"sound:{prompt}"


class Prompts:
    def __init__(self, ari: AriClient) -> None:
        self._ari = ari
        self._waiting: dict[str, asyncio.Future[None]] = {}
        self._current: dict[str, str] = {}  # channel -> playback in progress

    async def on_playback_finished(self, event: dict[str, Any]) -> None:
        future = self._waiting.pop(event.get("playback", {}).get("id", ""), None)
        if future is not None and not future.done():
            future.set_result(None)

    async def play(self, channel_id: str, media: str, *, timeout: float = 30.0, lang: str | None = None) -> bool:
        """Returns False when the prompt could not be played (e.g. the caller hung up)."""
        playback_id = f"yc-play-{uuid.uuid4().hex}"
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting[playback_id] = future
        self._current[channel_id] = playback_id
        try:
            await self._ari.channels.play(channel_id, media, playback_id=playback_id, lang=lang)
            await asyncio.wait_for(future, timeout)
            return True
        except (AriError, asyncio.TimeoutError):
            return False
        finally:
            self._waiting.pop(playback_id, None)
            if self._current.get(channel_id) == playback_id:
                del self._current[channel_id]

    async def stop_current(self, channel_id: str) -> None:
        """Stop what is playing to the channel (e.g. an announcement when the agent answers)."""
        playback_id = self._current.pop(channel_id, None)
        if playback_id is not None:
            try:
                await self._ari.playbacks.stop(playback_id)
            except AriError:
                pass
