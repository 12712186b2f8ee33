from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from yeastar_ctl.db.engine import session_factory
from yeastar_ctl.db.enums import (
    AgentEventKind,
    AgentEventSource,
    DestinationType,
    EmptyCondition,
    MemberKind,
    RingStrategy,
)
from yeastar_ctl.db.models import AgentEvent, Extension, Queue, QueueMember
from yeastar_ctl.db.queue_settings import DEFAULT_QUEUE_SETTINGS, QUEUE_SETTING_NAMES
from yeastar_ctl.db.types import NaiveDatetimeError

BERLIN_SUMMER = timezone(timedelta(hours=2))


def test_every_queue_setting_is_a_column() -> None:
    columns = set(Queue.__table__.columns.keys()) - {"id", "number", "name", "created_at"}
    assert columns == set(QUEUE_SETTING_NAMES)


def test_queue_column_defaults_come_from_the_settings_dataclass() -> None:
    table = Queue.__table__
    for name in QUEUE_SETTING_NAMES:
        default = table.c[name].default
        expected = getattr(DEFAULT_QUEUE_SETTINGS, name)
        assert (default.arg if default is not None else None) == expected, name


async def test_aware_datetimes_round_trip_as_utc(engine: AsyncEngine) -> None:
    local = datetime(2025, 6, 24, 13, 8, 9, 123456, tzinfo=BERLIN_SUMMER)
    sessions = session_factory(engine)
    async with sessions() as session:
        session.add(
            AgentEvent(
                at=local,
                agent_extension="1001",
                kind=AgentEventKind.LOGIN,
                source=AgentEventSource.FEATURE_CODE,
            )
        )
        await session.commit()
    async with sessions() as session:
        event = await session.scalar(select(AgentEvent))
        assert event is not None
        assert event.at == local
        assert event.at.tzinfo is UTC
        assert event.at.hour == 11
        later = await session.scalar(
            select(AgentEvent.id).where(AgentEvent.at > local - timedelta(microseconds=1))
        )
        assert later == event.id


async def test_naive_datetimes_are_refused(session: AsyncSession) -> None:
    session.add(
        AgentEvent(
            at=datetime(2025, 1, 1, 12, 0),
            agent_extension="1001",
            kind=AgentEventKind.LOGIN,
            source=AgentEventSource.API,
        )
    )
    with pytest.raises(StatementError) as caught:
        await session.flush()
    assert isinstance(caught.value.orig, NaiveDatetimeError)


async def test_queue_settings_round_trip(engine: AsyncEngine) -> None:
    settings = replace(
        DEFAULT_QUEUE_SETTINGS,
        ring_strategy=RingStrategy.RRMEMORY,
        leave_when_empty=True,
        leave_empty_conditions=(EmptyCondition.BUSY, EmptyCondition.PAUSED),
        join_empty_conditions=(),
        survey_points=(("2", -1), ("4", 1), ("8", 5)),
        key_press_key="0",
        key_press_dest_type=DestinationType.EXTERNAL_NUMBER,
        key_press_dest_target="+4930123",
    )
    sessions = session_factory(engine)
    async with sessions() as session:
        default_queue = Queue(number="6401", name="Defaults")
        tuned = Queue(number="6402", name="Tuned")
        tuned.apply_settings(settings)
        session.add_all([default_queue, tuned])
        await session.commit()
    async with sessions() as session:
        loaded = {q.number: q for q in await session.scalars(select(Queue))}
    assert loaded["6401"].settings == DEFAULT_QUEUE_SETTINGS
    # sets of conditions come back in the enum's order, whatever order they were given in
    canonical = (EmptyCondition.PAUSED, EmptyCondition.BUSY)
    assert loaded["6402"].settings == replace(settings, leave_empty_conditions=canonical)
    assert loaded["6402"].created_at.tzinfo is UTC


async def test_deleting_a_queue_cascades_to_members(session: AsyncSession) -> None:
    queue = Queue(number="6400", name="Support")
    extension = Extension(number="1001", name="A", sip_secret="secret123")
    session.add_all([queue, extension])
    await session.flush()
    session.add(
        QueueMember(queue_id=queue.id, extension_id=extension.id, kind=MemberKind.STATIC, position=1)
    )
    await session.flush()
    await session.delete(queue)
    await session.flush()
    assert (await session.scalars(select(QueueMember))).all() == []


async def test_skill_level_is_constrained_in_the_database(session: AsyncSession) -> None:
    queue = Queue(number="6400", name="Support")
    extension = Extension(number="1001", name="A", sip_secret="secret123")
    session.add_all([queue, extension])
    await session.flush()
    session.add(
        QueueMember(
            queue_id=queue.id,
            extension_id=extension.id,
            kind=MemberKind.STATIC,
            position=1,
            skill_level=100,
        )
    )
    with pytest.raises(IntegrityError):
        await session.flush()


async def test_constraint_names_follow_the_convention(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        uniques = await connection.run_sync(
            lambda c: inspect(c).get_unique_constraints("queue_members")
        )
        foreign = await connection.run_sync(lambda c: inspect(c).get_foreign_keys("queue_members"))
    assert {u["name"] for u in uniques} == {"uq_queue_members_queue_id_extension_id"}
    assert {f["name"] for f in foreign} == {
        "fk_queue_members_queue_id_queues",
        "fk_queue_members_extension_id_extensions",
    }
