"""Migration 0008 fills the new ring-attempt columns of existing rows from their calls."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from yeastar_ctl.db.engine import make_engine
from yeastar_ctl.db.migrate import upgrade_async
from yeastar_ctl.db.types import UTCDateTime

JOINED = datetime(2023, 12, 27, 9, 0, tzinfo=UTC)
CALLS = sa.table(
    "queue_calls", sa.column("id"), sa.column("queue_number"), sa.column("caller_number"),
    sa.column("joined_at", UTCDateTime()), sa.column("ended_at", UTCDateTime()), sa.column("status"),
    sa.column("ring_seconds"), sa.column("talk_seconds"), sa.column("hold_seconds"), sa.column("is_callback"),
)
BEFORE = sa.table(  # ring_attempts at 0007
    "ring_attempts", sa.column("id"), sa.column("queue_call_id"), sa.column("agent_extension"),
    sa.column("started_at", UTCDateTime()), sa.column("result"),
)
AFTER = sa.table(
    "ring_attempts", sa.column("id"), sa.column("queue_number"), sa.column("joined_at", UTCDateTime()),
    sa.column("missed", sa.Boolean()),
)


def _call(call_id: str, status: str, ended: bool = True) -> dict[str, object]:
    return {"id": call_id, "queue_number": "6401", "caller_number": "1", "joined_at": JOINED,
            "ended_at": JOINED if ended else None, "status": status, "ring_seconds": 0, "talk_seconds": 0,
            "hold_seconds": 0, "is_callback": False}


async def test_existing_attempts_get_their_calls_queue_time_and_misses(db_url: str) -> None:
    await upgrade_async(db_url, "0007_call_logs")
    engine = make_engine(db_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(sa.insert(CALLS), [
                _call("A", "answered"), _call("B", "abandoned"), _call("W", "waiting", ended=False),
            ])
            await connection.execute(sa.insert(BEFORE), [
                {"id": n, "queue_call_id": call, "agent_extension": "2000", "started_at": JOINED, "result": result}
                for n, (call, result) in enumerate([
                    ("A", "no_answer"), ("A", "cancelled"), ("A", "answered"),  # miss, miss, answer
                    ("B", "no_answer"), ("B", "cancelled"),  # a miss; cut short by the caller: none
                    ("W", "no_answer"), ("W", None),  # the call has not ended: nothing counted yet
                ], start=1)
            ])
        await upgrade_async(db_url)
        async with engine.connect() as connection:
            rows = (await connection.execute(
                sa.select(AFTER.c.queue_number, AFTER.c.joined_at, AFTER.c.missed).order_by(AFTER.c.id)
            )).all()
    finally:
        await engine.dispose()
    assert {(queue, joined) for queue, joined, _ in rows} == {("6401", JOINED)}
    assert [bool(missed) for _, _, missed in rows] == [True, True, False, True, False, False, False]
