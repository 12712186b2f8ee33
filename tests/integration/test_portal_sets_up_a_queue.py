"""An admin sets up a working queue from the browser only, on the real lab: log in, add
extensions 1061 and 1062, create queue 6401 with both as static agents, apply (a real AMI
reload), and a SIPp call to 6401 rings 1061's registered phone, which answers."""

from __future__ import annotations

from browser import add_extension, log_in, shot
from calls import call_in, dial, secret
from conftest import Lab, Phone, eventually
from playwright.async_api import Browser, expect
from sipp import Sipp, free_udp_port
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from yeastar_ctl.db.models import QueueCall
from yeastar_ctl.services.users import create_user

PASSWORD = "a lab browser password"


async def test_a_queue_made_in_the_browser_takes_a_real_call(
    lab: Lab, sipp: Sipp, sessions: async_sessionmaker[AsyncSession], browser: Browser,
) -> None:
    async with sessions.begin() as session:
        await create_user(session, "lab-admin", "administrator", password=PASSWORD)
    url = f"http://127.0.0.1:{lab.settings.web.port}"
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    await log_in(page, url, "lab-admin", PASSWORD)

    await add_extension(page, url, "1061", "Ada Queue")
    await add_extension(page, url, "1062", "Ben Queue")
    await page.goto(f"{url}/queues/new")
    await page.get_by_label("Number", exact=True).fill("6401")
    await page.get_by_label("Name", exact=True).fill("Browser Sales")
    await page.get_by_label("Static agents").fill("1061, 1062")
    await page.get_by_label("Ring strategy", exact=True).select_option("linear")
    await page.get_by_role("button", name="Save").click()
    await expect(page.get_by_text("Queue 6401 added.")).to_be_visible()

    await page.goto(f"{url}/apply")
    await page.get_by_role("button", name="Apply").click()
    await expect(page.get_by_text("Changed:")).to_contain_text("extensions.conf")
    await expect(page.get_by_role("alert")).to_have_count(0)
    await shot(page, "lab-apply")
    await context.close()

    # The phone registers with the secret the portal generated.
    agent = Phone(sipp, "1061", await secret(sessions, "1061"), free_udp_port())
    await agent.register()
    try:
        answers = await agent.answer_next_call(ring_ms=300, talk_ms=30000)
        caller = await dial(sipp, sessions, "1009", "6401", hold_ms=2000)
        await caller.expect_success(20)
        await answers.expect_success(20)

        async def answered() -> QueueCall | None:
            row = await call_in(sessions, "6401", "1009")
            return row if row is not None and row.ended_at is not None else None

        call = await eventually(answered, what="the call to 6401 to end")
        assert (call.status.value, call.agent_extension) == ("answered", "1061")
    finally:
        await agent.unregister()
