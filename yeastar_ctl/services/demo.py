"""A small demo configuration: ten extensions and queue 6400 "Support".

Names are the people in the seed's examples where the seed gives one for that number.
Loading is idempotent: whatever already exists is left as it is, and a second load changes
nothing (no new secrets, no member reshuffle).
"""

from __future__ import annotations

from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.services import extensions, queues
from yeastar_ctl.services.pause_reasons import ensure_default_pause_reasons
from yeastar_ctl.services.queues import DEFAULT_SKILL

DEMO_PEOPLE: Final[dict[str, str]] = {
    "1000": "Leo Ball",
    "1001": "Phillip Huff",
    "1002": "Terrell Smith",
    "1003": "Dave Harris",
    "1005": "Joe Lewis",
    "1007": "Carlos Mendez",
    "1008": "Naomi Nichols",
}
DEMO_EXTENSIONS: Final = tuple(str(n) for n in range(1000, 1010))
DEMO_QUEUE: Final = ("6400", "Support")
DEMO_STATIC: Final = ("1001", "1002")
DEMO_DYNAMIC: Final = ("1003", "1004", "1005")


async def load_demo(session: AsyncSession) -> None:
    for number in DEMO_EXTENSIONS:
        if await extensions.get_by_number(session, number) is None:
            await extensions.create_extension(
                session, number, DEMO_PEOPLE.get(number, f"Agent {number}")
            )
    number, name = DEMO_QUEUE
    if await queues.get_by_number(session, number) is None:
        await queues.create_queue(session, number, name)
    if not await queues.list_members(session, number):
        await queues.set_members(
            session,
            number,
            static=[(ext, DEFAULT_SKILL) for ext in DEMO_STATIC],
            dynamic=[(ext, DEFAULT_SKILL) for ext in DEMO_DYNAMIC],
        )
    await ensure_default_pause_reasons(session)
