from __future__ import annotations

from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.enums import FeatureCodeKey, MemberKind, RingStrategy
from yeastar_ctl.db.queue_settings import DEFAULT_QUEUE_SETTINGS
from yeastar_ctl.services import extensions, feature_codes, pause_reasons, queues
from yeastar_ctl.services.config_snapshot import (
    ExtensionConfig,
    MemberConfig,
    PauseReasonConfig,
    load_config_snapshot,
    load_queue_config,
)
from yeastar_ctl.services.queues import ManagerSpec


async def _build(session: AsyncSession) -> None:
    """Rows created out of order, so sorting cannot come from insertion order."""
    for number in ("1002", "99", "1000", "1001"):
        await extensions.create_extension(session, number, f"Agent {number}", sip_secret=f"secret{number}")
    linear = replace(DEFAULT_QUEUE_SETTINGS, ring_strategy=RingStrategy.LINEAR)
    await queues.create_queue(session, "6410", "Sales", linear)
    await queues.create_queue(session, "6400", "Support")
    await queues.set_members(
        session, "6400", static=[("1002", 2), ("99", 1)], dynamic=[("1001", 1), ("1000", 5)]
    )
    await queues.set_members(session, "6410", dynamic=[("1000", 1)])
    await queues.set_managers(session, "6400", [ManagerSpec("1001"), ManagerSpec("99", notify_sla=True)])
    await pause_reasons.replace_pause_reasons(session, [("*09", "Training"), ("*01", "Lunch")])
    await feature_codes.update_feature_code(session, FeatureCodeKey.LOGIN_LAST, enabled=False)


async def test_snapshot_is_sorted_and_complete(session: AsyncSession) -> None:
    await _build(session)
    snapshot = await load_config_snapshot(session)
    assert snapshot.extensions == (
        ExtensionConfig("99", "Agent 99", "secret99", None),
        ExtensionConfig("1000", "Agent 1000", "secret1000", None),
        ExtensionConfig("1001", "Agent 1001", "secret1001", None),
        ExtensionConfig("1002", "Agent 1002", "secret1002", None),
    )
    assert [q.number for q in snapshot.queues] == ["6400", "6410"]
    support = snapshot.queue("6400")
    assert support is not None
    assert support.members == (
        MemberConfig("1002", MemberKind.STATIC, 2, 1),
        MemberConfig("99", MemberKind.STATIC, 1, 2),
        MemberConfig("1001", MemberKind.DYNAMIC, 1, 1),
        MemberConfig("1000", MemberKind.DYNAMIC, 5, 2),
    )
    assert [m.extension for m in support.static_members] == ["1002", "99"]
    assert [m.extension for m in support.dynamic_members] == ["1001", "1000"]
    assert [m.extension for m in support.managers] == ["99", "1001"]
    assert support.settings == DEFAULT_QUEUE_SETTINGS
    assert snapshot.queue("6410").settings.ring_strategy is RingStrategy.LINEAR  # type: ignore[union-attr]
    assert snapshot.queue("6499") is None
    assert [q.number for q in snapshot.queues_of("1000")] == ["6400", "6410"]
    assert [f.key for f in snapshot.feature_codes] == list(FeatureCodeKey)
    assert snapshot.feature_code(FeatureCodeKey.PAUSE_TOGGLE) == "*07"
    assert snapshot.feature_code(FeatureCodeKey.LOGIN_LAST) is None
    assert snapshot.pause_reasons == (
        PauseReasonConfig("*09", "Training", 1),
        PauseReasonConfig("*01", "Lunch", 2),
    )
    assert snapshot.extension("99") == snapshot.extensions[0]
    assert snapshot.queue_options.default_dynamic_status == "logged_out"


async def test_snapshot_is_deterministic_and_hashable(session: AsyncSession) -> None:
    await _build(session)
    first = await load_config_snapshot(session)
    await session.commit()
    session.expunge_all()
    second = await load_config_snapshot(session)
    assert first == second
    assert hash(first) == hash(second)


async def test_one_queue_loads_like_the_snapshot_has_it(session: AsyncSession) -> None:
    await _build(session)
    snapshot = await load_config_snapshot(session)
    assert await load_queue_config(session, "6400") == snapshot.queue("6400")
    assert await load_queue_config(session, "6499") is None
