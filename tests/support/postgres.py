"""A throwaway PostgreSQL server for tests, and the database fixtures for both backends.

``start_postgres()`` runs Debian's PostgreSQL 15 binaries (``initdb``/``pg_ctl``) on 127.0.0.1
with a free port, trust authentication, ``fsync`` off and its data in a temporary directory;
``stop()`` removes it. initdb refuses to run as root, so as root the server runs as the
``postgres`` OS user (``runuser``). With ``YEASTAR_CTL_TEST_PG_URL`` set
(``postgresql+asyncpg://user@host:port/db``), that server is used instead and nothing is started.

Fixtures (import them into a conftest): ``backend`` is parametrized over sqlite and postgresql;
``db_url`` is a fresh, empty database; ``migrated_db_url`` a fresh database at the head
revision, copied from a template migrated once per session; ``engine`` and ``session`` sit
on top of ``migrated_db_url``. Every test gets its own database, so tests are independent.
``unchanged`` checks that a failing service call leaves the database as it was.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, TypeVar

import asyncpg
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from yeastar_ctl.db import models  # noqa: F401  (every table on the metadata)
from yeastar_ctl.db.base import Base
from yeastar_ctl.db.engine import make_engine, session_factory
from yeastar_ctl.db.migrate import upgrade
from yeastar_ctl.services.errors import ServiceError

PG_BIN_DIR: Final = Path(os.environ.get("YEASTAR_CTL_PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_URL_ENV: Final = "YEASTAR_CTL_TEST_PG_URL"
PG_OS_USER: Final = "postgres"
T = TypeVar("T")


def _run_async(make: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine to completion from sync code, even when a loop is already running."""

    async def main() -> T:
        return await make()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, main()).result()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", PG_OS_USER, "--", *command] if os.geteuid() == 0 else command


@dataclass
class PostgresServer:
    admin_url: str  # postgresql+asyncpg URL of a maintenance database on the server
    data_dir: Path | None = None  # set when this process started the server
    owned_databases: set[str] = field(default_factory=set)

    def url_for(self, database: str) -> str:
        return make_url(self.admin_url).set(database=database).render_as_string(False)

    def _dsn(self) -> str:
        return make_url(self.admin_url).set(drivername="postgresql").render_as_string(False)

    def _execute(self, *statements: str) -> None:
        async def run() -> None:
            connection = await asyncpg.connect(self._dsn())
            try:
                for statement in statements:
                    await connection.execute(statement)
            finally:
                await connection.close()

        _run_async(run)

    def create_database(self, name: str, template: str = "template0") -> str:
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        self.owned_databases.add(name)
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.owned_databases.discard(name)

    def stop(self) -> None:
        if self.data_dir is None:
            for name in sorted(self.owned_databases):
                self.drop_database(name)
            return
        data = str(self.data_dir / "data")
        stop = [str(PG_BIN_DIR / "pg_ctl"), "stop", "-m", "immediate", "-D", data]
        subprocess.run(_as_server_user(stop), check=False, capture_output=True)
        shutil.rmtree(self.data_dir, ignore_errors=True)
        self.data_dir = None


