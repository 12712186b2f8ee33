"""Where the project's non-Python files live (the package is installed editable from the checkout)."""

from __future__ import annotations

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
ASTERISK_CONF_DIR = PROJECT_DIR / "asterisk_conf"
SCRIPTS_DIR = PROJECT_DIR / "scripts"
MIGRATIONS_DIR = PROJECT_DIR / "migrations"
WEBUI_DIR = PROJECT_DIR / "webui"
