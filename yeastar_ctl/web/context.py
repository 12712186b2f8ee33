"""What the web application needs from the running control plane, handed in once at start-up."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from yeastar_ctl.ami.client import AmiClient
from yeastar_ctl.config import Settings


@dataclass(frozen=True)
class Health:
    ari_connected: bool
    active_calls: int


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class WebContext:
    sessions: async_sessionmaker[AsyncSession]
    settings: Settings
    # Where Apply writes the generated Asterisk files (the lab's etc directory in production).
    config_dir: Path
    ami: AmiClient | None
    health: Callable[[], Health]
    routing_view: Callable[[], dict[str, Any]]
    online_view: Callable[[], dict[str, Any]]
    clock: Callable[[], datetime] = field(default=_utc_now)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)


CONTEXT_KEY: web.AppKey[WebContext] = web.AppKey("context", WebContext)


def context_of(request: web.Request) -> WebContext:
    return request.app[CONTEXT_KEY]