def start_postgres() -> PostgresServer:
    """Start a private server; raises RuntimeError with the server's log if it fails."""
    base = Path(tempfile.mkdtemp(prefix="yeastar-ctl-pg-"))
    data = base / "data"
    port = _free_port()
    if os.geteuid() == 0:
        shutil.chown(base, user=PG_OS_USER, group=PG_OS_USER)
    steps = [
        [str(PG_BIN_DIR / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
         "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"],
        [str(PG_BIN_DIR / "pg_ctl"), "start", "-w", "-t", "60", "-D", str(data),
         "-l", str(base / "server.log"),
         "-o", f"-h 127.0.0.1 -p {port} -k {base} -F -c full_page_writes=off"],
    ]  # fmt: skip
    for step in steps:
        result = subprocess.run(_as_server_user(step), capture_output=True, text=True)
        if result.returncode != 0:
            log = (base / "server.log").read_text() if (base / "server.log").exists() else ""
            shutil.rmtree(base, ignore_errors=True)
            raise RuntimeError(f"{step[0]} failed: {result.stdout}{result.stderr}{log}")
    return PostgresServer(f"postgresql+asyncpg://postgres@127.0.0.1:{port}/postgres", base)


@dataclass
class _SessionState:
    """Per-pytest-session resources, shared by every conftest that imports these fixtures."""

    server: PostgresServer | None = None
    templates: dict[str, str] = field(default_factory=dict)  # backend -> template db/file


_state: _SessionState | None = None


def _session_state(config: pytest.Config) -> _SessionState:
    global _state
    if _state is None:
        _state = _SessionState()
        config.add_cleanup(_teardown_session_state)
    return _state


def _teardown_session_state() -> None:
    global _state
    if _state is not None and _state.server is not None:
        _state.server.stop()
    _state = None


def _postgres(config: pytest.Config) -> PostgresServer:
    state = _session_state(config)
    if state.server is None:
        external = os.environ.get(PG_URL_ENV)
        if external:
            state.server = PostgresServer(external)
        elif not (PG_BIN_DIR / "initdb").exists():
            # scripts/setup installs the server: its absence is a broken set-up, not a reason to skip.
            pytest.fail(f"no PostgreSQL at {PG_BIN_DIR} and {PG_URL_ENV} is not set (run scripts/setup)")
        else:
            state.server = start_postgres()
    return state.server


def _unique_name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


def _sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture(scope="session")
def postgres_server(request: pytest.FixtureRequest) -> PostgresServer:
    return _postgres(request.config)


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
def db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database of the current backend."""
    if backend == "sqlite":
        yield _sqlite_url(tmp_path / "test.db")
        return
    server = _postgres(request.config)
    name = _unique_name("test")
    yield server.create_database(name)
    server.drop_database(name)


def _migrated_template(backend: str, config: pytest.Config, tmp_root: Path) -> str:
    state = _session_state(config)
    if backend not in state.templates:
        if backend == "sqlite":
            path = tmp_root / "template.db"
            upgrade(_sqlite_url(path))
            state.templates[backend] = str(path)
        else:
            server = _postgres(config)
            name = _unique_name("template")
            upgrade(server.create_database(name))
            state.templates[backend] = name
    return state.templates[backend]


@pytest.fixture
def migrated_db_url(
    backend: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    """A fresh database at the head revision (with the migration's seeded defaults)."""
    template = _migrated_template(backend, request.config, tmp_path_factory.getbasetemp())
    if backend == "sqlite":
        path = tmp_path / "test.db"
        shutil.copyfile(template, path)
        yield _sqlite_url(path)
        return
    server = _postgres(request.config)
    name = _unique_name("test")
    yield server.create_database(name, template=template)
    server.drop_database(name)


@pytest.fixture
async def engine(migrated_db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(migrated_db_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    async with session_factory(engine)() as session:
        yield session


Rows = dict[str, list[tuple[object, ...]]]
Unchanged = Callable[..., AbstractAsyncContextManager[pytest.ExceptionInfo[ServiceError]]]


@pytest.fixture
def table_rows(engine: AsyncEngine) -> Callable[[], Awaitable[Rows]]:
    """Every committed row of every table, read on a connection of its own."""

    async def dump() -> Rows:
        async with engine.connect() as connection:
            return {
                table.name: [
                    tuple(row)
                    for row in await connection.execute(
                        select(table).order_by(*table.primary_key.columns)
                    )
                ]
                for table in Base.metadata.sorted_tables
            }

    return dump


@pytest.fixture
def unchanged(session: AsyncSession, table_rows: Callable[[], Awaitable[Rows]]) -> Unchanged:
    """``async with unchanged(ValidationError):`` the call raises and the database is as before.

    The session is committed after the failed call: anything the service left pending would
    be written then, so an unchanged database shows it left nothing behind.
    """

    @asynccontextmanager
    async def check(
        error: type[ServiceError] = ServiceError, match: str | None = None
    ) -> AsyncIterator[pytest.ExceptionInfo[ServiceError]]:
        await session.commit()
        before = await table_rows()
        with pytest.raises(error, match=match) as caught:
            yield caught
        await session.commit()
        assert await table_rows() == before

    return check
