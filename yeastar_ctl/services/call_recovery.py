"""What a (re)started control plane reads back from the rows: the calls it must pick up again,
and the routing facts that outlive a process (wrap-up, Fewest Calls counts, Rrmemory position).

Asterisk keeps every call up while the control plane is away (channels stay in Stasis); the
rows say which queue call each caller channel is, since when it waits and who talks to it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.enums import CallbackResult, CallStatus
from yeastar_ctl.db.models import CallbackRequest, QueueCall, RingAttempt
from yeastar_ctl.services.call_events import record_call_ended


@dataclass(frozen=True)
class RecordedCall:
    """A queue call as its row tells it, for picking it up again."""

    id: str
    queue_number: str
    channel_id: str | None
    caller_number: str
    caller_name: str | None
    joined_at: datetime
    answered_at: datetime | None
    agent_extension: str | None
    ended: bool
    is_callback: bool


def _recorded(call: QueueCall) -> RecordedCall:
    return RecordedCall(
        call.id, call.queue_number, call.channel_id, call.caller_number, call.caller_name, call.joined_at,
        call.answered_at, call.agent_extension, call.ended_at is not None, call.is_callback,
    )


async def calls_on_channels(session: AsyncSession, channel_ids: Collection[str]) -> dict[str, RecordedCall]:
    """channel id -> the queue call recorded on it (open or ended), for channels Asterisk has."""
    found: dict[str, RecordedCall] = {}
    ids = list(channel_ids)
    for start in range(0, len(ids), 500):  # bounded IN lists
        rows = await session.scalars(select(QueueCall).where(QueueCall.channel_id.in_(ids[start:start + 500])))
        for call in rows:
            assert call.channel_id is not None
            found[call.channel_id] = _recorded(call)
    return found


async def close_calls_not_kept(session: AsyncSession, *, keep: Collection[str], at: datetime, reason: str) -> int:
    """End every open queue call but those in `keep` (picked up again): their callers are gone.

    A call never answered ends as missed, an answered one as answered (talk time up to `at`),
    both with `reason`; pending callbacks of ended calls fail with it. Returns how many ended.
    """
    kept = set(keep)
    open_calls = [c for c in await session.scalars(select(QueueCall).where(QueueCall.ended_at.is_(None)))
                  if c.id not in kept]
    for call in open_calls:
        await record_call_ended(
            session, call.id, ended_at=max(at, call.answered_at or call.joined_at),
            status=None if call.answered_at is not None else CallStatus.MISSED, reason=reason,
        )
    pending = await session.scalars(select(CallbackRequest).where(CallbackRequest.result == CallbackResult.PENDING))
    for request in pending:
        if request.queue_call_id in kept:
            continue
        request.result = CallbackResult.FAILED
        request.reason = reason
        request.ended_at = max(at, request.requested_at)
    await session.flush()
    return len(open_calls)


@dataclass(frozen=True)
class RoutingHistory:
    """Per (agent, queue): when the last answered call ended (wrap-up) and how many were
    answered since `since` (Fewest Calls); per queue: the agent rung last (Rrmemory)."""

    last_end: dict[tuple[str, str], datetime]
    completed: dict[tuple[str, str], int]
    rr_last: dict[str, str]


async def load_routing_history(session: AsyncSession, *, since: datetime) -> RoutingHistory:
    answered = (
        select(QueueCall.agent_extension, QueueCall.queue_number, func.max(QueueCall.ended_at), func.count())
        .where(QueueCall.answered_at.is_not(None), QueueCall.ended_at.is_not(None), QueueCall.joined_at >= since,
               QueueCall.agent_extension.is_not(None))
        .group_by(QueueCall.agent_extension, QueueCall.queue_number)
    )
    last_end: dict[tuple[str, str], datetime] = {}
    completed: dict[tuple[str, str], int] = {}
    for agent, queue, ended_at, count in await session.execute(answered):
        if agent is not None and ended_at is not None:
            last_end[(agent, queue)] = ended_at
            completed[(agent, queue)] = count
    latest = (
        select(RingAttempt.queue_number, func.max(RingAttempt.id))
        .where(RingAttempt.started_at >= since)
        .group_by(RingAttempt.queue_number)
    )
    latest_ids = [attempt_id for _, attempt_id in await session.execute(latest)]
    rr_last: dict[str, str] = {}
    if latest_ids:
        rows = await session.execute(
            select(RingAttempt.queue_number, RingAttempt.agent_extension).where(RingAttempt.id.in_(latest_ids)))
        rr_last = {queue: agent for queue, agent in rows}
    return RoutingHistory(last_end, completed, rr_last)
