"""Random but reproducible agent event rows for the agent-state projection tests.

Agent 1001 is static in 6400 and dynamic in 6401; 1002 is dynamic in 6400, 6401 and 6402;
1003 is dynamic in 6402; 1004 is in no queue (``MEMBERS``; ``create_call_center`` builds it).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.enums import AgentEventKind
from yeastar_ctl.services import extensions, queues

START: Final = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
AGENTS: Final = ("1001", "1002", "1003", "1004")
QUEUES: Final = ("6400", "6401", "6402")
MEMBERS: Final = {  # queue -> (static agents, dynamic agents)
    "6400": (["1001"], ["1002"]),
    "6401": ([], ["1001", "1002"]),
    "6402": ([], ["1002", "1003"]),
}
KINDS: Final = list(AgentEventKind)
REASONS: Final = (None, "*01", "*02", "*03")


async def create_call_center(session: AsyncSession) -> None:
    for number in AGENTS:
        await extensions.create_extension(session, number, f"Agent {number}")
    for number, (static, dynamic) in MEMBERS.items():
        await queues.create_queue(session, number, f"Queue {number}")
        await queues.set_members(session, number, static=[(a, 1) for a in static], dynamic=[(a, 1) for a in dynamic])


@dataclass(frozen=True)
class Row:
    at: datetime
    agent: str
    queue: str | None  # None: an all-queue row
    kind: AgentEventKind
    reason: str | None


def random_rows(rng: random.Random, count: int, *, late: float = 0.0, queues: tuple[str, ...] = QUEUES) -> list[Row]:
    """``count`` rows seconds to minutes apart (ties included); a ``late`` share of them carries
    a time before the previous row's, as a row written late by another writer would."""
    rows: list[Row] = []
    now = START
    for _ in range(count):
        now += timedelta(seconds=rng.choice((0, 1, 30, 60, 300)))
        at = now - timedelta(minutes=rng.randint(1, 30)) if rng.random() < late else now
        kind = rng.choice(KINDS + [AgentEventKind.LOGIN, AgentEventKind.LOGOUT])  # more logins and logouts
        # All-queue rows mostly as "log out of all", but every kind can come without a queue.
        queue = None if rng.random() < (0.3 if kind == AgentEventKind.LOGOUT else 0.1) else rng.choice(queues)
        reason = rng.choice(REASONS) if kind in (AgentEventKind.PAUSE, AgentEventKind.PAUSE_REASON_CHANGE) else None
        rows.append(Row(at, rng.choice(AGENTS), queue, kind, reason))
    return rows
