"""Placing calls and reading back their queue-call rows, for the integration tests."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from conftest import eventually
from sipp import Sipp, SippRun, free_udp_port
from yeastar_ctl.db.models import QueueCall, RingAttempt
from yeastar_ctl.services.extensions import get_extension


async def secret(sessions: async_sessionmaker[AsyncSession], extension: str) -> str:
    async with sessions() as session:
        return (await get_extension(session, extension)).sip_secret


async def dial(sipp: Sipp, sessions: async_sessionmaker[AsyncSession], caller: str, number: str, hold_ms: int) -> SippRun:
    """Extension `caller` dials `number` and stays `hold_ms` after the answer unless hung up on."""
    return await sipp.start(
        "caller", service=number, auth=(caller, await secret(sessions, caller)),
        values={"caller": caller, "hold_ms": hold_ms},
    )


async def calls_from(sessions: async_sessionmaker[AsyncSession], caller: str) -> list[QueueCall]:
    async with sessions() as session:
        rows = await session.scalars(select(QueueCall).where(QueueCall.caller_number == caller))
        return list(rows)


async def ended_call(sessions: async_sessionmaker[AsyncSession], caller: str) -> QueueCall:
    async def check() -> QueueCall | None:
        rows = [row for row in await calls_from(sessions, caller) if row.ended_at is not None]
        return rows[-1] if rows else None

    return await eventually(check, what=f"an ended queue call from {caller}")


async def attempts_of(sessions: async_sessionmaker[AsyncSession], call_id: str) -> list[RingAttempt]:
    async with sessions() as session:
        rows = await session.scalars(select(RingAttempt).where(RingAttempt.queue_call_id == call_id))
        return list(rows)


async def call_in(sessions: async_sessionmaker[AsyncSession], queue: str, caller: str) -> QueueCall | None:
    """The latest call from `caller` into `queue`."""
    async with sessions() as session:
        rows = list(await session.scalars(
            select(QueueCall).where(QueueCall.queue_number == queue, QueueCall.caller_number == caller)
            .order_by(QueueCall.joined_at.desc())
        ))
    return rows[0] if rows else None


def sipp_totals(stats: Path) -> dict[str, int]:
    """The cumulative counters of a SIPp statistics CSV (its last line), e.g. SuccessfulCall(C)."""
    lines = [line for line in stats.read_text(errors="replace").splitlines() if line.strip()]
    header, last = lines[0].split(";"), lines[-1].split(";")
    return {name: int(value) for name, value in zip(header, last, strict=False) if name.endswith("(C)") and value.strip().isdigit()}


async def subscribe(sipp: Sipp, sessions: async_sessionmaker[AsyncSession], phone: str, key: str,
                    states: tuple[str, str, str]) -> SippRun:
    run = await sipp.start(
        "blf_subscribe", service=key, local_port=free_udp_port(), auth=(phone, await secret(sessions, phone)),
        values={"phone": phone, "first": states[0], "second": states[1], "third": states[2], "wait_ms": 30000},
    )

    async def first_notify() -> bool:
        log = run.log_dir / "messages.log"
        return log.exists() and "NOTIFY sip:" in log.read_text(errors="replace")

    await eventually(first_notify, what=f"the first NOTIFY for {key}")
    return run
