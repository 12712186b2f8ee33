"""Run the Alembic migrations in ``<repo>/migrations`` from code, on SQLite or PostgreSQL.

The Alembic configuration is built here rather than read from an ini file, so this works
from any working directory and never touches the application's logging setup. From a shell,
``alembic -c migrations/alembic.ini upgrade head`` does the same with the configured URL.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Final

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from yeastar_ctl.db.engine import ensure_sqlite_parent, make_engine

MIGRATIONS_DIR: Final = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config(url: str | URL | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    if url is not None:
        rendered = url if isinstance(url, str) else url.render_as_string(hide_password=False)
        # ConfigParser interpolation treats '%' specially (URL-encoded passwords contain it).
        config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    return config


async def _run_on_connection(url: str | URL, action: str, revision: str) -> None:
    ensure_sqlite_parent(url)
    engine = make_engine(url, poolclass=NullPool)
    config = alembic_config(url)

    def run(connection: Connection) -> None:
        # env.py uses this connection instead of opening its own.
        config.attributes["connection"] = connection
        getattr(command, action)(config, revision)

    try:
        async with engine.begin() as connection:
            await connection.run_sync(run)
    finally:
        await engine.dispose()


async def upgrade_async(url: str | URL, revision: str = "head") -> None:
    await _run_on_connection(url, "upgrade", revision)


async def downgrade_async(url: str | URL, revision: str) -> None:
    await _run_on_connection(url, "downgrade", revision)


def _run_blocking(url: str | URL, action: str, revision: str) -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(_run_on_connection(url, action, revision))
        return
    # Called from inside an event loop (a test, an aiohttp startup hook): asyncio.run cannot
    # nest, so the migration gets a loop of its own on a worker thread. Async code should
    # prefer upgrade_async, which does not block the caller's loop.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, _run_on_connection(url, action, revision)).result()


def upgrade(url: str | URL, revision: str = "head") -> None:
    """Bring the database at ``url`` up to ``revision`` (creating a SQLite file and its dir)."""
    _run_blocking(url, "upgrade", revision)


def downgrade(url: str | URL, revision: str) -> None:
    _run_blocking(url, "downgrade", revision)
