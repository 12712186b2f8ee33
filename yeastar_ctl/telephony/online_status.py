"""Each extension's endpoints and whether they are registered (seed 000, "online status").

A Yeastar extension can be registered from a SIP phone and from Linkus clients; the portal shows
0/1 per endpoint kind and the extension is online when any endpoint is. Every PJSIP contact here
is a `sip_phone` (hardware or soft phone); other kinds get their own key when such clients exist.
The routing core's "unavailable / offline" comes from the same registrations through the PJSIP
device state, which is UNAVAILABLE while no contact is registered.
"""

from __future__ import annotations

import logging
from typing import Any

from yeastar_ctl.ari import AriClient, AriError

log = logging.getLogger(__name__)
SIP_PHONE = "sip_phone"


class OnlineStatus:
    def __init__(self, ari: AriClient, app_name: str) -> None:
        self._ari = ari
        self._app = app_name
        self._endpoints: dict[str, dict[str, int]] = {}

    async def resync(self) -> None:
        """Subscribe to every PJSIP endpoint's events and read their current state."""
        try:
            await self._ari.applications.subscribe(self._app, "endpoint:PJSIP")
            endpoints = await self._ari.endpoints.list()
        except AriError as exc:
            log.warning("cannot read endpoint states: %s", exc)
            return
        self._endpoints = {
            e.resource: {SIP_PHONE: 1 if e.online else 0} for e in endpoints if e.technology == "PJSIP"
        }

    async def on_endpoint_state_change(self, event: dict[str, Any]) -> None:
        endpoint = event.get("endpoint", {})
        if endpoint.get("technology") != "PJSIP":
            return
        self._endpoints[str(endpoint.get("resource", ""))] = {SIP_PHONE: 1 if endpoint.get("state") == "online" else 0}

    def view(self) -> dict[str, dict[str, Any]]:
        return {
            extension: {"online": any(endpoints.values()), "endpoints": dict(endpoints)}
            for extension, endpoints in sorted(self._endpoints.items())
        }
