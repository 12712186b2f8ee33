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


# What a lamp Asterisk has never been told about shows: off, as NOT_INUSE does.
UNSET = "NOT_INUSE"


class BlfLamps:
    def __init__(self, ari: AriClient) -> None:
        self._ari = ari
        self._shown: dict[str, str] = {}
        self._known = False  # whether _shown holds what Asterisk has (read once per connection)
        # One update at a time, each against what the previous one left lit.
        self._lock = asyncio.Lock()

    def forget(self) -> None:
        """After a reconnect (or an Asterisk restart) read again what Asterisk shows."""
        self._shown.clear()
        self._known = False

    async def show(self, config: RoutingConfig) -> None:
        async with self._lock:
            if not self._known:
                await self._read_shown()
            changed = [(device, state) for device, state in sorted(lamp_states(config).items())
                       if self._shown.get(device, UNSET) != state]
            for start in range(0, len(changed), LAMPS_AT_ONCE):
                chunk = changed[start:start + LAMPS_AT_ONCE]
                await asyncio.gather(*(self._set(device, state) for device, state in chunk))

    async def _read_shown(self) -> None:
        """Asterisk keeps the lamps while the control plane restarts: set only what differs
        (200 agents x 40 queues x 3 reasons are 40,000 lamps, a minute of requests)."""
        try:
            states = await self._ari.device_states.list()
        except AriError as exc:
            log.warning("cannot read the BLF lamps Asterisk shows (%s); setting every lamp", exc)
            self._known = True
            self._shown = {}
            return
        self._shown = {d.name: d.state for d in states if d.name.startswith("Stasis:")}
        self._known = True

    async def _set(self, device: str, state: str) -> None:
        try:
            await self._ari.device_states.update(device, state)  # type: ignore[arg-type]
        except AriError as exc:
            log.warning("cannot set BLF lamp %s to %s: %s", device, state, exc)
            return
        self._shown[device] = state
