"""The portal served in-process on a free 127.0.0.1 port, and Debian's Chromium driven by
Playwright (never a browser Playwright downloads itself)."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Final

import pytest
from aiohttp import web
from playwright.async_api import Browser, async_playwright
from sqlalchemy.ext.asyncio import AsyncEngine

from yeastar_ctl.ami.client import AmiClient
from yeastar_ctl.config import Settings, WebSettings
from yeastar_ctl.db.engine import session_factory
from yeastar_ctl.web.app import Health, WebContext, build_web_app

CHROMIUM: Final = Path("/usr/bin/chromium")
CHROMIUM_ARGS: Final = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def backend() -> str:
    # One backend is enough to drive the pages; the unit tests cover both.
    return "sqlite"


@pytest.fixture
async def portal_url(engine: AsyncEngine, tmp_path: Path) -> AsyncIterator[str]:
    """The portal with nothing listening on its AMI port: Apply must say so, not crash."""
    settings = Settings(var_dir=str(tmp_path), web=WebSettings(session_key="browser test key"))
    ami = AmiClient("127.0.0.1", free_port(), "yeastar_ctl", "unused", timeout=2.0)
    context = WebContext(
        sessions=session_factory(engine), settings=settings, config_dir=tmp_path / "asterisk", ami=ami,
        health=lambda: Health(False, 0), routing_view=dict, online_view=dict,
    )
    runner = web.AppRunner(build_web_app(context), access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()
    await ami.close()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (scripts/setup installs Debian's chromium)")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        await browser.close()
