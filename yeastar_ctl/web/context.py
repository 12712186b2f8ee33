"""What the web application needs from the running control plane, handed in once at start-up."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from yeastar_ctl.acd.model import Snapshot
from yeastar_ctl.ami.client import AmiClient
from yeastar_ctl.config import Settings


@dataclass(frozen=True)
class Health:
    ari_connected: bool
    active_calls: int
    rows_pending: int = 0  # event rows submitted and not yet written (0: the rows are complete)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _no_live_state() -> Snapshot | None:
    return None


async def _nothing_to_reschedule() -> None:
    return None


async def _nobody_to_tell() -> None:
    return None


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
    # The distributor's live state (waiting calls, agents' device and queue status), read-only,
    # for the wallboard and the queue panel; None before the routing config is loaded.
    live_snapshot: Callable[[], Snapshot | None] = field(default=_no_live_state)
    # Called after the portal or the API changed a scheduled report, so the running scheduler
    # rebuilds its jobs now rather than at its next once-a-minute sync.
    schedules_changed: Callable[[], Awaitable[None]] = field(default=_nothing_to_reschedule)
    # Called after the portal or the API changed something (configuration, presence, contacts):
    # the control plane keeps its configuration in memory and reloads it then; the answer waits
    # for it, so the next call after the response sees the change.
    config_changed: Callable[[], Awaitable[None]] = field(default=_nobody_to_tell)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)


CONTEXT_KEY: web.AppKey[WebContext] = web.AppKey("context", WebContext)


def context_of(request: web.Request) -> WebContext:
    return request.app[CONTEXT_KEY]
