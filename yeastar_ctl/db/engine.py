"""Engines and sessions for SQLite (the embedded default) and PostgreSQL (the shared store)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

# How long a SQLite writer waits for another connection's lock before failing. The Stasis app
# writes event rows while the portal reads reports, so a short wait beats a "database is
# locked" error.
SQLITE_BUSY_TIMEOUT_MS = 5000


def is_sqlite(url: str | URL) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_file(url: str | URL) -> Path | None:
    """The database file a SQLite URL points at, or None for in-memory databases."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def ensure_sqlite_parent(url: str | URL) -> None:
    """SQLite creates the file but not its directory; a fresh var/ dir must not be an error."""
    path = sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)


def _enable_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # SQLite ignores foreign keys (and so ON DELETE CASCADE) unless each connection asks.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    # WAL: readers (reports, the portal) never block the one writer of event rows, nor it them;
    # NORMAL sync is durable across a crash of the process, which is the failure that matters.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str | URL, **kwargs: Any) -> AsyncEngine:
    """An async engine for ``sqlite+aiosqlite://`` or ``postgresql+asyncpg://`` URLs."""
    engine = create_async_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        ensure_sqlite_parent(url)
        event.listen(engine.sync_engine, "connect", _enable_sqlite_pragmas)
    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False: objects returned by a service stay readable after the caller
    # commits, instead of triggering an implicit (and, under asyncio, forbidden) refresh.
    return async_sessionmaker(engine, expire_on_commit=False)
