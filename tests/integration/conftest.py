"""The integration lab: `scripts/run` (the README's run command) brings up a real Asterisk 22
instance and the control plane on test ports with the demo data; tests place SIP calls with
SIPp and read what happened from Asterisk (ARI) and from the event rows."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import time
import urllib.request
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from sipp import Sipp, SippRun, free_udp_port
from yeastar_ctl.ari import AriClient
from yeastar_ctl.config import Settings, load_settings
from yeastar_ctl.db.engine import make_engine, session_factory
from yeastar_ctl.paths import PROJECT_DIR

T = TypeVar("T")
START_TIMEOUT_S = 240.0

TEST_ENV = {
    "YEASTAR_CTL_LAB_INSTANCE": "itest",
    "YEASTAR_CTL_ASTERISK_SIP_PORT": "15060",
    "YEASTAR_CTL_ASTERISK_ARI_PORT": "18088",
    "YEASTAR_CTL_ASTERISK_AMI_PORT": "15038",
    "YEASTAR_CTL_ASTERISK_RTP_START": "21000",
    "YEASTAR_CTL_ASTERISK_RTP_END": "21499",
    "YEASTAR_CTL_WEB_PORT": "18080",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/integration" in str(item.path):
            item.add_marker(pytest.mark.integration)


@dataclass(frozen=True)
class Lab:
    settings: Settings
    env: dict[str, str]
    var_dir: Path
    # The control plane's process (scripts/run execs `yeastar-ctl run`); the last one is current.
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def log_path(self) -> Path:
        return self.var_dir / "run.log"

    def kill_control_plane(self) -> None:
        """kill -9: no chance to clean up, as after a crash or an OOM kill."""
        process = self.processes[-1]
        process.kill()
        process.wait(10)

    def start_control_plane(self) -> None:
        """`yeastar-ctl run` again on the same database and Asterisk; returns once it is healthy."""
        with open(self.log_path, "ab") as log:
            self.processes.append(subprocess.Popen(
                [str(PROJECT_DIR / ".venv/bin/yeastar-ctl"), "run"], env=self.env, stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            ))
        _wait_healthy(self.settings.web.port, self.processes[-1], self.log_path)

    def ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(PROJECT_DIR / ".venv/bin/yeastar-ctl"), *args],
            env=self.env, capture_output=True, text=True, check=check, stdin=subprocess.DEVNULL,
            timeout=120,
        )


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
            return bool(json.load(response).get("ari_connected"))
    except OSError:
        return False


def _wait_healthy(port: int, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while not _healthy(port):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"the control plane did not come up:\n{log_path.read_text()[-5000:]}")
        time.sleep(0.2)


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    var_dir = tmp_path_factory.mktemp("var")
    env = {**os.environ, **TEST_ENV, "YEASTAR_CTL_VAR_DIR": str(var_dir)}
    env.pop("YEASTAR_CTL_CONFIG", None)
    log_path = var_dir / "run.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(PROJECT_DIR / "scripts/run")], env=env, stdin=subprocess.DEVNULL,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    settings = load_settings(env=env)
    lab = Lab(settings, env, var_dir, [process])
    _wait_healthy(settings.web.port, process, log_path)
    try:
        yield lab
    finally:
        process = lab.processes[-1]
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        lab.ctl("lab", "down", check=False)


@pytest.fixture
async def sessions(lab: Lab) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(lab.settings.db_url)
    yield session_factory(engine)
    await engine.dispose()


@pytest.fixture
async def ari(lab: Lab) -> AsyncIterator[AriClient]:
    """ARI as the tests read it: Asterisk's own view of channels, bridges and lamps."""
    a = lab.settings.asterisk
    async with AriClient(a.ari_url, a.ari_user, a.ari_password, a.app_name) as client:
        yield client


@pytest.fixture
async def no_wrapup(lab: Lab, sessions: async_sessionmaker[AsyncSession]) -> None:
    """Queue 6400 without wrap-up, for tests whose calls follow each other within seconds (agent
    1001 may have just taken another test's call). The control plane takes the change when
    `apply` tells it; Asterisk reloads nothing."""
    from dataclasses import replace

    from yeastar_ctl.services.queues import get_queue, update_queue

    async with sessions.begin() as session:
        queue = await get_queue(session, "6400")
        changed = bool(queue.settings.wrapup_seconds)
        if changed:
            await update_queue(session, "6400", settings=replace(queue.settings, wrapup_seconds=0))
    if changed:
        lab.ctl("apply")


@pytest.fixture
def sipp(lab: Lab, tmp_path: Path) -> Sipp:
    return Sipp(lab.settings.asterisk.host, lab.settings.asterisk.sip_port, tmp_path)


async def eventually(check: Callable[[], Awaitable[T | None]], timeout: float = 15.0, what: str = "condition") -> T:
    """Wait, with a deadline, until `check` returns something truthy (state we poll for)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = await check()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.1)


@dataclass
class Phone:
    """A registered SIPp phone for one extension, on its own UDP port."""

    sipp: Sipp
    extension: str
    secret: str
    port: int

    async def register(self, expires: int = 300) -> None:
        run = await self.sipp.start(
            "register", service=self.extension, local_port=self.port,
            auth=(self.extension, self.secret), values={"contact_port": self.port, "expires": expires},
        )
        await run.expect_success(10)

    async def unregister(self) -> None:
        await self.register(expires=0)

    async def answer_next_call(self, *, ring_ms: int, talk_ms: int) -> SippRun:
        """Ring `ring_ms`, answer, and hang up after `talk_ms` unless the other side does first."""
        return await self.sipp.start(
            "agent_answer", service=self.extension, local_port=self.port, server=True,
            values={"ring_ms": ring_ms, "talk_ms": talk_ms},
        )

    async def ring_without_answering(self) -> SippRun:
        return await self.sipp.start("agent_no_answer", service=self.extension, local_port=self.port, server=True)


@pytest.fixture
async def phones(sipp: Sipp, sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[Callable[[str], Awaitable[Phone]]]:
    from yeastar_ctl.services.extensions import get_extension

    registered: list[Phone] = []

    async def make(extension: str) -> Phone:
        async with sessions() as session:
            ext = await get_extension(session, extension)
        phone = Phone(sipp, extension, ext.sip_secret, free_udp_port())
        await phone.register()
        registered.append(phone)
        return phone

    yield make
    for phone in registered:
        await phone.unregister()
