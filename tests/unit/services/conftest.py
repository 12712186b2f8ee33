"""Database fixtures for both backends; they live in tests/support/postgres.py."""

from postgres import (  # tests/support is on sys.path (tests/conftest.py)
    backend,
    db_url,
    engine,
    migrated_db_url,
    postgres_server,
    session,
    table_rows,
    unchanged,
)

__all__ = [
    "backend",
    "db_url",
    "engine",
    "migrated_db_url",
    "postgres_server",
    "session",
    "table_rows",
    "unchanged",
]
