import sys
from pathlib import Path

import pytest

# tests/support holds test helpers (SIPp runner, PostgreSQL server) shared by the suites.
sys.path.insert(0, str(Path(__file__).parent / "support"))

# Database fixtures on both backends (SQLite and a throwaway PostgreSQL server); headless Chromium.
pytest_plugins = ["postgres", "browser"]


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 at its production cost (about 0.1 s a hash) was half of the unit tests' time; the
    tests check what is hashed and verified, not how hard it is to guess."""
    from argon2 import PasswordHasher

    from yeastar_ctl.services import users

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(users, "_hasher", cheap)
    monkeypatch.setattr(users, "_DUMMY_HASH", cheap.hash("not a password"))
