from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect, select, text

from yeastar_ctl.db import models
from yeastar_ctl.db.base import Base
from yeastar_ctl.db.engine import make_engine
from yeastar_ctl.db.enums import DynamicAgentStatus, FeatureCodeKey
from yeastar_ctl.db.migrate import downgrade, upgrade, upgrade_async


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, Base.metadata)


async def test_upgrade_creates_schema_matching_models(db_url: str) -> None:
    await upgrade_async(db_url)
    engine = make_engine(db_url)
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
            tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
            version = await connection.scalar(text("SELECT version_num FROM alembic_version"))
    finally:
        await engine.dispose()
    assert tables == set(Base.metadata.tables) | {"alembic_version"}
    assert version == "0011_agent_queue_states"


async def test_upgrade_seeds_defaults(session: Any) -> None:
    reasons = (await session.execute(select(models.PauseReason.code, models.PauseReason.name)
                                     .order_by(models.PauseReason.position))).all()
    assert [tuple(r) for r in reasons] == [("*01", "Lunch"), ("*02", "Break"), ("*03", "Wrap up")]
    codes = {row.key: (row.code, row.enabled) for row in await session.scalars(select(models.FeatureCode))}
    assert codes == {
        FeatureCodeKey.LOGIN_TOGGLE: ("*7", True),
        FeatureCodeKey.PAUSE_TOGGLE: ("*07", True),
        FeatureCodeKey.LOGIN_ALL: ("*77", True),
        FeatureCodeKey.LOGOUT_ALL: ("*077", True),
        FeatureCodeKey.LOGIN_LAST: ("*78", True),
    }
    options = (await session.scalars(select(models.QueueOptions))).all()
    assert len(options) == 1
    assert options[0].id == models.QUEUE_OPTIONS_ID
    assert options[0].shared_wrapup is False
    assert options[0].default_dynamic_status == DynamicAgentStatus.LOGGED_OUT
    assert options[0].disposition_auto_sync_enabled is False
    assert options[0].disposition_auto_sync_hours == 24


async def test_sync_upgrade_works_inside_a_running_loop_and_downgrades(db_url: str) -> None:
    upgrade(db_url)  # a running loop here: the migration moves to its own thread
    upgrade(db_url)  # already at head: a no-op
    downgrade(db_url, "base")
    engine = make_engine(db_url)
    try:
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    finally:
        await engine.dispose()
    assert tables == {"alembic_version"}


def test_upgrade_from_another_directory_creates_sqlite_parent(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "var" / "nested" / "yeastar.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    assert path.exists()
