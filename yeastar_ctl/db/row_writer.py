"""One ordered writer for the rows the call path produces.

The call path must never wait for the database: a caller joining, an agent's phone starting to
ring and the answer are facts already, and the rows that record them only feed reports and call
logs. So the call path submits a write and goes on; this writer runs the writes in submission
order on one connection at a time (SQLite has one writer anyway; PostgreSQL needs no more for
event rows), many to a transaction when they queue up, and retries a write the database could
not take for a moment instead of dropping it.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import Awaitable, Callable

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

log = logging.getLogger(__name__)

Write = Callable[[AsyncSession], Awaitable[None]]
MAX_BATCH = 200
RETRY_DELAYS_S = (0.05, 0.2, 0.5, 1.0, 2.0, 5.0, 5.0, 5.0, 5.0, 5.0)


def _transient(exc: BaseException) -> bool:
    """The database was busy or unreachable: the same write may succeed a moment later."""
    return isinstance(exc, OperationalError) or (isinstance(exc, DBAPIError) and exc.connection_invalidated)


class RowWriter:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], *, name: str = "rows", linger: float = 0.0) -> None:
        self._sessions = sessions
        self._name = name
        # Wait this long after the first write of a burst: the writes (ORM work on the event
        # loop) then run after the burst's calls have rung their agents, not in between, and
        # more of them share a transaction.
        self._linger = linger
        self._pending: deque[Write] = deque()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None
        self._in_flight = 0
        self.failed = 0  # writes given up on (each logged with its traceback)

    def submit(self, write: Write) -> None:
        """Queue `write`; it runs after every write submitted before it."""
        self._pending.append(write)
        self._idle.clear()
        self._wake.set()
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name=f"row-writer-{self._name}")

    @property
    def backlog(self) -> int:
        """Writes submitted and not yet done (those of the batch being written included)."""
        return len(self._pending) + self._in_flight

    async def drain(self) -> None:
        """Wait until everything submitted so far is written (or given up on)."""
        await self._idle.wait()

    async def close(self) -> None:
        if self._pending:
            await self.drain()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            if self._linger:
                await asyncio.sleep(self._linger)
            self._wake.clear()
            while self._pending:
                batch = [self._pending.popleft() for _ in range(min(MAX_BATCH, len(self._pending)))]
                self._in_flight = len(batch)
                try:
                    await self._write(batch)
                finally:
                    self._in_flight = 0
            self._idle.set()

    async def _write(self, batch: list[Write]) -> None:
        if len(batch) > 1:
            try:
                async with self._sessions.begin() as session:
                    for write in batch:
                        await write(session)
                return
            except Exception:
                # One bad write must not take the others with it: write them one by one.
                pass
        for write in batch:
            await self._write_one(write)

    async def _write_one(self, write: Write) -> None:
        for delay in (*RETRY_DELAYS_S, None):
            try:
                async with self._sessions.begin() as session:
                    await write(session)
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if delay is None or not _transient(exc):
                    self.failed += 1
                    log.exception("row writer %s: a write failed and is dropped", self._name)
                    return
                log.warning("row writer %s: database busy or away (%s); retrying in %.2fs", self._name, exc, delay)
                await asyncio.sleep(delay)
