"""Keep the agents' BLF lamps (ARI `Stasis:` device states) in step with their state.

Called with every routing configuration the distributor loads (at start-up and reconnect, after
Apply, a portal or API change, a feature code or an auto pause), it sets only the lamps that
changed.
"""

from __future__ import annotations

import asyncio
import logging

from yeastar_ctl.agents.blf import lamps
from yeastar_ctl.ari import AriClient, AriError
from yeastar_ctl.db.enums import MemberKind
from yeastar_ctl.services.agent_state import LOGGED_OUT
from yeastar_ctl.telephony.distributor import RoutingConfig

log = logging.getLogger(__name__)
# Lamps set side by side: thousands of them after a restart, without flooding Asterisk's HTTP server.
LAMPS_AT_ONCE = 16


def lamp_states(config: RoutingConfig) -> dict[str, str]:
    states: dict[str, str] = {}
    reasons = sorted(config.pause_names)
    for queue, members in sorted(config.members.items()):
        for member in members:
            state = config.agent_states.get((member.extension, queue), LOGGED_OUT)
            static = member.kind == MemberKind.STATIC
            states.update(lamps(
                member.extension, queue, logged_in=static or state.logged_in, paused=state.paused,
                reason=state.pause_reason, reasons=reasons,
            ))
    return states


class BlfLamps:
    def __init__(self, ari: AriClient) -> None:
        self._ari = ari
        self._shown: dict[str, str] = {}
        # One update at a time, each against what the previous one left lit.
        self._lock = asyncio.Lock()

    def forget(self) -> None:
        """After a reconnect (or an Asterisk restart) set every lamp again."""
        self._shown.clear()

    async def show(self, config: RoutingConfig) -> None:
        async with self._lock:
            changed = [(device, state) for device, state in sorted(lamp_states(config).items())
                       if self._shown.get(device) != state]
            for start in range(0, len(changed), LAMPS_AT_ONCE):
                chunk = changed[start:start + LAMPS_AT_ONCE]
                await asyncio.gather(*(self._set(device, state) for device, state in chunk))

    async def _set(self, device: str, state: str) -> None:
        try:
            await self._ari.device_states.update(device, state)  # type: ignore[arg-type]
        except AriError as exc:
            log.warning("cannot set BLF lamp %s to %s: %s", device, state, exc)
            return
        self._shown[device] = state
