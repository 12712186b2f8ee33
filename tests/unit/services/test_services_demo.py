from __future__ import annotations

from collections.abc import Awaitable, Callable

from postgres import Rows
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.enums import MemberKind
from yeastar_ctl.services import extensions, queues
from yeastar_ctl.services.demo import load_demo


async def test_load_demo(session: AsyncSession) -> None:
    await load_demo(session)
    listed = await extensions.list_extensions(session)
    assert [e.number for e in listed] == [str(n) for n in range(1000, 1010)]
    assert listed[0].name == "Leo Ball"
    assert listed[4].name == "Agent 1004"
    members = await queues.list_members(session, "6400")
    assert [(m.extension, m.kind, m.position) for m in members] == [
        ("1001", MemberKind.STATIC, 1),
        ("1002", MemberKind.STATIC, 2),
        ("1003", MemberKind.DYNAMIC, 1),
        ("1004", MemberKind.DYNAMIC, 2),
        ("1005", MemberKind.DYNAMIC, 3),
    ]
    assert (await queues.get_queue(session, "6400")).name == "Support"


async def test_load_demo_twice_changes_nothing(
    session: AsyncSession, table_rows: Callable[[], Awaitable[Rows]]
) -> None:
    await load_demo(session)
    await session.commit()
    first = await table_rows()
    await load_demo(session)
    await session.commit()
    assert await table_rows() == first


async def test_load_demo_keeps_what_exists(session: AsyncSession) -> None:
    await extensions.create_extension(session, "1003", "Someone Else")
    await queues.create_queue(session, "6400", "Help")
    await queues.set_members(session, "6400", static=[("1003", 2)])
    await load_demo(session)
    assert (await extensions.get_extension(session, "1003")).name == "Someone Else"
    assert [m.extension for m in await queues.list_members(session, "6400")] == ["1003"]
