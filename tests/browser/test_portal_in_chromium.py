"""An administrator sets up a queue in a real browser: log in, add two extensions, create queue
6490 with both as agents, see a wrong value refused next to its field, apply, read a report and
download it. Screenshots of the main pages go under the test run's output (tests/support/browser.py).

The portal runs in-process on a free 127.0.0.1 port with no Asterisk. The portal fixture lives
here rather than in a conftest, whose module name every test directory shares."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Final

import pytest
from aiohttp import web
from playwright.async_api import Browser, expect
from sqlalchemy.ext.asyncio import AsyncEngine

from browser import add_extension, shot
from yeastar_ctl.ami.client import AmiClient
from yeastar_ctl.config import Settings, WebSettings
from yeastar_ctl.db.engine import session_factory
from yeastar_ctl.services import queues as queue_service
from yeastar_ctl.services.users import create_user
from yeastar_ctl.web.app import Health, WebContext, build_web_app


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


PASSWORD: Final = "a browser test password"


async def test_an_admin_sets_up_queue_6490_in_the_browser(
    browser: Browser, portal_url: str, engine: AsyncEngine, tmp_path: Path,
) -> None:
    async with session_factory(engine).begin() as session:
        await create_user(session, "admin", "administrator", password=PASSWORD)
    context = await browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = await context.new_page()

    await page.goto(f"{portal_url}/queues")
    await expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    await shot(page, "login")
    await page.get_by_label("Username or email").fill("admin")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("heading", name="Queues")).to_be_visible()

    await add_extension(page, portal_url, "1001", "Leo Ball")
    await add_extension(page, portal_url, "1002", "Phillip Huff")
    await shot(page, "extensions")

    # A wrong value: the weight's error stands next to the field and the typed values stay.
    await page.goto(f"{portal_url}/queues/new")
    await page.get_by_label("Number", exact=True).fill("6490")
    await page.get_by_label("Name", exact=True).fill("Billing")
    await page.get_by_label("Static agents").fill("1001, 1002")
    await page.get_by_label("Priority weight (1-999)").fill("1000")
    await page.get_by_role("button", name="Save").click()
    await expect(page.locator("#weight-errors")).to_contain_text("must be between 1 and 999")
    await expect(page.get_by_label("Name", exact=True)).to_have_value("Billing")
    await shot(page, "queue-form-error")

    await page.get_by_label("Priority weight (1-999)").fill("5")
    await page.get_by_label("Ring strategy", exact=True).select_option("linear")
    await page.get_by_role("button", name="Save").click()
    await expect(page.get_by_text("Queue 6490 added.")).to_be_visible()
    await shot(page, "queues")
    async with session_factory(engine)() as session:
        members = await queue_service.list_members(session, "6490")
    assert [(m.extension, m.kind) for m in members] == [("1001", "static"), ("1002", "static")]

    await page.goto(f"{portal_url}/apply")
    await page.get_by_role("button", name="Apply").click()
    await expect(page.get_by_text("Changed:")).to_contain_text("extensions.conf")
    await expect(page.get_by_role("alert")).to_contain_text("cannot connect to AMI")
    await shot(page, "apply")
    assert "6490" in (tmp_path / "asterisk" / "extensions.conf").read_text()

    await page.goto(f"{portal_url}/reports")
    await page.get_by_label("Report").select_option("queue-performance")
    await page.get_by_role("button", name="Show").click()
    await expect(page.get_by_role("table")).to_contain_text("Abandon Rate")
    await shot(page, "reports")
    async with page.expect_download() as download_info:
        await page.get_by_role("link", name="Download CSV").click()
    download = await download_info.value
    saved = tmp_path / download.suggested_filename
    await download.save_as(saved)
    assert saved.read_bytes().startswith(b"Queue,Total Calls")

    pages = {"queues/6490/edit": "queue-edit", "users": "users", "pause-reasons": "pause-reasons",
             "feature-codes": "feature-codes", "queue-options": "queue-options"}
    for path, name in pages.items():
        await page.goto(f"{portal_url}/{path}")
        await expect(page.get_by_role("heading", level=1)).to_be_visible()
        await shot(page, name)
    await context.close()
