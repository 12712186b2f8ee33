"""Database fixtures for both backends (see tests/support/postgres.py)."""

import sys
from pathlib import Path

# tests/ is not a package and pytest puts only this directory on sys.path; the repository
# root is added so the shared support module imports the same way from every test directory.
_ROOT = str(Path(__file__).resolve().parents[3])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from tests.support.postgres import (  # noqa: E402
    backend,
    db_url,
    engine,
    migrated_db_url,
    postgres_server,
    session,
)

__all__ = ["backend", "db_url", "engine", "migrated_db_url", "postgres_server", "session"]
