"""Headless Chromium for the portal tests: Debian's package driven by Playwright (never a
browser Playwright downloads itself), plus the steps every portal test repeats.

Screenshots go under the test run's output (`YEASTAR_CTL_TEST_OUTPUT`, default
`build/test-output`), not into the source tree."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Final

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

CHROMIUM: Final = Path("/usr/bin/chromium")
CHROMIUM_ARGS: Final = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PROJECT_DIR: Final = Path(__file__).resolve().parents[2]


def output_dir() -> Path:
    return Path(os.environ.get("YEASTAR_CTL_TEST_OUTPUT", PROJECT_DIR / "build" / "test-output"))


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: scripts/setup installs Debian's chromium")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


async def shot(page: Page, name: str) -> None:
    folder = output_dir() / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


async def log_in(page: Page, url: str, username: str, password: str) -> None:
    await page.goto(f"{url}/")
    await expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    await page.get_by_label("Username or email").fill(username)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("button", name="Log out")).to_be_visible()


async def add_extension(page: Page, url: str, number: str, name: str) -> None:
    await page.goto(f"{url}/extensions/new")
    await page.get_by_label("Number", exact=True).fill(number)
    await page.get_by_label("Name", exact=True).fill(name)
    await page.get_by_role("button", name="Save").click()
    await expect(page.get_by_text(f"Extension {number} added.")).to_be_visible()
