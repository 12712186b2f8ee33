"""Queue destinations (failover, outside hours, holiday, key press) that name other objects.

A destination may point at an extension or a queue by number. These checks keep such targets
pointing at something that exists, and stop an extension or queue from being deleted while a
queue still routes to it.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.enums import DestinationType
from yeastar_ctl.db.models import Extension, Queue
from yeastar_ctl.db.queue_settings import DESTINATION_FIELDS, QueueSettings
from yeastar_ctl.services.errors import ValidationError
from yeastar_ctl.services.validation import Problems

EXTENSION_DESTINATIONS: Final = frozenset(
    {DestinationType.EXTENSION, DestinationType.EXTENSION_VOICEMAIL}
)
QUEUE_DESTINATIONS: Final = frozenset({DestinationType.QUEUE})


async def check_destination_targets(
    session: AsyncSession, settings: QueueSettings, own_numbers: set[str], problems: Problems
) -> None:
    """Record a problem for each extension/queue target that does not exist.

    ``own_numbers`` are the numbers of the queue being saved: routing a queue to itself
    would loop the caller forever.
    """
    for type_field, target_field in DESTINATION_FIELDS:
        kind = getattr(settings, type_field)
        target = getattr(settings, target_field)
        if kind in EXTENSION_DESTINATIONS:
            found = await session.scalar(select(Extension.id).where(Extension.number == target))
            if found is None:
                problems.add(target_field, f"extension {target} does not exist")
        elif kind in QUEUE_DESTINATIONS:
            if target in own_numbers:
                problems.add(target_field, "a queue cannot route to itself")
                continue
            found = await session.scalar(select(Queue.id).where(Queue.number == target))
            if found is None:
                problems.add(target_field, f"queue {target} does not exist")


async def destination_references(
    session: AsyncSession, kinds: frozenset[DestinationType], number: str
) -> list[str]:
    """Where queues route to ``number`` through a destination of one of ``kinds``."""
    clauses = [
        (getattr(Queue, type_field).in_(kinds)) & (getattr(Queue, target_field) == number)
        for type_field, target_field in DESTINATION_FIELDS
    ]
    queues = await session.scalars(select(Queue).where(or_(*clauses)).order_by(Queue.number))
    found: list[str] = []
    for queue in queues:
        for type_field, target_field in DESTINATION_FIELDS:
            if getattr(queue, type_field) in kinds and getattr(queue, target_field) == number:
                found.append(f"the {_label(type_field)} of queue {queue.number}")
    return found


async def ensure_not_routed_to(
    session: AsyncSession, kinds: frozenset[DestinationType], what: str, number: str
) -> None:
    """Refuse to delete or renumber ``what`` ``number`` while a queue routes calls to it."""
    references = await destination_references(session, kinds, number)
    if references:
        raise ValidationError("number", f"{what} {number} is {references[0]}; change that first")


def _label(type_field: str) -> str:
    # "outside_hours_dest_type" -> "outside hours destination"
    return type_field.removesuffix("_type").removesuffix("_dest").replace("_", " ") + " destination"
