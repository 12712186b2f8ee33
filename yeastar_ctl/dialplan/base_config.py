"""The stable base Asterisk config: rendered from settings (ports, secrets, directories), not from
the database. It `#include`s the files that `apply` generates from the database."""

from __future__ import annotations

from pathlib import Path

import jinja2

from yeastar_ctl.config import Settings
from yeastar_ctl.dialplan.files import write_atomic
from yeastar_ctl.paths import ASTERISK_CONF_DIR

BASE_DIR = ASTERISK_CONF_DIR / "base"
# Relative to astetcdir, so the same base works in the lab and on a production /etc/asterisk.
GENERATED_SUBDIR = "yeastar_ctl"
GENERATED_FILES = ("pjsip.conf", "extensions.conf", "voicemail.conf")


def render_base_config(settings: Settings, instance_dir_in_root: str, instance: str) -> dict[str, str]:
    """Return {file name: content} for every base file."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(BASE_DIR),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    context = {
        "a": settings.asterisk,
        "inst": instance_dir_in_root,
        "instance": instance,
        "generated": GENERATED_SUBDIR,
    }
    files: dict[str, str] = {}
    for source in sorted(BASE_DIR.iterdir()):
        if source.name.endswith(".j2"):
            files[source.name[:-3]] = env.get_template(source.name).render(context)
        else:
            files[source.name] = source.read_text()
    return files


def install_base_config(settings: Settings, etc_dir: Path, instance_dir_in_root: str, instance: str) -> list[str]:
    """Write the base files into `etc_dir`; make sure the generated includes exist so Asterisk can
    start before the first `apply`. Returns the names of files that changed."""
    changed = [
        name
        for name, text in render_base_config(settings, instance_dir_in_root, instance).items()
        if write_atomic(etc_dir / name, text)
    ]
    for name in GENERATED_FILES:
        placeholder = etc_dir / GENERATED_SUBDIR / name
        if not placeholder.exists():
            write_atomic(placeholder, "; not generated yet: run `yeastar-ctl apply`\n")
    return changed
