"""What a caller hears while waiting in a queue (seed, queue Prompt settings): the join
announcement, then the ringback tone or music on hold in a loop, interrupted by the periodic
announcement and the caller-position announcement at their own frequencies."""

from __future__ import annotations

import asyncio
import logging
from typing import Callable

from yeastar_ctl.ari import AriClient, AriError
from yeastar_ctl.db.queue_settings import QueueSettings
from yeastar_ctl.telephony.media import Prompts, media_uri

log = logging.getLogger(__name__)

RINGING = "ring"  # a ringback tone setting that means the plain ringing indication


def position_media(position: int, hold_seconds: float | None, *, announce_position: bool,
                   announce_hold_time: bool, thank_you: bool) -> list[str]:
    """app_queue's wording, with Asterisk's core sounds: "you are next" / "there are N calls
    waiting", "the estimated hold time is N minutes", "thank you for your patience"."""
    media: list[str] = []
    if announce_position:
        if position <= 1:
            media.append("sound:queue-youarenext")
        else:
            media += ["sound:queue-thereare", f"number:{position}", "sound:queue-callswaiting"]
    if announce_hold_time and hold_seconds is not None:
        minutes = max(1, round(hold_seconds / 60))
        media += ["sound:queue-holdtime", f"number:{minutes}",
                  "sound:queue-minute" if minutes == 1 else "sound:queue-minutes"]
    if thank_you:
        media.append("sound:queue-thankyou")
    return media


class WaitingMedia:
    def __init__(
        self, ari: AriClient, prompts: Prompts, channel_id: str, settings: QueueSettings,
        position: Callable[[], tuple[int, float | None]],
    ) -> None:
        self._ari = ari
        self._prompts = prompts
        self._channel = channel_id
        self._s = settings
        self._position = position
        self._holding = False

    async def join_announcement(self) -> None:
        if self._s.join_announcement:
            await self._prompts.play(self._channel, media_uri(self._s.join_announcement), lang=self._s.prompt_language,
                                     timeout=120)

    async def start_hold_audio(self) -> None:
        try:
            if self._s.ringback_tone == RINGING:
                await self._ari.channels.ring(self._channel)
            else:
                # A ringback tone is a music-on-hold playlist; without one the queue's MOH plays.
                await self._ari.channels.start_moh(self._channel, self._s.ringback_tone or self._s.music_on_hold or None)
            self._holding = True
        except AriError as exc:
            log.debug("hold audio on %s: %s", self._channel, exc)

    async def stop_hold_audio(self) -> None:
        if not self._holding:
            return
        self._holding = False
        try:
            if self._s.ringback_tone == RINGING:
                await self._ari.channels.ring_stop(self._channel)
            else:
                await self._ari.channels.stop_moh(self._channel)
        except AriError:
            pass

    async def _announce(self, media: list[str]) -> None:
        if not media:
            return
        await self.stop_hold_audio()
        try:
            for item in media:
                if not await self._prompts.play(self._channel, item, lang=self._s.prompt_language, timeout=60):
                    return
        finally:
            await self.start_hold_audio()

    async def run(self) -> None:
        """Loop until cancelled (the call is answered, leaves, or fails over)."""
        s = self._s
        loop = asyncio.get_running_loop()
        periodic = s.periodic_frequency_seconds if s.periodic_announcement else None
        wants_position = s.announce_position or s.announce_hold_time or s.thank_you_prompt
        positional = s.position_frequency_seconds if wants_position else None
        start = loop.time()
        next_periodic = start + periodic if periodic else None
        next_position = start + positional if positional else None
        try:
            while next_periodic is not None or next_position is not None:
                due = min(t for t in (next_periodic, next_position) if t is not None)
                await asyncio.sleep(max(0.0, due - loop.time()))
                media: list[str] = []
                now = loop.time()
                if next_position is not None and now >= next_position and positional:
                    position, hold = self._position()
                    media += position_media(position, hold, announce_position=s.announce_position,
                                            announce_hold_time=s.announce_hold_time, thank_you=s.thank_you_prompt)
                    next_position = now + positional
                if next_periodic is not None and now >= next_periodic and periodic and s.periodic_announcement:
                    media.append(media_uri(s.periodic_announcement))
                    next_periodic = now + periodic
                await self._announce(media)
        finally:
            await self._prompts.stop_current(self._channel)
