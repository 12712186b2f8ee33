import sys
from pathlib import Path

# tests/support holds test helpers (SIPp runner, PostgreSQL server) shared by the suites.
sys.path.insert(0, str(Path(__file__).parent / "support"))

# Database fixtures on both backends (SQLite and a throwaway PostgreSQL server); headless Chromium.
pytest_plugins = ["postgres", "browser"]
