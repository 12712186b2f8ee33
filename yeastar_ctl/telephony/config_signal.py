"""Telling a running control plane that the configuration changed, across processes.

The control plane loads its configuration at start-up and keeps it in memory (a caller's join
never reads the database). Changes made in its own web layer reach it directly; `yeastar-ctl
apply` runs in another process, so it announces the change as an AMI UserEvent, which every AMI
client receives, and waits for the control plane's answer: when `apply` returns, the next call
is routed with the new configuration.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any, Awaitable, Callable

from yeastar_ctl.ami.client import AmiClient, AmiError

log = logging.getLogger(__name__)

CONFIG_CHANGED = "YeastarCtlConfigChanged"
CONFIG_LOADED = "YeastarCtlConfigLoaded"
TOKEN_HEADER = "Token"
ANSWER_TIMEOUT_S = 15.0
CONFIG_TAKEN = "control plane: new configuration taken (routing uses it from the next call)"


def _user_event(event: Any) -> tuple[str, str]:
    return str(event.get("UserEvent", "")), str(event.get(TOKEN_HEADER, ""))


async def control_plane_running(ami: AmiClient, app_name: str) -> bool:
    """Whether the control plane's Stasis application is registered with Asterisk."""
    lines = await ami.command("ari show apps")
    return any(line.split() == [app_name] for line in lines)


async def announce_config_change(ami: AmiClient, app_name: str, timeout: float = ANSWER_TIMEOUT_S) -> str:
    """Ask the running control plane to reload; returns what happened, in words."""
    try:
        if not await control_plane_running(ami, app_name):
            return "control plane: not running (it loads the configuration when it starts)"
        token = uuid.uuid4().hex
        loaded = asyncio.get_running_loop().create_future()

        def on_user_event(_manager: Any, event: Any) -> None:
            if _user_event(event) == (CONFIG_LOADED, token) and not loaded.done():
                loaded.set_result(None)

        ami.on_event("UserEvent", on_user_event)
        await ami.user_event(CONFIG_CHANGED, {TOKEN_HEADER: token})
        await asyncio.wait_for(loaded, timeout)
    except AmiError as exc:
        return f"control plane: not told of the change ({exc})"
    except asyncio.TimeoutError:
        return f"control plane: did not confirm the reload within {timeout:.0f}s"
    return CONFIG_TAKEN


class ConfigChangeListener:
    """The control plane's side: reload on a CONFIG_CHANGED event, then answer CONFIG_LOADED."""

    def __init__(self, ami: AmiClient, reload: Callable[[], Awaitable[None]]) -> None:
        self._ami = ami
        self._reload = reload
        self._tasks: set[asyncio.Task[None]] = set()
        ami.on_event("UserEvent", self._on_user_event)

    def _on_user_event(self, _manager: Any, event: Any) -> None:
        name, token = _user_event(event)
        if name == CONFIG_CHANGED:
            task = asyncio.get_running_loop().create_task(self._reload_and_answer(token))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _reload_and_answer(self, token: str) -> None:
        try:
            await self._reload()
        except Exception:
            log.exception("cannot reload the configuration after a change")
            return
        try:
            await self._ami.user_event(CONFIG_LOADED, {TOKEN_HEADER: token})
        except AmiError as exc:
            log.warning("cannot confirm the configuration reload: %s", exc)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
