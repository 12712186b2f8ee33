"""Who gets an email: the queue's managers whose switch is on and whose extension has an address."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.models import Extension
from yeastar_ctl.notify.messages import QueueInfo
from yeastar_ctl.services import queues


async def queue_info(session: AsyncSession, number: str, default_zone: str) -> QueueInfo | None:
    queue = await queues.get_by_number(session, number)
    if queue is None:
        return None
    return QueueInfo(number, queue.name, ZoneInfo(queue.time_zone or default_zone))


async def manager_addresses(session: AsyncSession, queue_number: str, switch: str) -> list[str]:
    """Addresses in manager order; managers without an email address are skipped (the seed's
    prerequisite: "a valid email address assigned to queue manager's extension")."""
    if await queues.get_by_number(session, queue_number) is None:
        return []
    wanted = [m.extension for m in await queues.list_managers(session, queue_number) if getattr(m, switch)]
    if not wanted:
        return []
    rows = await session.execute(select(Extension.number, Extension.email).where(Extension.number.in_(wanted)))
    emails = {number: email for number, email in rows if email}
    return [emails[number] for number in wanted if number in emails]
