"""Render the database's configuration into the Asterisk files the base config includes.

Rendering is a pure function of the config snapshot (sorted deterministically), so the same
database always gives byte-identical files; golden-file tests hold it to that.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import jinja2

from yeastar_ctl.dialplan.base_config import GENERATED_FILES
from yeastar_ctl.dialplan.blf_patterns import agent_key_patterns
from yeastar_ctl.dialplan.contexts import INTERNAL_CONTEXT, VOICEMAIL_CONTEXT
from yeastar_ctl.dialplan.files import write_atomic
from yeastar_ctl.paths import ASTERISK_CONF_DIR
from yeastar_ctl.services.config_snapshot import ConfigSnapshot

TEMPLATES_DIR = ASTERISK_CONF_DIR / "generated"
EXTENSION_RING_SECONDS = 30


def _callerid_name(name: str) -> str:
    # A quote or angle bracket would end the display name early in the callerid= line.
    return "".join(ch for ch in name if ch not in '"<>\\\n\r')


def _mailbox_pin(_: str, seed: str) -> str:
    # Mailbox PINs are not used for queues' failover; derived from the secret so a render of the
    # same database is byte-identical and the PIN is not guessable from the number.
    return str(int(hashlib.sha256(seed.encode()).hexdigest(), 16))[-6:]


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["callerid_name"] = _callerid_name
    env.filters["mailbox_pin"] = _mailbox_pin
    return env


def render_generated(snapshot: ConfigSnapshot, app_name: str) -> dict[str, str]:
    env = _environment()
    context = {
        "extensions": snapshot.extensions,
        "queues": snapshot.queues,
        "blf_patterns": agent_key_patterns(snapshot),
        "context": INTERNAL_CONTEXT,
        "voicemail_context": VOICEMAIL_CONTEXT,
        "app": app_name,
        "ring_seconds": EXTENSION_RING_SECONDS,
    }
    return {name: env.get_template(f"{name}.j2").render(context) for name in GENERATED_FILES}


def write_generated(files: dict[str, str], directory: Path) -> list[str]:
    """Write atomically; return the names of the files whose content changed."""
    return [name for name, text in sorted(files.items()) if write_atomic(directory / name, text)]
