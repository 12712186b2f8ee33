#!/usr/bin/env python3
"""Benchmark (not a test): `apply` at 200 agents x 40 queues x 3 pause reasons (issue 11, item 5).

Builds the configuration through the services in a throwaway SQLite database, starts a lab
Asterisk instance of its own (instance "bench-apply" on ports of its own, so it never touches
the demo's or the integration tests' instance), then times:

- `yeastar-ctl apply` end to end, the first time (every file new, every module reloaded), again
  with nothing changed, and with --force-reload;
- the parts in-process: load the snapshot, render, write, and each module's reload (AMI Reload).

It prints the times, the generated files' sizes, the hints in extensions.conf and the hints
Asterisk holds, and stops its instance at the end whatever happened.

    .venv/bin/python scripts/bench/apply_scale.py [--agents 200] [--queues 40] [--reasons 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from yeastar_ctl.ami.client import AmiClient, AmiError
from yeastar_ctl.config import Settings, load_settings
from yeastar_ctl.db.engine import make_engine, session_factory
from yeastar_ctl.db.migrate import upgrade_async
from yeastar_ctl.dialplan.apply import RELOAD_MODULES
from yeastar_ctl.dialplan.generator import render_generated, write_generated
from yeastar_ctl.lab.paths import LabPaths, generated_config_dir
from yeastar_ctl.paths import PROJECT_DIR
from yeastar_ctl.services.config_snapshot import ConfigSnapshot, load_config_snapshot
from yeastar_ctl.services.extensions import create_extension
from yeastar_ctl.services.pause_reasons import replace_pause_reasons
from yeastar_ctl.services.queues import create_queue, set_members

CTL = str(PROJECT_DIR / ".venv/bin/yeastar-ctl")
# Ports of its own: the demo uses 5060/8088/5038 and the integration tests 15060/18088/15038.
BENCH_ENV = {
    "YEASTAR_CTL_LAB_INSTANCE": "bench-apply",
    "YEASTAR_CTL_ASTERISK_SIP_PORT": "25060",
    "YEASTAR_CTL_ASTERISK_ARI_PORT": "28088",
    "YEASTAR_CTL_ASTERISK_AMI_PORT": "25038",
    "YEASTAR_CTL_ASTERISK_RTP_START": "31000",
    "YEASTAR_CTL_ASTERISK_RTP_END": "31099",
    "YEASTAR_CTL_WEB_PORT": "28080",
}
# Measuring, not applying: wait as long as a reload takes so the "before" numbers are whole.
MEASURE_TIMEOUT_S = 600.0
CTL_TIMEOUT_S = 900.0


@contextmanager
def timed(label: str, times: dict[str, float]) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        times[label] = time.perf_counter() - start


async def build_database(url: str, agents: int, queues: int, reasons: int) -> None:
    """Every agent a static member of every queue, as in the issue's load run."""
    await upgrade_async(url)
    engine = make_engine(url)
    try:
        async with session_factory(engine).begin() as session:
            numbers = [str(1000 + i) for i in range(agents)]
            for number in numbers:
                await create_extension(session, number, f"Agent {number}", sip_secret=f"bench-{number}")
            await replace_pause_reasons(session, [(f"*{i + 1:02d}", f"Reason {i + 1}") for i in range(reasons)])
            for q in range(queues):
                queue = str(6400 + q)
                await create_queue(session, queue, f"Queue {queue}")
                await set_members(session, queue, static=[(n, 1) for n in numbers])
    finally:
        await engine.dispose()


async def load_snapshot(url: str) -> ConfigSnapshot:
    engine = make_engine(url)
    try:
        async with session_factory(engine)() as session:
            return await load_config_snapshot(session)
    finally:
        await engine.dispose()


