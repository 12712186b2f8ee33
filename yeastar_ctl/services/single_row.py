"""Tables that hold one row of PBX-wide options (queue options, contact matching)."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.base import Base

RowT = TypeVar("RowT", bound=Base)


async def single_row(session: AsyncSession, model: type[RowT], row_id: int) -> RowT:
    """The options row. The migrations seed it; a database built from the models alone (tests,
    `create_all`) gets it with the column defaults on first use."""
    row = await session.get(model, row_id)
    if row is None:
        row = model(id=row_id)
        session.add(row)
        await session.flush()
    return row
