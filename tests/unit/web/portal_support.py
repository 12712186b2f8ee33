"""An aiohttp test client on the portal with a migrated database (SQLite and PostgreSQL), and
helpers for posting forms. A module of its own name: every test directory has a ``conftest``, so
importing helpers from one depends on which was loaded last."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from yeastar_ctl.acd.model import Snapshot
from yeastar_ctl.config import Settings, WebSettings
from yeastar_ctl.db.engine import session_factory
from yeastar_ctl.db.queue_settings import DEFAULT_QUEUE_SETTINGS
from yeastar_ctl.services import api_tokens, users
from yeastar_ctl.services.extensions import create_extension
from yeastar_ctl.services.queues import ManagerSpec, create_queue, set_managers
from yeastar_ctl.web.app import Health, WebContext, build_web_app
from yeastar_ctl.web.queue_fields import FIELDS_BY_NAME, QUEUE_SETTING_FIELDS

PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def error_next_to(page: str, field: str, message: str) -> bool:
    """The message is in the error list the field's input points at."""
    start = page.find(f'id="{field}-errors"')
    return start != -1 and message in page[start:page.find("</ul>", start)]


@dataclass
class Portal:
    client: TestClient  # type: ignore[type-arg]
    sessions: async_sessionmaker[AsyncSession]
    config_dir: Path
    clock: list[datetime]  # the app's "now"; tests move it forward
    # What the wallboard reads as the distributor's live state; tests set it.
    live: list[Snapshot | None] = field(default_factory=lambda: [None])
    schedule_changes: list[str] = field(default_factory=list)  # one entry per scheduler nudge
    config_changes: list[str] = field(default_factory=list)  # one entry per "configuration changed"

    async def csrf(self, path: str) -> str:
        response = await self.client.get(path)
        match = CSRF.search(await response.text())
        assert match, f"no CSRF token on {path}"
        return match[1]

    async def post_form(self, path: str, data: dict[str, Any], *, from_page: str | None = None) -> Any:
        token = await self.csrf(from_page or path)
        return await self.client.post(path, data={"csrf_token": token, **data}, allow_redirects=False)

    async def refused(self, path: str, data: dict[str, Any], field: str, message: str) -> str:
        """Post the form; it must come back 400 with ``message`` next to ``field``."""
        response = await self.post_form(path, data)
        page: str = await response.text()
        assert response.status == 400
        assert error_next_to(page, field, message), page
        return page

    async def login(self, username: str) -> None:
        response = await self.post_form("/login", {"login": username, "password": PASSWORD})
        assert response.status == 302, await response.text()

    async def user(self, username: str, role: str, extension: str | None = None) -> int:
        async with self.sessions.begin() as session:
            created = await users.create_user(session, username, role, password=PASSWORD,
                                              extension_number=extension)
            return created.user.id

    async def token(self, username: str, role: str, extension: str | None = None) -> dict[str, str]:
        user_id = await self.user(username, role, extension)
        async with self.sessions.begin() as session:
            issued = await api_tokens.create_token(session, user_id)
        return {"Authorization": f"Bearer {issued.token}"}

    async def setup_queues(self) -> None:
        """Extensions 1001-1003, queues 6400 and 6401; 1003 manages 6401."""
        async with self.sessions.begin() as session:
            for number in ("1001", "1002", "1003"):
                await create_extension(session, number, f"Agent {number}")
            await create_queue(session, "6400", "Sales")
            await create_queue(session, "6401", "Support")
            await set_managers(session, "6401", [ManagerSpec("1003")])


@pytest.fixture
async def portal(engine: AsyncEngine, tmp_path: Path) -> AsyncIterator[Portal]:
    sessions = session_factory(engine)
    now = [datetime(2026, 3, 2, 9, 0, tzinfo=UTC)]
    live: list[Snapshot | None] = [None]
    changes: list[str] = []
    config_changes: list[str] = []

    async def config_changed() -> None:
        config_changes.append("changed")

    async def schedules_changed() -> None:
        changes.append("changed")

    settings = Settings(var_dir=str(tmp_path), web=WebSettings(session_key="test session key"))
    context = WebContext(
        sessions=sessions, settings=settings, config_dir=tmp_path / "asterisk", ami=None,
        health=lambda: Health(True, 0), routing_view=lambda: {"calls": []},
        online_view=lambda: {"1001": {"online": True}}, clock=lambda: now[0],
        live_snapshot=lambda: live[0], schedules_changed=schedules_changed,
        config_changed=config_changed,
    )
    client = TestClient(TestServer(build_web_app(context)))
    await client.start_server()
    yield Portal(client, sessions, tmp_path / "asterisk", now, live, changes, config_changes)
    await client.close()


@pytest.fixture
async def admin(portal: Portal) -> Portal:
    """The portal with an administrator logged in."""
    await portal.user("admin", "administrator")
    await portal.login("admin")
    return portal


def manager_rows(managers: str | list[dict[str, Any]]) -> dict[str, str]:
    """The Members tab's manager table as posted: "1003, 1004" (no switches) or a list of
    ``{"extension": ..., "notify_missed": True, ...}``; one empty row follows, as on the page."""
    rows = [{"extension": ext} for ext in managers.replace(",", " ").split()] if isinstance(managers, str) else managers
    data: dict[str, str] = {}
    for index, row in enumerate([*rows, {"extension": ""}]):
        for key, value in row.items():
            if key == "extension":
                data[f"managers-{index}-extension"] = str(value)
            elif value:
                data[f"managers-{index}-{key}"] = "y"
    return data


def queue_form(**changes: Any) -> dict[str, Any]:
    """What a browser posts for the queue form with the default settings, plus ``changes``
    (False unticks a box: browsers leave unticked boxes out; a set of boxes is a list)."""
    data: dict[str, Any] = {"name": "Support", "static_agents": "", "dynamic_agents": ""}
    for spec in QUEUE_SETTING_FIELDS:
        value = changes.get(spec.name, getattr(DEFAULT_QUEUE_SETTINGS, spec.name))
        if spec.kind == "flag":
            if value:
                data[spec.name] = "y"
        elif spec.kind == "choices":
            data[spec.name] = [str(v) for v in value]
        elif spec.kind == "key_points" and isinstance(value, tuple):
            data[spec.name] = ", ".join(f"{key}={points}" for key, points in value)
        else:
            data[spec.name] = "" if value is None else str(value)
    data.update(manager_rows(changes.get("managers", "")))
    data.update({k: str(v) for k, v in changes.items() if k not in data and k not in FIELDS_BY_NAME and k != "managers"})
    data.update({k: str(v) for k, v in changes.items() if k in ("name", "static_agents", "dynamic_agents")})
    return data
