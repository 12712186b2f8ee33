#!/usr/bin/env python3
"""Ring latency of the product against Asterisk's own app_queue, side by side (issue 11).

In one invocation the same agents and queues are configured in app_queue and in the product, on a
COPY of the lab root, and the same load is run against each, one after the other. Queues are
6400.. with rrmemory, Ring In Use off, agent timeout 15 s, retry 1 s, wrap-up 0, and every agent
(2001..) a static member of every queue. One SIPp UAS answers for every agent (for the product
the agents first register with digest auth); a SIPp caller on a trunk-like endpoint (identified
by its address 127.0.0.2) places the calls at --rate, call k to queue 6400 + k % queues, and holds
each answered call --hold-ms. Ring latency = the caller's INVITE sent -> the agent's INVITE
received, from the SIPp message traces, matched on the caller's From user (cN). Keep rate x hold
well under the agents (the default hold is 1 s): near saturation app_queue itself waits for free
agents in 1 s retry steps, and that is queueing, not routing.

For each run it reports p50/p90/p99 latency, calls placed/connected/failed and agents rung, the
CPU time and share of one core of the control plane (the product's `yeastar-ctl run`; for
app_queue that is Asterisk itself) and of Asterisk, the wall time, the load average, and for the
product the queue_calls rows left open and the ERROR/Traceback lines in its log; then the ratio
product/app_queue of p50 and p99. Results and commands: docs/performance.md.

    .venv/bin/python scripts/bench/ring_latency.py --agents 50 --queues 1 --rate 20 --calls 400
    .venv/bin/python scripts/bench/ring_latency.py --agents 200 --queues 40 --rate 50 --calls 1500 \\
        --json build/bench/ring_latency.json
    .venv/bin/python scripts/bench/ring_latency.py ... --db postgresql        # throwaway server
    .venv/bin/python scripts/bench/ring_latency.py ... --history-events 1000000 --history-calls 200000
    .venv/bin/python scripts/bench/ring_latency.py ... --repeat 3 --only product

Needs root (chroot, mount), SIPp (sip-tester) and the lab root (scripts/setup). The cached root
(~/.cache/yeastar_ctl/root) is never touched: it is copied once with `cp -a -x` to --root
(default /var/tmp/yeastar-bench-root) and reused; each system runs as its own instance directory
inside that copy (srv/yeastar_ctl/bench-appqueue, srv/yeastar_ctl/bench-product), rewritten on
every run, with the project's base Asterisk config (app_queue adds app_queue.so). Ports:
app_queue 16060/16088/16038 (agents 16101), product 26060/26088/26038/26080 (agents 26101), clear
of the tests' and of the ephemeral range; the caller is 127.0.0.2. Every process it starts is
stopped at the end, also on error or Ctrl-C; traces and logs stay in --out. A second invocation
waits for the first (a lock file in /var/tmp): they would share ports and instance directories.

Others change the product while benchmarks run, so by default the product runs from a clean export
of HEAD (/var/tmp/yeastar-bench-src/<commit>, put ahead of the venv's editable install with
PYTHONPATH) and every result carries that commit; `--source worktree` measures the checkout as is.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final

PROJECT: Final = Path(__file__).resolve().parents[2]
SCENARIOS: Final = Path(__file__).resolve().parent / "ring_latency"
CACHED_ROOT: Final = Path("~/.cache/yeastar_ctl/root").expanduser()
DEFAULT_ROOT: Final = Path("/var/tmp/yeastar-bench-root")
# Two runs at once would share ports and instance directories (one's `lab down` stops the other's
# Asterisk): a run waits for the one before it.
LOCK_FILE: Final = Path("/var/tmp/yeastar-bench-ring-latency.lock")
VENV_PYTHON: Final = PROJECT / ".venv" / "bin" / "python"
SOURCES: Final = Path("/var/tmp/yeastar-bench-src")
CALLER_IP: Final = "127.0.0.2"
FIRST_AGENT: Final = 2001
FIRST_QUEUE: Final = 6400
HZ: Final = os.sysconf("SC_CLK_TCK")
PG_BIN: Final = Path(os.environ.get("YEASTAR_CTL_PG_BIN", "/usr/lib/postgresql/15/bin"))
STAMP: Final = re.compile(r"^-+ (\d{4}-\d\d-\d\d)\s+(\d\d:\d\d:\d\d\.\d+)")
FROM_USER: Final = re.compile(r'sip:c(\d+)@|"c(\d+)"')


@dataclass(frozen=True)
class Load:
    agents: int
    queues: int
    rate: float
    calls: int
    hold_ms: int

    @property
    def agent_numbers(self) -> list[str]:
        return [str(FIRST_AGENT + i) for i in range(self.agents)]

    @property
    def queue_numbers(self) -> list[str]:
        return [str(FIRST_QUEUE + q) for q in range(self.queues)]

    def queue_of_call(self, k: int) -> str:
        """SIPp numbers calls from 1; call k goes to 6400 + k % queues (as the reference does)."""
        return str(FIRST_QUEUE + k % self.queues)

    @property
    def erlangs(self) -> float:
        """Agents busy on average: above about half of them app_queue already waits for a free
        agent (its 1 s retry steps show in the latency; the reference's 3 s hold at 20 calls/s puts
        60 Erlang on 50 agents), and the benchmark measures queueing instead of routing."""
        return self.rate * self.hold_ms / 1000

    @property
    def caller_cap_s(self) -> int:
        """Hard cap on the caller phase: the calls' own time plus a minute."""
        return int(self.calls / self.rate + self.hold_ms / 1000 + 60)


@dataclass(frozen=True)
class Ports:
    sip: int
    ari: int
    ami: int
    web: int
    agent: int
    caller: int
    rtp: tuple[int, int]


# Not the reference harness's ports: the integration tests use 15060/18088/15038/18080 (RTP
# 21000-21499) and scripts/bench/apply_scale.py 25060/28088/25038/28080 (RTP 31000-31099); and
# nothing in 32768-60999, where the tests' SIPp phones and servers take free ports.
APPQUEUE_PORTS: Final = Ports(16060, 16088, 16038, 0, 16101, 16102, (12000, 13999))
PRODUCT_PORTS: Final = Ports(26060, 26088, 26038, 26080, 26101, 26102, (22000, 23999))


