"""Paths of one lab instance: a directory inside the shared Debian root holding one Asterisk's
config, run, log and spool directories, so a demo and the tests can share one cached root."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from yeastar_ctl.config import Settings


@dataclass(frozen=True)
class LabPaths:
    root: Path
    instance: str

    @classmethod
    def from_settings(cls, settings: Settings) -> "LabPaths":
        return cls(Path(settings.lab.root).expanduser(), settings.lab.instance)

    @property
    def inst_in_root(self) -> str:
        """The instance directory as Asterisk sees it inside the chroot."""
        return f"/srv/yeastar_ctl/{self.instance}"

    @property
    def inst_dir(self) -> Path:
        return self.root / self.inst_in_root.lstrip("/")

    @property
    def etc_dir(self) -> Path:
        return self.inst_dir / "etc"

    @property
    def generated_dir(self) -> Path:
        return self.etc_dir / "yeastar_ctl"

    @property
    def run_dir(self) -> Path:
        return self.inst_dir / "run"

    @property
    def log_dir(self) -> Path:
        return self.inst_dir / "log"

    @property
    def spool_dir(self) -> Path:
        return self.inst_dir / "spool"

    @property
    def pid_file(self) -> Path:
        return self.run_dir / "asterisk.pid"

    @property
    def conf_in_root(self) -> str:
        return f"{self.inst_in_root}/etc/asterisk.conf"

    @property
    def ready_marker(self) -> Path:
        return self.root / ".yeastar_ctl_root"

    @property
    def rest_api_dir(self) -> Path:
        return self.root / "usr/share/asterisk/rest-api"


def generated_config_dir(settings: Settings) -> Path:
    """Where `apply` writes the generated files: the configured directory, else the lab's."""
    if settings.asterisk.config_dir:
        return Path(settings.asterisk.config_dir)
    return LabPaths.from_settings(settings).generated_dir
