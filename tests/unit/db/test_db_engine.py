from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from yeastar_ctl.db.engine import is_sqlite, make_engine, session_factory, sqlite_file


async def test_sqlite_connections_enforce_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'new' / 'x.db'}")
    try:
        async with engine.connect() as connection:
            assert await connection.scalar(text("PRAGMA foreign_keys")) == 1
        assert (tmp_path / "new" / "x.db").exists()
    finally:
        await engine.dispose()


async def test_sessions_keep_objects_readable_after_commit(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    try:
        assert session_factory(engine).kw["expire_on_commit"] is False
    finally:
        await engine.dispose()


def test_url_helpers() -> None:
    assert is_sqlite("sqlite+aiosqlite:////var/x.db")
    assert not is_sqlite("postgresql+asyncpg://u@h/db")
    assert sqlite_file("sqlite+aiosqlite:////var/x.db") == Path("/var/x.db")
    assert sqlite_file("sqlite+aiosqlite://") is None
    assert sqlite_file("postgresql+asyncpg://u@h/db") is None
