"""Direct (non-queue) calls of extensions: one row per finished call leg.

The call plane decides what a leg is (``telephony.extension_calls`` reads Asterisk's CDRs);
this checks that the leg is possible, derives the durations the way queue calls do (whole
seconds, rounded half up: ring from the start to the answer or the end, talk from the answer to
the end) and writes the row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.extension_call_models import CallDirection, CallDisposition, ExtensionCall
from yeastar_ctl.db.models import Extension
from yeastar_ctl.services.call_events import whole_seconds
from yeastar_ctl.services.errors import ValidationError

# Which side of a call each direction has an extension on: (caller, callee).
EXTENSION_SIDES: dict[CallDirection, tuple[bool, bool]] = {
    CallDirection.INTERNAL: (True, True),
    CallDirection.INBOUND: (False, True),
    CallDirection.OUTBOUND: (True, False),
}


@dataclass(frozen=True)
class ExtensionCallLeg:
    direction: CallDirection
    caller_number: str
    caller_name: str | None
    callee_number: str
    caller_extension: str | None
    callee_extension: str | None
    started_at: datetime
    answered_at: datetime | None  # None: never answered
    ended_at: datetime
    disposition: CallDisposition
    unique_id: str
    linked_id: str | None = None
    hold_seconds: int = 0  # how long either party held the other


def _check(leg: ExtensionCallLeg) -> None:
    for name in ("started_at", "ended_at", "answered_at"):
        value: datetime | None = getattr(leg, name)
        if value is not None and (value.tzinfo is None or value.utcoffset() is None):
            raise ValidationError(name, "must be a timezone-aware datetime")
    caller_side, callee_side = EXTENSION_SIDES[leg.direction]
    if (leg.caller_extension is not None) != caller_side:
        raise ValidationError("caller_extension", f"an {leg.direction} call {'needs' if caller_side else 'has no'} "
                                                  "caller extension")
    if (leg.callee_extension is not None) != callee_side:
        raise ValidationError("callee_extension", f"an {leg.direction} call {'needs' if callee_side else 'has no'} "
                                                  "callee extension")
    if (leg.answered_at is not None) != (leg.disposition == CallDisposition.ANSWERED):
        raise ValidationError("answered_at", "only an answered call has an answer time")
    if leg.hold_seconds < 0:
        raise ValidationError("hold_seconds", "must be zero or more seconds")


async def record_extension_call(session: AsyncSession, leg: ExtensionCallLeg) -> ExtensionCall:
    _check(leg)
    rang_until = leg.answered_at or leg.ended_at
    talk = whole_seconds(leg.answered_at, leg.ended_at, "ended_at") if leg.answered_at else 0
    row = ExtensionCall(
        direction=leg.direction,
        caller_number=leg.caller_number,
        caller_name=leg.caller_name,
        callee_number=leg.callee_number,
        caller_extension=leg.caller_extension,
        callee_extension=leg.callee_extension,
        started_at=leg.started_at,
        answered_at=leg.answered_at,
        ended_at=leg.ended_at,
        ring_seconds=whole_seconds(leg.started_at, rang_until, "answered_at"),
        talk_seconds=talk,
        hold_seconds=min(leg.hold_seconds, talk),
        disposition=leg.disposition,
        unique_id=leg.unique_id,
        linked_id=leg.linked_id,
    )
    session.add(row)
    await session.flush()
    return row


async def extension_numbers(session: AsyncSession) -> frozenset[str]:
    """Every configured extension: the endpoints that are not trunks."""
    return frozenset(await session.scalars(select(Extension.number)))
