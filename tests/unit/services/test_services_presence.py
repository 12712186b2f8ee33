"""Seed, "Automatically Switch Agent Status Based on Extension Presence"."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from postgres import Unchanged
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.enums import AgentEventKind, Presence, PresenceAction
from yeastar_ctl.db.models import AgentEvent, Extension
from yeastar_ctl.services import extensions, queues
from yeastar_ctl.services.call_events import record_agent_event
from yeastar_ctl.services.errors import ValidationError
from yeastar_ctl.services.presence import (
    PresenceRuleSpec,
    change_presence,
    edit_extension,
    presence_rules,
    set_presence_rule,
)

AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
async def call_center(session: AsyncSession) -> None:
    """1001 is a static agent of 6400 and 6401; 1003 is a dynamic agent of both."""
    for number in ("1001", "1003"):
        await extensions.create_extension(session, number, f"Agent {number}")
    for number in ("6400", "6401"):
        await queues.create_queue(session, number, f"Queue {number}")
        await queues.set_members(session, number, static=[("1001", 1)], dynamic=[("1003", 1)])


async def events(session: AsyncSession, agent: str) -> list[tuple[str, str | None, str | None]]:
    rows = await session.scalars(select(AgentEvent).where(AgentEvent.agent_extension == agent).order_by(AgentEvent.id))
    return [(r.kind.value, r.queue_number, r.reason_code) for r in rows]


async def test_without_rules_every_presence_does_nothing(session: AsyncSession, call_center: None) -> None:
    rules = await presence_rules(session, "1003")
    assert set(rules) == set(Presence)
    assert all(rule == PresenceRuleSpec(PresenceAction.DO_NOTHING) for rule in rules.values())
    assert await change_presence(session, "1003", Presence.AWAY, at=AT) == []
    assert (await extensions.get_extension(session, "1003")).presence == Presence.AWAY


async def test_log_in_logs_a_dynamic_agent_in_to_all_queues_and_pause_pauses_them(
    session: AsyncSession, call_center: None,
) -> None:
    await set_presence_rule(session, "1003", Presence.AVAILABLE, PresenceAction.LOG_IN)
    await set_presence_rule(session, "1003", Presence.LUNCH_BREAK, PresenceAction.PAUSE, "*01")
    await change_presence(session, "1003", Presence.AVAILABLE, at=AT)
    await change_presence(session, "1003", Presence.LUNCH_BREAK, at=AT)
    assert await events(session, "1003") == [
        ("login", "6400", None), ("login", "6401", None), ("pause", "6400", "*01"), ("pause", "6401", "*01"),
    ]


async def test_log_in_resumes_a_paused_static_agent_and_log_out_leaves_static_agents_alone(
    session: AsyncSession, call_center: None,
) -> None:
    await set_presence_rule(session, "1001", Presence.AWAY, PresenceAction.PAUSE)
    await set_presence_rule(session, "1001", Presence.AVAILABLE, PresenceAction.LOG_IN)
    await set_presence_rule(session, "1001", Presence.OFF_WORK, PresenceAction.LOG_OUT)
    await change_presence(session, "1001", Presence.AWAY, at=AT)
    await change_presence(session, "1001", Presence.AVAILABLE, at=AT)
    assert await change_presence(session, "1001", Presence.OFF_WORK, at=AT) == []
    assert await events(session, "1001") == [
        ("pause", "6400", None), ("pause", "6401", None), ("unpause", "6400", None), ("unpause", "6401", None),
    ]


async def test_log_in_to_last_queues_after_log_out(session: AsyncSession, call_center: None) -> None:
    await set_presence_rule(session, "1003", Presence.OFF_WORK, PresenceAction.LOG_OUT)
    await set_presence_rule(session, "1003", Presence.AVAILABLE, PresenceAction.LOG_IN_LAST)
    await record_agent_event(session, at=AT, agent_extension="1003", queue_number="6401", kind=AgentEventKind.LOGIN,
                             source="manager")  # fmt: skip
    await change_presence(session, "1003", Presence.OFF_WORK, at=AT)
    await change_presence(session, "1003", Presence.AVAILABLE, at=AT)
    assert (await events(session, "1003"))[1:] == [("logout", None, None), ("login", "6401", None)]


async def test_a_reason_only_goes_with_pause_and_must_exist(
    session: AsyncSession, call_center: None, unchanged: Unchanged,
) -> None:
    async with unchanged(ValidationError, match="only with the Pause action"):
        await set_presence_rule(session, "1003", Presence.AWAY, PresenceAction.LOG_OUT, "*01")
    async with unchanged(ValidationError, match="no pause reason"):
        await set_presence_rule(session, "1003", Presence.AWAY, PresenceAction.PAUSE, "*42")
    async with unchanged(ValidationError):
        await set_presence_rule(session, "1003", "napping", PresenceAction.PAUSE)


async def test_the_presence_is_stored_on_the_extension(session: AsyncSession, call_center: None) -> None:
    await change_presence(session, "1001", "do_not_disturb", at=AT)
    stored = await session.scalar(select(Extension.presence).where(Extension.number == "1001"))
    assert stored == Presence.DO_NOT_DISTURB


async def test_several_rules_are_set_together_or_not_at_all(session: AsyncSession, call_center: None) -> None:
    from yeastar_ctl.services.presence import set_presence_rules

    await set_presence_rules(session, "1003", {"available": ("log_in", None), Presence.AWAY: ("pause", "*02")})
    rules = await presence_rules(session, "1003")
    assert rules[Presence.AVAILABLE] == PresenceRuleSpec(PresenceAction.LOG_IN)
    assert rules[Presence.AWAY] == PresenceRuleSpec(PresenceAction.PAUSE, "*02")
    with pytest.raises(ValidationError) as caught:
        await set_presence_rules(session, "1003", {
            Presence.AVAILABLE: ("log_out", None), Presence.AWAY: ("log_out", "*02"),
            Presence.OFF_WORK: ("sleep", None), Presence.LUNCH_BREAK: ("pause", "*99"), "asleep": ("pause", None)})
    assert [p.field for p in caught.value.problems] == [
        "away.reason_code", "off_work.action", "lunch_break.reason_code", "presence"]
    assert await presence_rules(session, "1003") == rules


async def test_an_edit_that_changes_the_presence_applies_its_rule(session: AsyncSession, call_center: None) -> None:
    await set_presence_rule(session, "1001", Presence.AVAILABLE, PresenceAction.LOG_IN)
    await set_presence_rule(session, "1001", Presence.LUNCH_BREAK, PresenceAction.PAUSE, "*01")
    # Saved with the presence it has (Available): no rule runs, only the name changes.
    edited = await edit_extension(session, "1001", at=AT, name="Leo", presence="available")
    assert (edited.name, await events(session, "1001")) == ("Leo", [])
    await edit_extension(session, "1001", at=AT, presence=Presence.LUNCH_BREAK)
    assert await events(session, "1001") == [("pause", "6400", "*01"), ("pause", "6401", "*01")]
    # A new number and a new presence together: the rule runs for the agent under the new number.
    await set_presence_rule(session, "1003", Presence.AVAILABLE, PresenceAction.LOG_IN)
    await edit_extension(session, "1003", at=AT, presence=Presence.AWAY)  # no rule: nothing happens
    await edit_extension(session, "1003", at=AT, new_number="1004", presence="available")
    assert await events(session, "1003") == []
    assert await events(session, "1004") == [("login", "6400", None), ("login", "6401", None)]
    assert (await extensions.get_extension(session, "1004")).presence == Presence.AVAILABLE


async def test_a_refused_edit_changes_nothing_and_runs_no_rule(
    session: AsyncSession, call_center: None, unchanged: Unchanged,
) -> None:
    await set_presence_rule(session, "1003", Presence.AWAY, PresenceAction.LOG_OUT)
    async with unchanged(ValidationError, match="name"):
        await edit_extension(session, "1003", at=AT, name="", presence="away")
    async with unchanged(ValidationError, match="presence"):
        await edit_extension(session, "1003", at=AT, presence="napping")
    assert await events(session, "1003") == []
