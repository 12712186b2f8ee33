"""The call flows' ports on the real services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from yeastar_ctl.db.engine import session_factory
from yeastar_ctl.db.enums import CallStatus, RingResult
from yeastar_ctl.db.models import QueueCall, RingAttempt
from yeastar_ctl.db.queue_settings import QueueSettings
from yeastar_ctl.db.row_writer import RowWriter
from yeastar_ctl.services import contacts
from yeastar_ctl.telephony.ports import CallerInfo, QueueRoute
from yeastar_ctl.telephony.service_ports import DbCallRecorder, DbContactLookup

AT = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


async def test_the_contact_lookup_matches_with_the_stored_options(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    async with sessions.begin() as session:
        await contacts.create_contact(session, contacts.ContactSpec("Ann Lee", mobile="+44 7700 900123"))
    lookup = DbContactLookup(sessions)
    assert await lookup("447700900123") is None  # symbols count by default
    async with sessions.begin() as session:
        await contacts.update_match_options(session, ignore_symbols=True)
    assert await lookup("00447700900123") is None  # read once: calls never wait for the database
    lookup.forget()  # what a change in the portal or the API, or Apply, does
    assert await lookup("00447700900123") == "Ann Lee"  # the next call sees the change
    assert await lookup("0900124") is None


async def test_a_call_writes_its_rows_in_order_without_waiting_for_them(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    writer = RowWriter(sessions)
    recorder = DbCallRecorder(sessions, writer)
    route = QueueRoute("6400", "Support", QueueSettings())
    await recorder.joined("c1", route, CallerInfo("2001", "Ann"), "chan-1", AT)
    first = await recorder.ring_started("c1", "1001", AT + timedelta(seconds=1))
    second = await recorder.ring_started("c1", "1002", AT + timedelta(seconds=1))
    await recorder.ring_ended(first, "no_answer", AT + timedelta(seconds=16))
    await recorder.answered("c1", "1002", AT + timedelta(seconds=17))
    await recorder.ended("c1", "answered", AT + timedelta(seconds=47), "agent hung up")
    assert writer.backlog > 0  # nothing above waited for the database

    await writer.drain()
    async with sessions() as session:
        call = await session.get(QueueCall, "c1")
        attempts = list(await session.scalars(select(RingAttempt).order_by(RingAttempt.agent_extension)))
    assert call is not None
    assert (call.status, call.agent_extension, call.ring_seconds, call.talk_seconds) == (
        CallStatus.ANSWERED, "1002", 17, 30)
    assert [(a.agent_extension, a.result) for a in attempts] == [
        ("1001", RingResult.NO_ANSWER), ("1002", RingResult.ANSWERED)]
    assert second != first and writer.failed == 0


async def test_a_bad_write_is_dropped_alone(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    writer = RowWriter(sessions)
    recorder = DbCallRecorder(sessions, writer)
    route = QueueRoute("6400", "Support", QueueSettings())
    await recorder.joined("c1", route, CallerInfo("2001", ""), "chan-1", AT)
    await recorder.answered("nope", "1001", AT)  # no such call: refused by the service
    await recorder.ended("c1", "abandoned", AT + timedelta(seconds=5), "caller hung up")
    await writer.close()
    async with sessions() as session:
        call = await session.get(QueueCall, "c1")
    assert call is not None and call.status == CallStatus.ABANDONED and call.ring_seconds == 5
    assert writer.failed == 1
