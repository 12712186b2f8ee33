"""A small adapter over panoramisk 1.4 (AMI): connect, run CLI commands, reload modules, set
device states. It imports nothing from the domain.

Known panoramisk traps handled here: actions whose response is a single message must be sent
with ``as_list=False`` or the future never resolves (seen with QueueAdd), and the ``Command``
action's output arrives as repeated ``Output`` headers.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Mapping

from panoramisk import Manager

log = logging.getLogger(__name__)


class AmiError(RuntimeError):
    """AMI refused an action or could not be reached."""


@dataclass(frozen=True)
class AmiResponse:
    success: bool
    message: str
    headers: Mapping[str, Any]
    output: tuple[str, ...] = ()


def _as_response(raw: Any) -> AmiResponse:
    headers = dict(raw.items()) if hasattr(raw, "items") else {}
    output = headers.get("Output", ())
    if isinstance(output, str):
        output = (output,)
    lines: list[str] = []
    for chunk in output:
        lines.extend(str(chunk).splitlines())
    return AmiResponse(
        success=str(headers.get("Response", "")).lower() in ("success", "follows"),
        message=str(headers.get("Message", "")),
        headers=headers,
        output=tuple(lines),
    )


class AmiClient:
    def __init__(self, host: str, port: int, username: str, secret: str, *, timeout: float = 10.0) -> None:
        self._manager = Manager(
            host=host, port=port, username=username, secret=secret,
            ping_delay=10, reconnect_timeout=2, log=logging.getLogger("panoramisk"),
        )
        self._timeout = timeout
        self._connected = False

    async def connect(self) -> None:
        where = f"{self._manager.config['host']}:{self._manager.config['port']}"
        try:
            await asyncio.wait_for(self._manager.connect(), self._timeout)
            # panoramisk logs in after the TCP connect and only records the answer: wait for it
            # so a wrong secret fails here, clearly, instead of as a later time-out.
            login = self._manager.authenticated_future
            if login is not None:
                await asyncio.wait_for(asyncio.shield(login), self._timeout)
        except (OSError, asyncio.TimeoutError) as exc:
            self._manager.close()
            raise AmiError(f"cannot connect to AMI at {where}: {exc or 'timed out'}") from exc
        if not self._manager.authenticated:
            self._manager.close()
            raise AmiError(f"AMI at {where} refused the login of user {self._manager.config['username']!r}")
        self._connected = True

    async def action(self, action: Mapping[str, Any], *, timeout: float | None = None) -> AmiResponse:
        """Send one action and wait for its answer: `timeout` seconds, else the client's."""
        if not self._connected:
            await self.connect()
        try:
            raw = await asyncio.wait_for(
                self._manager.send_action(dict(action), as_list=False), timeout or self._timeout,
            )
        except asyncio.TimeoutError as exc:
            raise AmiError(f"AMI action {action.get('Action')} timed out") from exc
        response = _as_response(raw)
        if not response.success:
            raise AmiError(f"AMI action {action.get('Action')} failed: {response.message or response.headers}")
        return response

    async def command(self, command: str) -> tuple[str, ...]:
        """Run a CLI command and return its output lines."""
        return (await self.action({"Action": "Command", "Command": command})).output

    async def reload(self, module: str | None = None, *, timeout: float | None = None) -> str:
        """Reload one module (or all) and return Asterisk's answer ("Module Reloaded"). Asterisk
        answers when the reload is done, and with an error for a module it does not know or a
        reload that failed, which the `Command` action's text output would hide."""
        response = await self.action({"Action": "Reload", **({"Module": module} if module else {})}, timeout=timeout)
        return response.message

    async def set_device_state(self, device: str, state: str) -> None:
        """Set a custom device state (``Custom:<name>``), the hint target for BLF keys."""
        await self.action({"Action": "Setvar", "Variable": f"DEVICE_STATE({device})", "Value": state})

    async def user_event(self, name: str, headers: Mapping[str, str] | None = None) -> None:
        """Send a UserEvent that every AMI client (with the `user` read class) receives."""
        await self.action({"Action": "UserEvent", "UserEvent": name, **(headers or {})})

    @property
    def connected(self) -> bool:
        return self._connected

    def on_event(self, name: str, handler: Any) -> None:
        self._manager.register_event(name, handler)

    async def close(self) -> None:
        if self._connected:
            self._manager.close()
            self._connected = False

    async def __aenter__(self) -> "AmiClient":
        await self.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
