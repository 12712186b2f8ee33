"""A feature code dialed from a phone: decode it, carry it out, and tell the caller.

Seed: agents dial `*76400` (log in/out of 6400), `*076400` (pause/unpause), `*076400*03`
(pause for Wrap up), `*77` / `*077` / `*78`, or press a BLF key that dials
`*071001*6400*01`. A wrong code plays an error prompt and changes nothing.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Any, Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from yeastar_ctl.agents.codes import DecodeError, FeatureCodeSet, decode
from yeastar_ctl.ari import AriClient, AriError
from yeastar_ctl.db.enums import AgentEventKind, AgentEventSource
from yeastar_ctl.services.agent_commands import AgentCommandRefused, Refusal, StateChange, execute
from yeastar_ctl.services.config_snapshot import load_config_snapshot
from yeastar_ctl.telephony.media import Prompts

log = logging.getLogger(__name__)

# Prompts from Asterisk's core sounds until custom prompts arrive with the config plane.
CONFIRMATIONS = {
    AgentEventKind.LOGIN: "sound:agent-loginok",
    AgentEventKind.LOGOUT: "sound:agent-loggedoff",
    AgentEventKind.PAUSE: "sound:dictate/paused",
    AgentEventKind.PAUSE_REASON_CHANGE: "sound:dictate/paused",
    AgentEventKind.UNPAUSE: "sound:auth-thankyou",
}
REFUSALS = {
    Refusal.NOT_PERMITTED: "sound:feature-not-avail-line",
    Refusal.NOT_A_MEMBER: "sound:feature-not-avail-line",
    Refusal.STATIC_AGENT: "sound:cannot-complete-as-dialed",
    Refusal.NOT_LOGGED_IN: "sound:cannot-complete-as-dialed",
    Refusal.UNKNOWN: "sound:pbx-invalid",
    Refusal.NOTHING_TO_DO: "sound:cannot-complete-as-dialed",
}
INVALID_CODE = "sound:pbx-invalid"
_PJSIP_CHANNEL = re.compile(r"^PJSIP/(?P<endpoint>[^-]+)-[0-9a-f]+$")


def caller_extension(channel: dict[str, Any]) -> str:
    """The endpoint that dialed: from the channel name, which the caller cannot spoof."""
    match = _PJSIP_CHANNEL.match(str(channel.get("name", "")))
    return match.group("endpoint") if match else str(channel.get("caller", {}).get("number", ""))


class FeatureCodes:
    def __init__(
        self,
        ari: AriClient,
        sessions: async_sessionmaker[AsyncSession],
        prompts: Prompts,
        *,
        clock: Callable[[], datetime],
        on_changed: Callable[[list[StateChange], datetime], Awaitable[None]],
    ) -> None:
        self._ari = ari
        self._sessions = sessions
        self._prompts = prompts
        self._clock = clock
        self._on_changed = on_changed

    async def handle(self, channel: dict[str, Any], dialed: str) -> None:
        channel_id = str(channel.get("id", ""))
        caller = caller_extension(channel)
        try:
            await self._ari.channels.answer(channel_id)
        except AriError:
            return
        prompts = await self._carry_out(caller, dialed)
        for prompt in prompts:
            if not await self._prompts.play(channel_id, prompt, timeout=15):
                break
        try:
            await self._ari.channels.hangup(channel_id)
        except AriError:
            pass

    async def _carry_out(self, caller: str, dialed: str) -> list[str]:
        async with self._sessions() as session:
            snapshot = await load_config_snapshot(session)
        codes = FeatureCodeSet.from_pairs((f.key.value, f.code, f.enabled) for f in snapshot.feature_codes)
        command = decode(
            dialed, codes, queues={q.number for q in snapshot.queues},
            extensions={e.number for e in snapshot.extensions}, reasons={r.code for r in snapshot.pause_reasons},
        )
        if isinstance(command, DecodeError):
            log.info("feature code %s from %s: %s", dialed, caller, command.message)
            return [INVALID_CODE]
        at = self._clock()
        try:
            async with self._sessions.begin() as session:
                changes = await execute(
                    session, caller=caller, command=command, at=at, source=AgentEventSource.FEATURE_CODE,
                )
        except AgentCommandRefused as refused:
            log.info("feature code %s from %s refused: %s", dialed, caller, refused)
            return [REFUSALS[refused.refusal]]
        log.info("feature code %s from %s: %s", dialed, caller, ", ".join(
            f"{c.kind.value} {c.queue or 'all'}{' ' + c.reason if c.reason else ''}" for c in changes))
        await self._on_changed(changes, at)
        return [CONFIRMATIONS[changes[0].kind]]