def ctl(env: dict[str, str], *args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    result = subprocess.run(
        [CTL, *args], env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=CTL_TIMEOUT_S,
    )
    return time.perf_counter() - start, result


def timed_apply(env: dict[str, str], label: str, *extra: str) -> None:
    seconds, result = ctl(env, "apply", *extra)
    outcome = "ok" if result.returncode == 0 else f"EXIT {result.returncode}"
    print(f"  {label:<42} {seconds:8.2f} s  {outcome}")
    for line in (result.stdout + result.stderr).strip().splitlines():
        print(f"      | {line}")


async def reload_times(settings: Settings, names: list[str]) -> dict[str, float]:
    """Each module's reload on its own, timed from the AMI action to its answer."""
    a = settings.asterisk
    times: dict[str, float] = {}
    async with AmiClient(a.host, a.ami_port, a.ami_user, a.ami_secret, timeout=MEASURE_TIMEOUT_S) as ami:
        for name in names:
            try:
                with timed(name, times):
                    await ami.reload(RELOAD_MODULES[name])
            except AmiError as exc:
                print(f"  reload {name} failed: {exc}")
    return times


async def asterisk_hint_count(settings: Settings) -> int | None:
    a = settings.asterisk
    async with AmiClient(a.host, a.ami_port, a.ami_user, a.ami_secret, timeout=MEASURE_TIMEOUT_S) as ami:
        for line in await ami.command("core show hints"):
            found = re.search(r"(\d+) hints? registered", line)
            if found:
                return int(found.group(1))
    return None


async def run_phases(settings: Settings, env: dict[str, str], out_dir: Path) -> None:
    url = settings.db_url
    times: dict[str, float] = {}
    with timed("load the config snapshot", times):
        snapshot = await load_snapshot(url)
    with timed("render", times):
        files = render_generated(snapshot, settings.asterisk.app_name)
    with timed("write (all files new)", times):
        write_generated(files, out_dir)
    for label, seconds in times.items():
        print(f"  {label:<42} {seconds:8.3f} s")

    print("apply, end to end (`yeastar-ctl apply`, a new process each time):")
    timed_apply(env, "first apply (every file new)")
    timed_apply(env, "apply again, nothing changed")
    timed_apply(env, "apply --force-reload", "--force-reload")

    print("each module's reload alone (AMI Reload):")
    for name, seconds in (await reload_times(settings, sorted(RELOAD_MODULES))).items():
        print(f"  {name + ' (' + RELOAD_MODULES[name] + ')':<42} {seconds:8.3f} s")

    generated = generated_config_dir(settings)
    print("generated files:")
    for path in sorted(generated.glob("*.conf")):
        text = path.read_text()
        hints = sum(1 for line in text.splitlines() if re.match(r"exten\s*=>\s*[^,]+,hint,", line))
        print(f"  {path.name:<22} {len(text.encode()):>10,} bytes  {hints:>6,} hints")
    print(f"hints Asterisk holds after the reloads: {await asterisk_hint_count(settings)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--queues", type=int, default=40)
    parser.add_argument("--reasons", type=int, default=3)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="apply-scale-") as var_dir:
        env = {**os.environ, **BENCH_ENV, "YEASTAR_CTL_VAR_DIR": var_dir}
        env.pop("YEASTAR_CTL_CONFIG", None)
        settings = load_settings(env=env)
        print(f"{args.agents} agents x {args.queues} queues x {args.reasons} pause reasons, "
              f"lab instance {settings.lab.instance} (AMI {settings.asterisk.ami_port})")
        start = time.perf_counter()
        asyncio.run(build_database(settings.db_url, args.agents, args.queues, args.reasons))
        print(f"  {'build the database (services)':<42} {time.perf_counter() - start:8.2f} s")
        try:
            # The instance is the bench's own: start it from placeholders, not from the files a
            # previous run generated (Asterisk would load them at boot).
            shutil.rmtree(LabPaths.from_settings(settings).generated_dir, ignore_errors=True)
            seconds, up = ctl(env, "lab", "up")
            if up.returncode != 0:
                print(up.stdout + up.stderr, file=sys.stderr)
                return 1
            print(f"  {'lab up':<42} {seconds:8.2f} s")
            asyncio.run(run_phases(settings, env, Path(var_dir) / "render-out"))
        finally:
            seconds, down = ctl(env, "lab", "down")
            print(f"  {'lab down':<42} {seconds:8.2f} s  {down.stdout.strip()}")
            log = LabPaths.from_settings(settings).log_dir
            print(f"(Asterisk's logs stay in {log})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