@dataclass
class Latency:
    n: int = 0
    p50: float | None = None
    p90: float | None = None
    p99: float | None = None
    max: float | None = None


@dataclass
class RunResult:
    system: str  # "app_queue" or "product"
    commit: str
    db: str
    load: Load
    history: tuple[int, int]
    latency: Latency = field(default_factory=Latency)
    placed: int = 0
    # The caller's scenario completed (answered, held, hung up). The product answers the caller
    # itself at once (ringback from a Stasis bridge), app_queue only when an agent answers.
    connected: int = 0
    failed: int = 0
    rung: int = 0  # calls whose agent got an INVITE
    answered: int | None = None  # calls an agent talked to (app_queue: = connected; product: rows)
    wall_s: float = 0.0
    control_plane_cpu_s: float = 0.0
    asterisk_cpu_s: float = 0.0
    load_before: str = ""
    load_after: str = ""
    open_rows: int | None = None
    rows: dict[str, int] = field(default_factory=dict)
    log_errors: int | None = None
    log_tracebacks: int | None = None
    top_errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    out_dir: str = ""

    @property
    def rows_written(self) -> int:
        """queue_calls rows of this run's calls (fewer than the calls when writes were dropped)."""
        return sum(n for key, n in self.rows.items() if key.startswith("queue_calls "))

    def cpu_share(self, seconds: float) -> float:
        return 100.0 * seconds / self.wall_s if self.wall_s else 0.0


# --- small process helpers --------------------------------------------------------------------


def say(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)


def run(cmd: Sequence[str], *, env: dict[str, str] | None = None, cwd: Path | None = None,
        timeout: float = 60, check: bool = False) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(list(cmd), env=env, cwd=cwd, capture_output=True, text=True,
                            timeout=timeout, stdin=subprocess.DEVNULL)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {result.returncode}: {result.stdout}{result.stderr}")
    return result


class Processes:
    """Everything this run started; `stop_all` ends each by its own pid (SIGINT/SIGTERM, then KILL)."""

    def __init__(self) -> None:
        self._running: list[tuple[str, subprocess.Popen[bytes], int]] = []

    def start(self, name: str, cmd: Sequence[str], log: Path, *, env: dict[str, str] | None = None,
              cwd: Path | None = None, stop_signal: int = signal.SIGTERM) -> subprocess.Popen[bytes]:
        with open(log, "ab") as out:
            process = subprocess.Popen(list(cmd), env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                                       stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self._running.append((name, process, stop_signal))
        return process

    def stop(self, process: subprocess.Popen[bytes], timeout: float = 20) -> None:
        for entry in [e for e in self._running if e[1] is process]:
            self._running.remove(entry)
            _, _, stop_signal = entry
            if process.poll() is None:
                process.send_signal(stop_signal)
                try:
                    process.wait(timeout)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(10)

    def stop_all(self) -> None:
        for _, process, _ in reversed(list(self._running)):
            self.stop(process)


def ticks(pid: int | None) -> int:
    """utime + stime of a process in clock ticks (fields 14 and 15 of /proc/PID/stat)."""
    if pid is None:
        return 0
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0
    fields = stat[stat.rindex(")") + 2:].split()
    return int(fields[11]) + int(fields[12])


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def product_source(choice: str) -> tuple[Path, str]:
    """The product code to measure and its commit. Others edit the working tree while this runs,
    so by default the product runs from a clean export of HEAD (made once per commit); with
    `worktree` it runs from the checkout as it is (the commit then says +dirty if it differs)."""
    commit = run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT, check=True).stdout.strip()
    if choice == "worktree":
        dirty = run(["git", "status", "--porcelain", "--", "yeastar_ctl", "asterisk_conf", "migrations"],
                    cwd=PROJECT).stdout.strip()
        return PROJECT, f"{commit}+dirty" if dirty else commit
    if choice != "head":
        return Path(choice).resolve(), f"{choice} (checkout HEAD {commit})"
    dest = SOURCES / commit
    if not (dest / "yeastar_ctl" / "__init__.py").exists():
        partial = SOURCES / f"{commit}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        archive = subprocess.run(["git", "archive", commit], cwd=PROJECT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(partial)], input=archive, check=True)
        shutil.rmtree(dest, ignore_errors=True)
        partial.rename(dest)
    return dest, commit


def udp_port_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def tcp_port_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def media_base(start: int) -> int:
    """A base port whose next three are free too: SIPp binds audio and video RTP/RTCP there."""
    for base in range(start, start + 400, 4):
        if all(udp_port_free(p) for p in range(base, base + 4)):
            return base
    raise RuntimeError(f"no four free UDP ports in a row from {start} for SIPp's media")


