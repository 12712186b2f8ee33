"""A control plane that stopped mid-call: the next one reads back which call each caller channel
is, ends the calls it could not pick up again, and restores the routing facts of the day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.models import CallbackRequest, QueueCall
from yeastar_ctl.services import call_events, call_recovery, extensions, queues

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


async def four_calls(session: AsyncSession) -> None:
    await extensions.create_extension(session, "1001", "Agent 1001")
    await queues.create_queue(session, "6400", "Support")
    for call_id, channel in (("waiting", "ch-w"), ("talking", "ch-t"), ("callback", None), ("done", "ch-d")):
        await call_events.record_call_joined(session, call_id=call_id, queue_number="6400", caller_number="15880123456",
                                             joined_at=T0, channel_id=channel)
    await call_events.record_call_answered(session, "talking", agent_extension="1001", answered_at=T0 + timedelta(seconds=5))
    await call_events.record_callback_requested(session, call_id="callback", queue_number="6400",
                                                callback_number="15880123456", at=T0 + timedelta(seconds=9))
    await call_events.record_call_ended(session, "done", ended_at=T0 + timedelta(seconds=3), status="abandoned")


async def test_the_call_on_each_channel_is_read_back_open_or_ended(session: AsyncSession) -> None:
    await four_calls(session)
    found = await call_recovery.calls_on_channels(session, ["ch-w", "ch-t", "ch-d", "ch-unknown"])
    assert sorted(found) == ["ch-d", "ch-t", "ch-w"]
    assert (found["ch-w"].id, found["ch-w"].joined_at, found["ch-w"].agent_extension, found["ch-w"].ended) == (
        "waiting", T0, None, False)
    assert (found["ch-t"].agent_extension, found["ch-t"].answered_at) == ("1001", T0 + timedelta(seconds=5))
    assert found["ch-d"].ended


async def test_calls_not_picked_up_again_end_with_the_reason(session: AsyncSession) -> None:
    await four_calls(session)

    ended = await call_recovery.close_calls_not_kept(
        session, keep={"waiting"}, at=T0 + timedelta(seconds=60), reason="control plane restarted")

    assert ended == 2
    rows = {c.id: (c.status.value, c.reason, c.talk_seconds) for c in await session.scalars(select(QueueCall))}
    assert rows == {
        "waiting": ("waiting", None, 0),  # picked up again: still waiting
        "talking": ("answered", "control plane restarted", 55),
        "callback": ("missed", "control plane restarted", 0),
        "done": ("abandoned", None, 0),
    }
    request = await session.scalar(select(CallbackRequest))
    assert request is not None and (request.result.value, request.reason) == ("failed", "control plane restarted")


async def test_wrapup_fewest_calls_and_rrmemory_come_back_from_the_rows(session: AsyncSession) -> None:
    await extensions.create_extension(session, "1001", "Agent 1001")
    await extensions.create_extension(session, "1002", "Agent 1002")
    await queues.create_queue(session, "6400", "Support")
    for n, agent in enumerate(("1001", "1002", "1001")):
        call_id, at = f"c{n}", T0 + timedelta(minutes=n)
        await call_events.record_call_joined(session, call_id=call_id, queue_number="6400", caller_number="2000",
                                             joined_at=at)
        await call_events.record_ring_started(session, call_id, agent_extension=agent, started_at=at)
        await call_events.record_call_answered(session, call_id, agent_extension=agent, answered_at=at)
        await call_events.record_call_ended(session, call_id, ended_at=at + timedelta(seconds=30))
    await call_events.record_call_joined(session, call_id="yesterday", queue_number="6400", caller_number="2000",
                                         joined_at=T0 - timedelta(days=1))

    history = await call_recovery.load_routing_history(session, since=T0 - timedelta(hours=9))

    assert history.last_end == {("1001", "6400"): T0 + timedelta(minutes=2, seconds=30),
                                ("1002", "6400"): T0 + timedelta(minutes=1, seconds=30)}
    assert history.completed == {("1001", "6400"): 2, ("1002", "6400"): 1}
    assert history.rr_last == {"6400": "1001"}
