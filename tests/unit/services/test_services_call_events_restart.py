"""A control plane that stopped mid-call leaves open rows; the next one closes them at start."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.models import CallbackRequest, QueueCall
from yeastar_ctl.services import call_events, extensions, queues

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


async def test_open_calls_are_ended_with_the_restart_reason_and_their_channels_returned(session: AsyncSession) -> None:
    await extensions.create_extension(session, "1001", "Agent 1001")
    await queues.create_queue(session, "6400", "Support")
    for call_id, channel in (("waiting", "ch-w"), ("talking", "ch-t"), ("callback", None), ("done", "ch-d")):
        await call_events.record_call_joined(session, call_id=call_id, queue_number="6400", caller_number="15880123456",
                                             joined_at=T0, channel_id=channel)
    await call_events.record_call_answered(session, "talking", agent_extension="1001", answered_at=T0 + timedelta(seconds=5))
    await call_events.record_callback_requested(session, call_id="callback", queue_number="6400",
                                                callback_number="15880123456", at=T0 + timedelta(seconds=9))
    await call_events.record_call_ended(session, "done", ended_at=T0 + timedelta(seconds=3), status="abandoned")

    channels = await call_events.close_interrupted_calls(session, at=T0 + timedelta(seconds=60))

    assert sorted(channels) == ["ch-t", "ch-w"]
    rows = {c.id: (c.status.value, c.reason, c.talk_seconds) for c in await session.scalars(select(QueueCall))}
    assert rows == {
        "waiting": ("missed", "control plane restarted", 0),
        "talking": ("answered", "control plane restarted", 55),
        "callback": ("missed", "control plane restarted", 0),
        "done": ("abandoned", None, 0),
    }
    request = await session.scalar(select(CallbackRequest))
    assert request is not None and (request.result.value, request.reason) == ("failed", "control plane restarted")
