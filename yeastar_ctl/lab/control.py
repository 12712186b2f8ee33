"""Start, stop and inspect one lab Asterisk: `asterisk -f` inside the cached Debian root.

The root is provisioned once by `scripts/lab-root` (debootstrap of Debian unstable). Each
instance runs from its own directory inside the root with the project's own minimal config.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from base64 import b64encode
from dataclasses import dataclass
from pathlib import Path

from yeastar_ctl.config import Settings
from yeastar_ctl.dialplan.base_config import install_base_config
from yeastar_ctl.lab.paths import LabPaths
from yeastar_ctl.paths import SCRIPTS_DIR

BOOT_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 20.0


class LabError(RuntimeError):
    """The lab cannot do what was asked; the message says why and what to do."""


@dataclass(frozen=True)
class LabStatus:
    instance: str
    running: bool
    pid: int | None
    version: str | None
    root: Path

    def describe(self, settings: Settings) -> str:
        a = settings.asterisk
        if not self.running:
            return f"lab {self.instance}: stopped (root {self.root})"
        return (
            f"lab {self.instance}: running, pid {self.pid}, {self.version or 'Asterisk'}\n"
            f"  SIP udp {a.host}:{a.sip_port}  ARI {a.ari_url}  AMI {a.host}:{a.ami_port}\n"
            f"  root {self.root}"
        )


def _require_root_user() -> None:
    if os.geteuid() != 0:
        raise LabError("the lab needs root (chroot, mount /proc); run as root or with sudo")


def provision_root(settings: Settings, paths: LabPaths) -> None:
    if paths.ready_marker.exists():
        return
    _require_root_user()
    script = SCRIPTS_DIR / "lab-root"
    result = subprocess.run(
        [str(script), str(paths.root), settings.lab.mirror, settings.lab.suite],
        stdin=subprocess.DEVNULL,
    )
    if result.returncode != 0:
        raise LabError(f"provisioning the lab root failed (exit {result.returncode}); see the messages above")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie or a recycled pid is not our Asterisk.
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"asterisk" in cmdline


def running_pid(paths: LabPaths) -> int | None:
    try:
        pid = int(paths.pid_file.read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if _pid_alive(pid) else None


def _ari_ready(settings: Settings) -> str | None:
    a = settings.asterisk
    request = urllib.request.Request(f"{a.ari_url}/asterisk/info?only=system")
    token = b64encode(f"{a.ari_user}:{a.ari_password}".encode()).decode()
    request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            body = response.read().decode()
    except (urllib.error.URLError, OSError):
        return None
    return body


def _ensure_proc(paths: LabPaths) -> None:
    proc = paths.root / "proc"
    if paths.root.resolve() != Path("/") and not os.path.ismount(proc):
        subprocess.run(["mount", "-t", "proc", "proc", str(proc)], check=True)


def _prepare_instance(settings: Settings, paths: LabPaths) -> None:
    # Without the host's /etc/hosts, Asterisk's own host-name lookups go to DNS and every call
    # set-up stalls for seconds. (A root of "/" — the Docker image — already has it.)
    if paths.root.resolve() != Path("/"):
        shutil.copyfile("/etc/hosts", paths.root / "etc/hosts")
    # Asterisk writes into these but does not create them (the Debian package does, for its own).
    for directory in (paths.etc_dir, paths.run_dir, paths.log_dir, paths.spool_dir,
                      paths.spool_dir / "recording", paths.spool_dir / "voicemail",
                      paths.inst_dir / "lib", paths.inst_dir / "cache"):
        directory.mkdir(parents=True, exist_ok=True)
    install_base_config(settings, paths.etc_dir, paths.inst_in_root, paths.instance)


def asterisk_command(paths: LabPaths, *args: str) -> list[str]:
    return ["chroot", str(paths.root), "/usr/sbin/asterisk", "-C", paths.conf_in_root, *args]


def cli_command(paths: LabPaths, command: str, timeout: float = 15.0) -> str:
    result = subprocess.run(
        asterisk_command(paths, "-rx", command),
        capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
    )
    return result.stdout


def up(settings: Settings) -> LabStatus:
    paths = LabPaths.from_settings(settings)
    _require_root_user()
    provision_root(settings, paths)
    _prepare_instance(settings, paths)
    _ensure_proc(paths)
    pid = running_pid(paths)
    process: subprocess.Popen[bytes] | None = None
    if pid is not None:
        # Idempotent: a second `lab up` re-renders the base config and asks Asterisk to reload it.
        cli_command(paths, "core reload")
    else:
        with open(paths.log_dir / "console.log", "ab") as console_log:
            process = subprocess.Popen(
                asterisk_command(paths, "-f", "-n"),
                stdin=subprocess.DEVNULL, stdout=console_log, stderr=subprocess.STDOUT,
                start_new_session=True, close_fds=True,
            )
    deadline = time.monotonic() + BOOT_TIMEOUT_S
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            break
        if running_pid(paths) and _ari_ready(settings):
            return status(settings)
        time.sleep(0.2)
    log_tail = _tail(paths.log_dir / "console.log") + _tail(paths.log_dir / "messages.log")
    raise LabError(
        f"Asterisk did not come up (ARI {settings.asterisk.ari_url}); last log lines:\n{log_tail}"
    )


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) + "\n"
    except OSError:
        return ""


def down(settings: Settings) -> bool:
    """Stop the instance; returns whether one was running."""
    paths = LabPaths.from_settings(settings)
    pid = running_pid(paths)
    if pid is None:
        return False
    try:
        cli_command(paths, "core stop now", timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        pass
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while time.monotonic() < deadline and _pid_alive(pid):
        time.sleep(0.1)
    if _pid_alive(pid):
        os.kill(pid, signal.SIGKILL)
    paths.pid_file.unlink(missing_ok=True)
    return True


def status(settings: Settings) -> LabStatus:
    paths = LabPaths.from_settings(settings)
    pid = running_pid(paths)
    version = None
    if pid is not None:
        version = cli_command(paths, "core show version").strip() or None
    return LabStatus(settings.lab.instance, pid is not None, pid, version, paths.root)


def cli(settings: Settings, command: str | None) -> int:
    paths = LabPaths.from_settings(settings)
    if running_pid(paths) is None:
        raise LabError(f"lab {settings.lab.instance} is not running: run `yeastar-ctl lab up`")
    args = ["-rx", command] if command else ["-r"]
    return subprocess.call(asterisk_command(paths, *args))