def wait_for(predicate: Any, timeout: float, step: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


@contextmanager
def one_run_at_a_time(lock: Path = LOCK_FILE) -> Iterator[None]:
    with open(lock, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"another ring_latency run holds {lock}: waiting for it to end")
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


# --- the lab root copy --------------------------------------------------------------------------


@contextmanager
def root_copy(root: Path) -> Iterator[Path]:
    """The lab root copied once (one file system only: /proc may be mounted in the cached root),
    with /proc mounted for the run and unmounted after it."""
    if not (root / ".yeastar_ctl_root").exists():
        if not (CACHED_ROOT / ".yeastar_ctl_root").exists():
            raise SystemExit(f"no lab root at {CACHED_ROOT}: run scripts/setup first")
        say(f"copying the lab root {CACHED_ROOT} -> {root} (once)")
        shutil.rmtree(root, ignore_errors=True)
        run(["cp", "-a", "-x", str(CACHED_ROOT), str(root)], timeout=900, check=True)
    shutil.copyfile("/etc/hosts", root / "etc/hosts")  # without it Asterisk's own-name lookups stall
    proc = root / "proc"
    mounted_here = not os.path.ismount(proc)
    if mounted_here:
        run(["mount", "-t", "proc", "proc", str(proc)], check=True)
    try:
        yield root
    finally:
        if mounted_here and os.path.ismount(proc):
            if run(["umount", str(proc)]).returncode != 0:
                say(f"could not unmount {proc} (still in use?); unmount it by hand")


def instance_dirs(root: Path, instance: str) -> Path:
    inst = root / "srv/yeastar_ctl" / instance
    for sub in ("etc", "run", "log", "spool/recording", "spool/voicemail", "lib", "cache"):
        (inst / sub).mkdir(parents=True, exist_ok=True)
    return inst


def asterisk_cmd(root: Path, instance: str, *args: str) -> list[str]:
    return ["chroot", str(root), "/usr/sbin/asterisk", "-C", f"/srv/yeastar_ctl/{instance}/etc/asterisk.conf", *args]


# --- SIPp ------------------------------------------------------------------------------------------


def write_injection(path: Path, lines: Sequence[str]) -> Path:
    path.write_text("SEQUENTIAL\n" + "".join(f"{line}\n" for line in lines))
    return path


def sipp_caller_cmd(load: Load, ports: Ports, calls_csv: Path, out: Path) -> list[str]:
    return ["sipp", f"127.0.0.1:{ports.sip}", "-sf", str(SCENARIOS / "caller.xml"), "-inf", str(calls_csv),
            "-i", CALLER_IP, "-p", str(ports.caller), "-mi", CALLER_IP, "-mp", str(media_base(ports.caller + 200)),
            "-r", str(load.rate), "-m", str(load.calls), "-l", str(load.agents), "-d", str(load.hold_ms),
            "-trace_msg", "-message_file", str(out / "caller.msg"), "-trace_stat", "-stf", str(out / "caller.csv"),
            "-nostdin", "-timeout", f"{load.caller_cap_s + 30}s"]


def sipp_agent_cmd(ports: Ports, out: Path) -> list[str]:
    return ["sipp", "-sf", str(SCENARIOS / "agent.xml"), "-i", "127.0.0.1", "-p", str(ports.agent),
            "-mi", "127.0.0.1", "-mp", str(media_base(ports.agent + 100)),
            "-trace_msg", "-message_file", str(out / "agent.msg"), "-nostdin"]


def run_caller(load: Load, ports: Ports, out: Path) -> int:
    """Place the calls; SIGINT at the cap makes SIPp stop and write its statistics."""
    calls = write_injection(out / "calls.csv", [load.queue_of_call(k) for k in range(1, load.calls + 1)])
    with open(out / "caller.out", "wb") as log:
        process = subprocess.Popen(sipp_caller_cmd(load, ports, calls, out), stdin=subprocess.DEVNULL,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        return process.wait(load.caller_cap_s)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            pass
        return -1
    finally:
        if process.poll() is None:  # also on Ctrl-C
            process.kill()
            process.wait(10)


def invites(path: Path, direction: str) -> dict[str, datetime]:
    """First INVITE per caller number cN in a SIPp message trace, 'sent' or 'received'."""
    found: dict[str, datetime] = {}
    if not path.exists():
        return found
    stamp: datetime | None = None
    state = ""  # "" | "want" (a message in our direction) | "invite" (its first line was INVITE)
    with open(path, errors="replace") as trace:
        for line in trace:
            match = STAMP.match(line)
            if match:
                stamp = datetime.strptime(f"{match[1]} {match[2]}", "%Y-%m-%d %H:%M:%S.%f")
            elif line.startswith(("UDP message", "TCP message")):
                state = "want" if direction in line else ""
            elif state == "want" and line.startswith("INVITE "):
                state = "invite"
            elif state == "invite" and line.lower().startswith("from:"):
                user = FROM_USER.search(line)
                if user and stamp is not None:
                    found.setdefault(user[1] or user[2], stamp)
                state = ""
    return found


def percentile(values: Sequence[float], p: float) -> float:
    return values[min(len(values) - 1, int(p / 100 * len(values)))]


def ring_latency(out: Path) -> Latency:
    sent = invites(out / "caller.msg", "sent")
    received = invites(out / "agent.msg", "received")
    values = sorted((received[k] - sent[k]).total_seconds() * 1000 for k in sent if k in received)
    if not values:
        return Latency()
    return Latency(len(values), percentile(values, 50), percentile(values, 90), percentile(values, 99), values[-1])


def caller_counts(out: Path) -> tuple[int, int, int]:
    """(placed, connected, failed) from the caller's final statistics line."""
    stats = out / "caller.csv"
    if not stats.exists():
        return 0, 0, 0
    lines = [line for line in stats.read_text(errors="replace").splitlines() if line.strip()]
    if len(lines) < 2:
        return 0, 0, 0
    header, last = lines[0].split(";"), lines[-1].split(";")
    row = dict(zip(header, last, strict=False))

    def value(name: str) -> int:
        try:
            return int(row.get(name, "0") or 0)
        except ValueError:
            return 0

    return value("TotalCallCreated"), value("SuccessfulCall(C)"), value("FailedCall(C)")


def measure_calls(result: RunResult, load: Load, ports: Ports, out: Path,
                  control_plane_pid: int | None, asterisk_pid: int | None) -> None:
    """The caller phase with CPU ticks and load average around it, then the latency and counts."""
    result.load_before = loadavg()
    cp0, ast0, t0 = ticks(control_plane_pid), ticks(asterisk_pid), time.monotonic()
    rc = run_caller(load, ports, out)
    result.wall_s = time.monotonic() - t0
    result.control_plane_cpu_s = (ticks(control_plane_pid) - cp0) / HZ
    result.asterisk_cpu_s = (ticks(asterisk_pid) - ast0) / HZ
    result.load_after = loadavg()
    if rc == -1:
        result.notes.append(f"caller hit the {load.caller_cap_s} s cap and was stopped")
    elif rc != 0:
        result.notes.append(f"caller SIPp exited {rc}")
    result.placed, result.connected, result.failed = caller_counts(out)


# --- app_queue ------------------------------------------------------------------------------------


def appqueue_files(load: Load, ports: Ports, inst_in_root: str) -> dict[str, str]:
    """The project's base Asterisk config (same modules, logger, MOH, RTP) plus app_queue, with
    static agent contacts at the SIPp UAS and the queues in queues.conf."""
    from yeastar_ctl.config import Settings
    from yeastar_ctl.dialplan.base_config import render_base_config

    settings = Settings()
    a = settings.asterisk
    a.sip_port, a.ari_port, a.ami_port = ports.sip, ports.ari, ports.ami
    a.rtp_start, a.rtp_end = ports.rtp
    a.ari_password, a.ami_secret = "bench", "bench"
    files = render_base_config(settings, inst_in_root, "bench-appqueue")
    files["modules.conf"] += "\n; the baseline\nload = app_queue.so\n"
    agents = load.agent_numbers
    pjsip = ["[global]\ntype = global\nendpoint_identifier_order = username,ip\n",
             f"[transport-udp]\ntype = transport\nprotocol = udp\nbind = 127.0.0.1:{ports.sip}\n",
             "[caller]\ntype = endpoint\ncontext = bench\ndisallow = all\nallow = ulaw\ndirect_media = no\n"
             "send_connected_line = no\nrtp_symmetric = yes\naors = caller\n\n[caller]\ntype = aor\n\n"
             f"[caller-ident]\ntype = identify\nendpoint = caller\nmatch = {CALLER_IP}\n"]
    for n in agents:
        pjsip.append(f"[{n}]\ntype = endpoint\ncontext = bench\ndisallow = all\nallow = ulaw\ndirect_media = no\n"
                     f"send_connected_line = no\naors = {n}\n\n[{n}]\ntype = aor\n"
                     f"contact = sip:{n}@127.0.0.1:{ports.agent}\n")
    files["pjsip.conf"] = "\n".join(pjsip)
    queues = ["[general]\npersistentmembers = no\nshared_lastcall = yes\n"]
    for q in load.queue_numbers:
        members = "".join(f"member => PJSIP/{n}\n" for n in agents)
        queues.append(f"[{q}]\nstrategy = rrmemory\nringinuse = no\ntimeout = 15\nretry = 1\nwrapuptime = 0\n"
                      f"musicclass = default\njoinempty = yes\nleavewhenempty = no\n{members}")
    files["queues.conf"] = "\n".join(queues)
    for name in ("pjsip.conf", "extensions.conf", "voicemail.conf"):
        files[f"yeastar_ctl/{name}"] = "; not used by the app_queue baseline\n"
    files["extensions.conf"] = "[bench]\nexten => _64XX,1,Queue(${EXTEN},,,,60)\n same => n,Hangup()\n"
    return files


def run_appqueue(result: RunResult, load: Load, root: Path, out: Path, procs: Processes) -> None:
    ports = APPQUEUE_PORTS
    instance = "bench-appqueue"
    inst = instance_dirs(root, instance)
    shutil.rmtree(inst / "etc")
    (inst / "etc").mkdir()
    for name, text in appqueue_files(load, ports, f"/srv/yeastar_ctl/{instance}").items():
        (inst / "etc" / name).parent.mkdir(exist_ok=True)
        (inst / "etc" / name).write_text(text)
    (inst / "lib/astdb.sqlite3").unlink(missing_ok=True)
    stop_stale_asterisk(root, instance)
    asterisk = procs.start("asterisk (app_queue)", asterisk_cmd(root, instance, "-f", "-n"), out / "asterisk.log")
    booted = wait_for(lambda: run(asterisk_cmd(root, instance, "-rx", "core waitfullybooted"),
                                  timeout=30).returncode == 0, 60, 0.3)
    if not booted:
        raise RuntimeError(f"app_queue Asterisk did not boot; see {out / 'asterisk.log'}")
    shown = run(asterisk_cmd(root, instance, "-rx", "queue show"), timeout=60).stdout
    say(f"app_queue up: {shown.count('strategy')} queues loaded")
    agent = procs.start("sipp agents", sipp_agent_cmd(ports, out), out / "agent.out", stop_signal=signal.SIGINT)
    time.sleep(0.5)
    try:
        measure_calls(result, load, ports, out, asterisk.pid, asterisk.pid)
        time.sleep(1)
    finally:
        procs.stop(agent)
        run(asterisk_cmd(root, instance, "-rx", "core stop now"), timeout=30)
        procs.stop(asterisk)
    result.latency = ring_latency(out)
    result.rung = result.latency.n
    result.answered = result.connected


def stop_stale_asterisk(root: Path, instance: str) -> None:
    """An Asterisk left running by an interrupted earlier run of this benchmark (its own instance)."""
    pid_file = root / "srv/yeastar_ctl" / instance / "run/asterisk.pid"
    if pid_file.exists():
        run(asterisk_cmd(root, instance, "-rx", "core stop now"), timeout=30)
        pid_file.unlink(missing_ok=True)


# --- the product --------------------------------------------------------------------------------


def product_env(out: Path, root: Path, database_url: str, source: Path) -> dict[str, str]:
    """Everything from the environment, on the product's bench ports; an empty config file, so
    no ./yeastar_ctl.toml and no $YEASTAR_CTL_* of the caller's shell leaks in."""
    ports = PRODUCT_PORTS
    config = out / "bench.toml"
    config.write_text("# empty: ring_latency.py sets everything through YEASTAR_CTL_* variables\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("YEASTAR_CTL_")}
    env.update({
        "PYTHONPATH": str(source),  # ahead of the venv's editable install of the checkout
        "YEASTAR_CTL_CONFIG": str(config),
        "YEASTAR_CTL_VAR_DIR": str(out / "var"), "YEASTAR_CTL_DATABASE_URL": database_url,
        "YEASTAR_CTL_LAB_ROOT": str(root), "YEASTAR_CTL_LAB_INSTANCE": "bench-product",
        "YEASTAR_CTL_ASTERISK_SIP_PORT": str(ports.sip), "YEASTAR_CTL_ASTERISK_ARI_PORT": str(ports.ari),
        "YEASTAR_CTL_ASTERISK_AMI_PORT": str(ports.ami), "YEASTAR_CTL_WEB_PORT": str(ports.web),
        "YEASTAR_CTL_ASTERISK_RTP_START": str(ports.rtp[0]), "YEASTAR_CTL_ASTERISK_RTP_END": str(ports.rtp[1]),
        "YEASTAR_CTL_SMTP_HOST": "",
    })
    return env


async def configure_product(env: dict[str, str], load: Load) -> dict[str, str]:
    """Agents and queues through the project's own services; returns {extension: SIP secret}."""
    from yeastar_ctl.config import load_settings
    from yeastar_ctl.db.engine import make_engine, session_factory
    from yeastar_ctl.db.enums import RingStrategy
    from yeastar_ctl.db.queue_settings import DEFAULT_QUEUE_SETTINGS
    from yeastar_ctl.services import extensions, queues
    from yeastar_ctl.services.pause_reasons import ensure_default_pause_reasons

    settings = load_settings(env=env)
    engine = make_engine(settings.db_url)
    secrets: dict[str, str] = {}
    try:
        async with session_factory(engine).begin() as session:
            await ensure_default_pause_reasons(session)
            for n in load.agent_numbers:
                extension = await extensions.create_extension(session, n, f"Agent {n}", sip_secret=f"secret{n}x")
                secrets[n] = extension.sip_secret
            bench = replace(DEFAULT_QUEUE_SETTINGS, ring_strategy=RingStrategy.RRMEMORY, ring_in_use=False,
                            agent_timeout_seconds=15, retry_interval_seconds=1, wrapup_seconds=0)
            members = [(n, 1) for n in load.agent_numbers]
            for q in load.queue_numbers:
                await queues.create_queue(session, q, f"Bench {q}", bench)
                await queues.set_members(session, q, static=members)
    finally:
        await engine.dispose()
    return secrets


async def fill_history(env: dict[str, str], load: Load, events: int, calls: int) -> str:
    """A year of history: login/pause/unpause/logout groups per (agent, queue) that leave every
    agent as it was, and finished queue calls, written with executemany on the model's tables."""
    import random

    from sqlalchemy import func, insert, select

    from yeastar_ctl.config import load_settings
    from yeastar_ctl.db.engine import make_engine
    from yeastar_ctl.db.enums import AgentEventKind, AgentEventSource, CallStatus
    from yeastar_ctl.db.event_models import AgentEvent, QueueCall
    from yeastar_ctl.db.models import Queue

    rng = random.Random(7)
    end = datetime.now(UTC) - timedelta(hours=1)
    start = end - timedelta(days=365)
    span = (end - start).total_seconds()
    kinds = (AgentEventKind.LOGIN, AgentEventKind.PAUSE, AgentEventKind.UNPAUSE, AgentEventKind.LOGOUT)
    engine = make_engine(load_settings(env=env).db_url)
    t0 = time.monotonic()
    try:
        async with engine.begin() as connection:
            queue_ids = dict((await connection.execute(select(Queue.number, Queue.id))).all())
            rows: list[dict[str, Any]] = []
            for _ in range(events // 4):
                at = start + timedelta(seconds=rng.random() * (span - 4 * 3600))
                agent, queue = rng.choice(load.agent_numbers), rng.choice(load.queue_numbers)
                for i, kind in enumerate(kinds):
                    rows.append({"at": at + timedelta(minutes=30 * i + rng.random()), "agent_extension": agent,
                                 "queue_number": queue, "kind": kind,
                                 "reason_code": "01" if kind == AgentEventKind.PAUSE else None,
                                 "source": AgentEventSource.FEATURE_CODE})
                if len(rows) >= 20_000:
                    await connection.execute(insert(AgentEvent), rows)
                    rows = []
            if rows:
                await connection.execute(insert(AgentEvent), rows)
                rows = []
            for i in range(calls):
                joined = start + timedelta(seconds=rng.random() * (span - 3600))
                queue = rng.choice(load.queue_numbers)
                answered = rng.random() < 0.85
                ring, talk = rng.randint(1, 20), rng.randint(20, 600) if answered else 0
                rows.append({"id": f"hist-{i:08d}", "queue_id": queue_ids[queue], "queue_number": queue,
                             "caller_number": f"0{rng.randint(10**8, 10**9)}", "caller_name": None,
                             "joined_at": joined,
                             "answered_at": joined + timedelta(seconds=ring) if answered else None,
                             "ended_at": joined + timedelta(seconds=ring + talk + (0 if answered else 5)),
                             "agent_extension": rng.choice(load.agent_numbers) if answered else None,
                             "status": CallStatus.ANSWERED if answered else CallStatus.ABANDONED,
                             "ring_seconds": ring, "talk_seconds": talk, "hold_seconds": 0,
                             "reason": None if answered else "caller hung up", "channel_id": None,
                             "is_callback": False, "recording_file": None})
                if len(rows) >= 20_000:
                    await connection.execute(insert(QueueCall), rows)
                    rows = []
            if rows:
                await connection.execute(insert(QueueCall), rows)
            n_events = (await connection.execute(select(func.count()).select_from(AgentEvent))).scalar()
            n_calls = (await connection.execute(select(func.count()).select_from(QueueCall))).scalar()
    finally:
        await engine.dispose()
    return f"history: agent_events={n_events} queue_calls={n_calls} in {time.monotonic() - t0:.0f} s"


async def product_rows(env: dict[str, str], since: datetime) -> tuple[int, dict[str, int]]:
    """(rows left open, counts by status and ring result) for the calls joined since `since`."""
    from sqlalchemy import func, or_, select

    from yeastar_ctl.config import load_settings
    from yeastar_ctl.db.engine import make_engine, session_factory
    from yeastar_ctl.db.enums import CallStatus
    from yeastar_ctl.db.event_models import QueueCall, RingAttempt

    engine = make_engine(load_settings(env=env).db_url)
    try:
        async with session_factory(engine)() as session:
            open_rows = await session.scalar(
                select(func.count()).select_from(QueueCall).where(
                    QueueCall.joined_at >= since,
                    or_(QueueCall.status == CallStatus.WAITING, QueueCall.ended_at.is_(None))))
            counts: dict[str, int] = {}
            for status, n in await session.execute(
                    select(QueueCall.status, func.count()).where(QueueCall.joined_at >= since)
                    .group_by(QueueCall.status)):
                counts[f"queue_calls {status}"] = n
            for ring, n in await session.execute(
                    select(RingAttempt.result, func.count()).where(RingAttempt.started_at >= since)
                    .group_by(RingAttempt.result)):
                counts[f"ring_attempts {ring}"] = n
    finally:
        await engine.dispose()
    return int(open_rows or 0), counts


def ctl_cmd(*args: str) -> list[str]:
    """`yeastar-ctl ARGS` from the code on PYTHONPATH (see `product_source`)."""
    return [str(VENV_PYTHON), "-m", "yeastar_ctl", *args]


async def settled_rows(env: dict[str, str], since: datetime, timeout: float = 120.0,
                       step: float = 2.0) -> tuple[int, dict[str, int], float]:
    """`product_rows` once it has stopped changing for two polls (or after `timeout` seconds)."""
    start = time.monotonic()
    last: tuple[int, dict[str, int]] | None = None
    unchanged = 0
    while True:
        current = await product_rows(env, since)
        unchanged = unchanged + 1 if current == last else 0
        last = current
        if unchanged >= 2 or time.monotonic() - start > timeout:
            return current[0], current[1], time.monotonic() - start
        await asyncio.sleep(step)


def ctl(env: dict[str, str], out: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return run(ctl_cmd(*args), env=env, cwd=out, timeout=timeout)


def carrier_endpoint(context: str) -> str:
    """The product has no SIP trunks yet: a carrier-like endpoint identified by the caller's
    address, landing in the context of the generated queue numbers."""
    return (f"\n; --- ring_latency bench: a carrier-like caller endpoint (not generated) ---\n"
            f"[bench-carrier]\ntype = endpoint\ncontext = {context}\ndisallow = all\nallow = ulaw\n"
            f"direct_media = no\nsend_connected_line = no\nrtp_symmetric = yes\naors = bench-carrier\n\n"
            f"[bench-carrier]\ntype = aor\n\n[bench-carrier-ident]\ntype = identify\n"
            f"endpoint = bench-carrier\nmatch = {CALLER_IP}\n")


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=3) as response:
            return bool(json.loads(response.read()).get("ari_connected"))
    except (OSError, ValueError):
        return False


def bring_up_product_asterisk(result: RunResult, env: dict[str, str], out: Path, root: Path,
                              load: Load) -> int:
    """lab up, apply, the carrier endpoint, the dialplan loaded; returns Asterisk's pid."""
    inst = instance_dirs(root, "bench-product")
    ctl(env, out, "lab", "down", timeout=60)
    for generated in (inst / "etc/yeastar_ctl").glob("*.conf"):
        generated.write_text("; emptied by ring_latency.py\n")  # a fresh instance, like a first install
    (inst / "lib/astdb.sqlite3").unlink(missing_ok=True)  # no contacts registered by an earlier run
    (inst / "log/messages.log").unlink(missing_ok=True)
    up = ctl(env, out, "lab", "up")
    if up.returncode != 0:
        raise RuntimeError(f"lab up failed: {up.stdout}{up.stderr}")
    t0 = time.monotonic()
    applied = ctl(env, out, "apply", "--force-reload", timeout=600)
    (out / "apply.txt").write_text(applied.stdout + applied.stderr)
    result.notes.append(f"apply exit {applied.returncode} in {time.monotonic() - t0:.1f} s")
    generated = inst / "etc/yeastar_ctl"
    found = re.search(r"^\[([^\]]+)\]", (generated / "extensions.conf").read_text(), re.M)
    if found is None:
        raise RuntimeError("no context in the generated extensions.conf")
    with open(generated / "pjsip.conf", "a") as pjsip:
        pjsip.write(carrier_endpoint(found[1]))
    ctl(env, out, "lab", "cli", "module reload res_pjsip.so")
    if "bench-carrier" not in ctl(env, out, "lab", "cli", "pjsip show identifies").stdout:
        raise RuntimeError("the carrier endpoint did not load")
    last = load.queue_numbers[-1]
    if not wait_for(lambda: "Stasis" in ctl(env, out, "lab", "cli", f"dialplan show {last}@{found[1]}").stdout,
                    300, 1.0):
        raise RuntimeError(f"queue {last} is not in the dialplan 300 s after apply")
    result.notes.append(f"dialplan complete {time.monotonic() - t0:.1f} s after apply started")
    return int((inst / "run/asterisk.pid").read_text().strip())


def register_agents(env: dict[str, str], out: Path, load: Load, secrets: dict[str, str]) -> int:
    ports = PRODUCT_PORTS
    agents = write_injection(out / "agents.csv", [
        f"{n};[authentication username={n} password={secrets[n]}]" for n in load.agent_numbers])
    run(["sipp", f"127.0.0.1:{ports.sip}", "-sf", str(SCENARIOS / "register.xml"), "-inf", str(agents),
         "-i", "127.0.0.1", "-p", str(ports.agent), "-m", str(load.agents), "-r", "100", "-l", "50",
         "-nostdin", "-timeout", "60s", "-trace_err", "-error_file", str(out / "register.err")],
        cwd=out, timeout=90)
    contacts = ctl(env, out, "lab", "cli", "pjsip show contacts").stdout
    return contacts.count(f"@127.0.0.1:{ports.agent}")


def error_shape(message: str) -> str:
    """A log message with its ids and numbers blanked, so repeats of one error count together."""
    message = re.sub(r"\b(?=[0-9a-f-]*\d)[0-9a-f-]{6,}\b", "<id>", message)
    return re.sub(r"\d+", "#", message)[:140]


def log_problems(result: RunResult, log: Path) -> None:
    text = log.read_text(errors="replace") if log.exists() else ""
    lines = text.splitlines()
    errors = [line for line in lines if " ERROR " in line]
    result.log_errors = len(errors)
    result.log_tracebacks = sum("Traceback" in line for line in lines)
    # The message without time stamp and ids, counted.
    shapes = Counter(error_shape(line.split(" ERROR ", 1)[1]) for line in errors)
    result.top_errors = [f"{n} x {shape}" for shape, n in shapes.most_common(5)]


def run_product(result: RunResult, load: Load, root: Path, out: Path, procs: Processes,
                database_url: str, history: tuple[int, int], source: Path) -> None:
    ports = PRODUCT_PORTS
    env = product_env(out, root, database_url, source)
    (out / "var").mkdir(parents=True, exist_ok=True)
    upgraded = ctl(env, out, "db", "upgrade", timeout=300)
    if upgraded.returncode != 0:
        raise RuntimeError(f"db upgrade failed: {upgraded.stdout}{upgraded.stderr}")
    secrets = asyncio.run(configure_product(env, load))
    say(f"product configured: {load.agents} extensions, {load.queues} queues x {load.agents} static members")
    if history[0] or history[1]:
        note = asyncio.run(fill_history(env, load, *history))
        result.notes.append(note)
        say(note)
    control_plane: subprocess.Popen[bytes] | None = None
    agent: subprocess.Popen[bytes] | None = None
    try:
        asterisk_pid = bring_up_product_asterisk(result, env, out, root, load)
        t0 = time.monotonic()
        control_plane = procs.start("yeastar-ctl run", ctl_cmd("run"), out / "run.log", env=env, cwd=out)
        if not wait_for(lambda: healthy(ports.web), 180, 0.2):
            raise RuntimeError(f"the control plane is not healthy after 180 s; see {out / 'run.log'}")
        result.notes.append(f"control plane healthy {time.monotonic() - t0:.1f} s after start")
        registered = register_agents(env, out, load, secrets)
        if registered != load.agents:
            raise RuntimeError(f"only {registered} of {load.agents} agents registered; see {out / 'register.err'}")
        agent = procs.start("sipp agents", sipp_agent_cmd(ports, out), out / "agent.out", stop_signal=signal.SIGINT)
        time.sleep(0.5)
        since = datetime.now(UTC) - timedelta(seconds=1)
        measure_calls(result, load, ports, out, control_plane.pid, asterisk_pid)
        # Event rows are written off the ringing path, so they may trail the calls.
        result.open_rows, result.rows, waited = asyncio.run(settled_rows(env, since))
        result.notes.append(f"rows settled {waited:.0f} s after the last call: "
                            f"{result.rows_written} written, {result.open_rows} open")
    finally:
        if agent is not None:
            procs.stop(agent)
        if control_plane is not None:
            procs.stop(control_plane, timeout=30)
        ctl(env, out, "lab", "down", timeout=60)
    if result.wall_s:  # the calls ran: the rows once the control plane has stopped (and flushed)
        result.open_rows, result.rows = asyncio.run(product_rows(env, since))
        result.notes.append(f"rows after the control plane stopped: {result.rows_written} written, "
                            f"{result.open_rows} open")
    result.answered = result.rows.get("queue_calls answered", 0)
    result.latency = ring_latency(out)
    result.rung = result.latency.n
    log_problems(result, out / "run.log")


# --- a throwaway PostgreSQL server -----------------------------------------------------------------


@contextmanager
def postgres_server() -> Iterator[str]:
    """Debian's PostgreSQL on a free port with its data in a temporary directory (as
    tests/support/postgres.py does); yields the URL of a fresh database, removed afterwards."""
    base = Path(tempfile.mkdtemp(prefix="yeastar-bench-pg-"))
    data = base / "data"
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if os.geteuid() == 0:
        shutil.chown(base, user="postgres", group="postgres")
    steps = [
        [str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
         "--locale=C", "--no-sync", "--no-instructions"],
        [str(PG_BIN / "pg_ctl"), "start", "-w", "-t", "60", "-D", str(data), "-l", str(base / "server.log"),
         "-o", f"-h 127.0.0.1 -p {port} -k {base} -c max_connections=200"],
    ]
    try:
        for step in steps:
            run(as_user + step, timeout=120, check=True)
        run(as_user + [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "bench"],
            check=True)
        say(f"PostgreSQL started on 127.0.0.1:{port} ({base})")
        yield f"postgresql+asyncpg://postgres@127.0.0.1:{port}/bench"
    finally:
        run(as_user + [str(PG_BIN / "pg_ctl"), "stop", "-m", "immediate", "-D", str(data)], timeout=60)
        shutil.rmtree(base, ignore_errors=True)


# --- report ------------------------------------------------------------------------------------------


def ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value / 1000:.1f} s" if value >= 10_000 else f"{value:.1f}"


def with_unit(value: float | None) -> str:
    text = ms(value)
    return text if text.endswith((" s", "-")) else f"{text} ms"


def ratio(a: float | None, b: float | None) -> str:
    if a is None or not b:
        return "-"
    return f"{a / b:.2f}x" if a / b < 10 else f"{a / b:.0f}x"


def table(results: Sequence[RunResult]) -> str:
    head = ("system", "db", "p50 ms", "p90 ms", "p99 ms", "max ms", "placed", "connected", "failed", "rung", "answered",
            "wall s", "ctl-plane CPU", "Asterisk CPU", "load before -> after", "rows open/written", "log ERROR/Tb")
    rows = [head]
    for r in results:
        cp = f"{r.control_plane_cpu_s:.1f} s ({r.cpu_share(r.control_plane_cpu_s):.0f}%)"
        ast = f"{r.asterisk_cpu_s:.1f} s ({r.cpu_share(r.asterisk_cpu_s):.0f}%)"
        errors = "-" if r.log_errors is None else f"{r.log_errors}/{r.log_tracebacks}"
        rows.append((r.system, r.db if r.system == "product" else "-", ms(r.latency.p50), ms(r.latency.p90),
                     ms(r.latency.p99), ms(r.latency.max), str(r.placed), str(r.connected), str(r.failed),
                     str(r.rung), "-" if r.answered is None else str(r.answered), f"{r.wall_s:.1f}", cp if r.system == "product" else "= Asterisk", ast,
                     f"{r.load_before} -> {r.load_after}", "-" if r.open_rows is None else f"{r.open_rows}/{r.rows_written}",
                     errors))
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = ["| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def median_of(results: Sequence[RunResult], attribute: str) -> float | None:
    values = [getattr(r.latency, attribute) for r in results if getattr(r.latency, attribute) is not None]
    return statistics.median(values) if values else None


def summary(results: Sequence[RunResult]) -> str:
    baseline = [r for r in results if r.system == "app_queue"]
    product = [r for r in results if r.system == "product"]
    load = results[0].load
    lines = [f"load: {load.agents} agents, {load.queues} queues, {load.rate:g} calls/s, {load.calls} calls, "
             f"hold {load.hold_ms} ms ({load.erlangs:g} Erlang); commit {results[0].commit}", "",
             table(results), ""]
    if baseline and product:
        p50 = ratio(median_of(product, "p50"), median_of(baseline, "p50"))
        p99 = ratio(median_of(product, "p99"), median_of(baseline, "p99"))
        lines.append(f"product / app_queue (medians of {len(product)} and {len(baseline)} runs): p50 {p50}, p99 {p99}")
    for r in results:
        for note in r.notes:
            lines.append(f"  {r.system}: {note}")
        if r.rows:
            lines.append(f"  {r.system} rows: " + ", ".join(f"{k}={v}" for k, v in sorted(r.rows.items())))
        for error in r.top_errors:
            lines.append(f"  {r.system} log: {error}")
        lines.append(f"  {r.system} traces: {r.out_dir}")
    return "\n".join(lines)


# --- main ------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--queues", type=int, default=1)
    parser.add_argument("--rate", type=float, default=20, help="calls per second")
    parser.add_argument("--calls", type=int, default=400)
    parser.add_argument("--hold-ms", type=int, default=1000,
                        help="how long each answered call is held (keep rate x hold well under the agents)")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--history-events", type=int, default=0, help="agent_events rows of history (a year)")
    parser.add_argument("--history-calls", type=int, default=0, help="queue_calls rows of history (a year)")
    parser.add_argument("--repeat", type=int, default=1, help="run each system N times, alternating")
    parser.add_argument("--only", choices=("appqueue", "product"))
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="the copy of the lab root to use")
    parser.add_argument("--out", type=Path, help="traces and logs (default build/bench/ring_latency/<time>)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    parser.add_argument("--source", default="head",
                        help="the product code: head (a clean export of HEAD, default), worktree, or a path")
    args = parser.parse_args(argv)
    if args.agents < 1 or args.queues < 1 or args.calls < 1 or args.rate <= 0 or args.repeat < 1:
        parser.error("--agents, --queues, --calls, --rate and --repeat must be positive")
    if args.queues > 100:
        parser.error("queue numbers are 6400-6499: at most 100 queues")
    return args


def check_prerequisites(systems: Sequence[str]) -> None:
    if os.geteuid() != 0:
        raise SystemExit("needs root: chroot and mount")
    if shutil.which("sipp") is None:
        raise SystemExit("sipp is not installed (apt-get install sip-tester; scripts/setup does it)")
    if not VENV_PYTHON.exists():
        raise SystemExit(f"{VENV_PYTHON} is missing: run scripts/setup")
    ports = [APPQUEUE_PORTS] * ("app_queue" in systems) + [PRODUCT_PORTS] * ("product" in systems)
    taken = [p for ps in ports for p in (ps.sip, ps.agent) if not udp_port_free(p)]
    taken += [ps.caller for ps in ports if not udp_port_free(ps.caller, CALLER_IP)]
    taken += [p for ps in ports for p in (ps.ari, ps.ami, ps.web) if p and not tcp_port_free(p)]
    if taken:
        raise SystemExit(f"UDP ports in use: {taken}; stop whatever holds them (an earlier run?)")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with one_run_at_a_time():
        return run_benchmark(args)


def run_benchmark(args: argparse.Namespace) -> int:
    load = Load(args.agents, args.queues, args.rate, args.calls, args.hold_ms)
    systems = [s for s in ("app_queue", "product") if args.only in (None, s.replace("_", ""))]
    check_prerequisites(systems)
    if load.erlangs > load.agents / 2:
        say(f"warning: {load.erlangs:g} Erlang on {load.agents} agents: callers will wait for free agents")
    out = (args.out or PROJECT / "build/bench/ring_latency" / datetime.now().strftime("%Y%m%d-%H%M%S")).resolve()
    out.mkdir(parents=True, exist_ok=True)
    source, commit = product_source(args.source)
    # The services this script calls in-process (configuration, history, rows) come from there too.
    sys.path.insert(0, str(source))
    history = (args.history_events, args.history_calls)
    results: list[RunResult] = []
    procs = Processes()
    say(f"ring latency: {load} commit {commit} (code {source}) db {args.db} out {out}")
    try:
        with ExitStack() as stack:
            root = stack.enter_context(root_copy(args.root.resolve()))
            database = stack.enter_context(postgres_server()) if args.db == "postgresql" and "product" in systems else ""
            for index in range(args.repeat):
                for system in systems:
                    run_dir = out / f"{system}-{index + 1}"
                    run_dir.mkdir(parents=True, exist_ok=True)
                    result = RunResult(system, commit, args.db, load, history, out_dir=str(run_dir))
                    results.append(result)
                    say(f"{system} run {index + 1}/{args.repeat} (load average {loadavg()})")
                    try:
                        if system == "app_queue":
                            run_appqueue(result, load, root, run_dir, procs)
                        else:
                            db_url = database_for_run(database, index)
                            run_product(result, load, root, run_dir, procs, db_url, history, source)
                    except (RuntimeError, subprocess.SubprocessError, OSError) as exc:
                        result.notes.append(f"run failed: {exc}")
                        say(f"{system} run failed: {exc}")
                    say(f"{system}: p50 {with_unit(result.latency.p50)}, p99 {with_unit(result.latency.p99)}, "
                        f"{result.connected}/{result.placed} connected, {result.failed} failed")
    finally:
        procs.stop_all()
    text = summary(results) if results else "no results"
    print("\n" + text)
    (out / "summary.txt").write_text(text + "\n")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2, default=str) + "\n")
    return 0


def database_for_run(server_url: str, index: int) -> str:
    """SQLite: empty, so the product uses var/yeastar_ctl.db of the run's own directory.
    PostgreSQL: a database per repeat on the throwaway server."""
    if not server_url or index == 0:
        return server_url
    url = f"{server_url}{index + 1}"
    name = url.rsplit("/", 1)[1]
    port = re.search(r":(\d+)/", server_url)
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    run(as_user + [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", port[1] if port else "5432",
                   "-U", "postgres", name], check=True)
    return url


if __name__ == "__main__":
    sys.exit(main())
