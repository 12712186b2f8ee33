"""Agents' phones as Asterisk sees them: PJSIP device states, kept current by ARI events."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Callable

from yeastar_ctl.acd.vocabulary import DeviceStatus
from yeastar_ctl.ari import AriClient
from yeastar_ctl.telephony.acd_inputs import device_status

log = logging.getLogger(__name__)
PREFIX = "PJSIP/"


class DeviceWatcher:
    def __init__(self, ari: AriClient, app_name: str, on_change: Callable[[], None]) -> None:
        self._ari = ari
        self._app = app_name
        self._on_change = on_change
        self._status: dict[str, DeviceStatus] = {}
        self._subscribed: set[str] = set()

    def status(self, extension: str) -> DeviceStatus:
        return self._status.get(extension, DeviceStatus.OFFLINE)

    async def watch(self, extensions: set[str]) -> None:
        """Subscribe the app to these phones' device states and read their current state."""
        new = sorted(extensions - self._subscribed)
        if not new:
            return
        results = await asyncio.gather(*(self._subscribe(ext) for ext in new), return_exceptions=True)
        for extension, result in zip(new, results, strict=True):
            if isinstance(result, BaseException):
                log.warning("cannot watch the phone of %s: %s", extension, result)

    async def _subscribe(self, extension: str) -> None:
        device = PREFIX + extension
        await self._ari.applications.subscribe(self._app, f"deviceState:{device}")
        state = await self._ari.device_states.get(device)
        self._subscribed.add(extension)
        self._status[extension] = device_status(state.state)

    async def resubscribe(self) -> None:
        """After an ARI reconnect, subscriptions are gone: make them again."""
        extensions, self._subscribed = set(self._subscribed), set()
        await self.watch(extensions)
        self._on_change()

    async def on_device_state_changed(self, event: dict[str, Any]) -> None:
        name = str(event.get("device_state", {}).get("name", ""))
        if not name.startswith(PREFIX):
            return
        extension = name[len(PREFIX):]
        status = device_status(str(event["device_state"].get("state", "")))
        if self._status.get(extension) != status:
            self._status[extension] = status
            self._on_change()

    def known(self) -> dict[str, DeviceStatus]:
        return dict(self._status)


