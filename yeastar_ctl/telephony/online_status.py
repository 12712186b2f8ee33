"""Each extension's endpoints and whether they are registered (seed 000, "online status").

A Yeastar extension can be registered from a SIP phone and from Linkus clients; the portal shows
0/1 per endpoint kind and the extension is online when any endpoint is. Every PJSIP contact here
is a `sip_phone` (hardware or soft phone); other kinds get their own key when such clients exist.
The routing core's "unavailable / offline" comes from the same registrations through the PJSIP
device state, which is UNAVAILABLE while no contact is registered.

Changes come from AMI `ContactStatus` events, not from an ARI `endpoint:` subscription: that
subscription also forwards every event of the endpoint's channels, so the Stasis app would see
each of its channels' events twice (a key pressed once would count twice).
"""

from __future__ import annotations

import logging
from typing import Any

from yeastar_ctl.ari import AriClient, AriError

log = logging.getLogger(__name__)
SIP_PHONE = "sip_phone"
OFFLINE_STATUSES = frozenset({"Removed", "Unreachable"})


class OnlineStatus:
    def __init__(self, ari: AriClient) -> None:
        self._ari = ari
        self._endpoints: dict[str, dict[str, int]] = {}

    async def resync(self) -> None:
        """Read every PJSIP endpoint's current state."""
        try:
            endpoints = await self._ari.endpoints.list()
        except AriError as exc:
            log.warning("cannot read endpoint states: %s", exc)
            return
        self._endpoints = {
            e.resource: {SIP_PHONE: 1 if e.online else 0} for e in endpoints if e.technology == "PJSIP"
        }

    def on_contact_status(self, _manager: Any, event: Any) -> None:
        """AMI ContactStatus: a contact of an AOR was created, removed, became (un)reachable."""
        aor = str(event.get("AOR", "") or event.get("EndpointName", ""))
        status = str(event.get("ContactStatus", ""))
        if aor:
            self._endpoints[aor] = {SIP_PHONE: 0 if status in OFFLINE_STATUSES else 1}

    def view(self) -> dict[str, dict[str, Any]]:
        return {
            extension: {"online": any(endpoints.values()), "endpoints": dict(endpoints)}
            for extension, endpoints in sorted(self._endpoints.items())
        }
