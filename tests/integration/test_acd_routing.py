"""The ACD core routes real calls through the lab Asterisk.

Seed, "Set a Priority for a Call Queue": Leo Ball (1000) serves Support-VIP (weight 2) and
Support (weight 1, acceleration; 10 s here instead of 60 s, for speed). Call-1 (VIP) and Call-2
(Support) arrive together -> Call-1 first. Call-3 joins VIP once Call-2 has waited long enough
for Support to weigh 3 -> Call-2 is next when Leo is free.

Seed, skill-based routing: level 1 rings before level 2, whatever the list order.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any
from uuid import uuid4

import aiohttp

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from conftest import Lab, Phone, eventually
from sipp import Sipp
from calls import attempts_of, call_in, dial
from yeastar_ctl.db.account_models import Role
from yeastar_ctl.db.enums import RingStrategy
from yeastar_ctl.db.models import QueueCall
from yeastar_ctl.db.queue_settings import QueueSettings
from yeastar_ctl.services.api_tokens import create_token
from yeastar_ctl.services.queues import create_queue, get_by_number, set_members
from yeastar_ctl.services.users import create_user


async def ensure_queue(
    sessions: async_sessionmaker[AsyncSession], number: str, name: str, settings: QueueSettings,
    static: list[tuple[str, int]],
) -> None:
    async with sessions.begin() as session:
        if await get_by_number(session, number) is None:
            await create_queue(session, number, name, settings)
            await set_members(session, number, static=static, dynamic=[])


async def api_token(sessions: async_sessionmaker[AsyncSession]) -> str:
    """The routing view needs an API token: an administrator made for this test, with one."""
    async with sessions.begin() as session:
        created = await create_user(session, f"itest-{uuid4().hex[:12]}", Role.ADMINISTRATOR)
        return (await create_token(session, created.user.id)).token


async def routing_view(lab: Lab, token: str) -> dict[str, Any]:
    url = f"http://{lab.settings.web.host}:{lab.settings.web.port}/api/v1/routing"
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(headers=headers) as session, session.get(url) as response:
        assert response.status == 200
        return dict(await response.json())


async def test_the_seeds_priority_example_with_real_calls(
    lab: Lab, sipp: Sipp, phones: Callable[[str], Awaitable[Phone]], sessions: async_sessionmaker[AsyncSession],
) -> None:
    quick = replace(QueueSettings(), ring_strategy=RingStrategy.LINEAR, retry_interval_seconds=1,
                    wrapup_seconds=3, agent_timeout_seconds=10, priority_enabled=True)
    await ensure_queue(sessions, "6402", "Support-VIP", replace(quick, weight=2), [("1000", 1)])
    await ensure_queue(sessions, "6403", "Support", replace(quick, weight=1, acceleration_enabled=True,
                                                             acceleration_seconds=10), [("1000", 1)])
    lab.ctl("apply")

    # Leo's phone is not registered yet: both calls wait.
    call_1 = await dial(sipp, sessions, "1009", "6402", hold_ms=90000)
    await eventually(lambda: call_in(sessions, "6402", "1009"), what="call-1 waiting in Support-VIP")
    call_2 = await dial(sipp, sessions, "1008", "6403", hold_ms=90000)
    call_2_row = await eventually(lambda: call_in(sessions, "6403", "1008"), what="call-2 waiting in Support")

    # The routing view explains the wait: VIP's call first by weight, Leo's phone offline.
    view = await routing_view(lab, await api_token(sessions))
    order = [(w["queue"], w["priority"]) for w in view["waiting"]]
    assert order[:2] == [("6402", 2), ("6403", 1)]
    assert "1000: skipped, phone offline" in view["waiting"][0]["trace"]

    leo = await phones("1000")
    first = await leo.answer_next_call(ring_ms=200, talk_ms=17000)

    async def answered(queue: str, caller: str) -> QueueCall | None:
        row = await call_in(sessions, queue, caller)
        return row if row is not None and row.answered_at is not None else None

    vip = await eventually(lambda: answered("6402", "1009"), what="call-1 answered")
    assert vip.agent_extension == "1000"
    assert (await call_in(sessions, "6403", "1008")).answered_at is None  # type: ignore[union-attr]

    # Call-3 joins VIP when Support's call has waited 15 s: 1 + 15/10 = 2.5, rounded to 3 > 2.
    async def support_waited_15s() -> bool:
        return datetime.now(timezone.utc) >= call_2_row.joined_at + timedelta(seconds=15)

    await eventually(support_waited_15s, timeout=30, what="call-2 waiting 15 s")
    call_3 = await dial(sipp, sessions, "1007", "6402", hold_ms=12000)
    await eventually(lambda: call_in(sessions, "6402", "1007"), what="call-3 waiting in Support-VIP")

    await first.expect_success(30)  # Leo hangs up on call-1; wrap-up 3 s gives his phone time
    second = await leo.answer_next_call(ring_ms=200, talk_ms=1000)
    support = await eventually(lambda: answered("6403", "1008"), timeout=20, what="call-2 answered next")
    assert support.agent_extension == "1000"
    waiting_vip = await call_in(sessions, "6402", "1007")
    assert waiting_vip is not None and waiting_vip.answered_at is None
    assert support.answered_at > waiting_vip.joined_at  # call-3 was waiting and lost on priority

    await second.expect_success(20)
    for run in (call_1, call_2, call_3):
        await run.expect_success(30)


async def test_skill_level_1_rings_before_level_2_and_level_2_after_it(
    lab: Lab, sipp: Sipp, phones: Callable[[str], Awaitable[Phone]], sessions: async_sessionmaker[AsyncSession],
) -> None:
    skills = replace(QueueSettings(), skill_based_routing=True, equal_skill_strategy=RingStrategy.LINEAR,
                     agent_timeout_seconds=3, retry_interval_seconds=1, wrapup_seconds=0)
    # 1006 is first in the list but has level 2; 1005 has level 1.
    await ensure_queue(sessions, "6404", "Skills", skills, [("1006", 2), ("1005", 1)])
    lab.ctl("apply")

    expert, junior = await phones("1005"), await phones("1006")
    expert_rings = await expert.ring_without_answering()
    junior_answers = await junior.answer_next_call(ring_ms=200, talk_ms=1000)
    caller = await dial(sipp, sessions, "1004", "6404", hold_ms=60000)

    await expert_rings.expect_success(20)  # rang for the agent timeout, then CANCEL
    await junior_answers.expect_success(20)
    await caller.expect_success(20)

    call = await eventually(lambda: call_in(sessions, "6404", "1004"), what="the skills call")
    assert call.agent_extension == "1006"
    attempts = await attempts_of(sessions, call.id)
    assert [(a.agent_extension, a.result.value) for a in sorted(attempts, key=lambda a: a.started_at)] == [
        ("1005", "no_answer"), ("1006", "answered"),
    ]
