from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from postgres import Unchanged
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.enums import (
    AgentEventKind,
    AgentEventSource,
    CallbackMethod,
    CallbackTimeoutMode,
    DestinationType,
    MemberKind,
    RingStrategy,
)
from yeastar_ctl.db.models import AgentEvent, QueueCall, QueueMember
from yeastar_ctl.db.queue_settings import DEFAULT_QUEUE_SETTINGS, QueueSettings
from yeastar_ctl.services import call_events, extensions, queue_options, queues
from yeastar_ctl.services.errors import NotFoundError, ValidationError
from yeastar_ctl.services.numbering import NumberRange
from yeastar_ctl.services.queues import ManagerSpec, MembersChange, QueueMemberInfo


async def _extensions(session: AsyncSession, *numbers: str) -> None:
    for number in numbers:
        await extensions.create_extension(session, number, f"Agent {number}")


def _settings(**changes: Any) -> QueueSettings:
    return replace(DEFAULT_QUEUE_SETTINGS, **changes)


async def test_create_uses_seed_defaults(session: AsyncSession) -> None:
    queue = await queues.create_queue(session, "6400", "Support")
    assert queue.settings == DEFAULT_QUEUE_SETTINGS
    assert (queue.max_wait_seconds, queue.weight, queue.sla_seconds) == (1800, 1, 60)
    assert queue.sla_alarm_threshold_percent == 80
    assert queue.max_callers == 0
    assert [q.number for q in await queues.list_queues(session)] == ["6400"]


@pytest.mark.parametrize("number", ["6399", "6500", "640", "64a0", "", "06400"])
async def test_numbers_outside_the_range_are_refused(
    session: AsyncSession, unchanged: Unchanged, number: str
) -> None:
    async with unchanged(ValidationError, match="within 6400-6499") as caught:
        await queues.create_queue(session, number, "X")
    assert caught.value.field == "number"


async def test_the_range_can_be_widened_by_the_caller(session: AsyncSession) -> None:
    queue = await queues.create_queue(session, "700", "Sales", number_range=NumberRange(700, 799))
    assert queue.number == "700"


async def test_numbers_are_unique_across_queues_and_extensions(
    session: AsyncSession, unchanged: Unchanged
) -> None:
    await _extensions(session, "6401")
    await queues.create_queue(session, "6400", "Support")
    async with unchanged(ValidationError, match="existing queue"):
        await queues.create_queue(session, "6400", "Again")
    async with unchanged(ValidationError, match="existing extension"):
        await queues.create_queue(session, "6401", "Clash")


INVALID_SETTINGS = [
    pytest.param({"weight": 0}, "weight", id="weight-0"),
    pytest.param({"weight": 1000}, "weight", id="weight-1000"),
    pytest.param({"acceleration_seconds": 9}, "acceleration_seconds", id="acceleration-9"),
    pytest.param({"acceleration_seconds": 1801}, "acceleration_seconds", id="acceleration-1801"),
    pytest.param({"agent_timeout_seconds": 0}, "agent_timeout_seconds", id="agent-timeout-0"),
    pytest.param({"max_callers": -1}, "max_callers", id="max-callers-negative"),
    pytest.param({"weight": True}, "weight", id="bool-is-not-int"),
    pytest.param({"ring_strategy": "ring_some"}, "ring_strategy", id="bad-enum"),
    pytest.param({"skill_based_routing": "yes"}, "skill_based_routing", id="bad-flag"),
    pytest.param({"time_zone": "Mars/Olympus"}, "time_zone", id="bad-time-zone"),
    pytest.param({"prompt_language": "English"}, "prompt_language", id="bad-language"),
    pytest.param({"join_announcement": "../etc/passwd"}, "join_announcement", id="bad-prompt"),
    pytest.param({"leave_empty_conditions": ("asleep",)}, "leave_empty_conditions", id="bad-condition"),
    pytest.param({"failover_target": "1000"}, "failover_target", id="target-with-hangup"),
    pytest.param({"failover_type": DestinationType.EXTERNAL_NUMBER, "failover_target": "abc"},
                 "failover_target", id="bad-external-number"),
    pytest.param({"key_press_dest_type": DestinationType.PLAY_PROMPT_AND_EXIT},
                 "key_press_dest_target", id="prompt-destination-without-prompt"),
    pytest.param({"callback_enabled": True, "callback_digit": "5", "key_press_key": "5"},
                 "callback_digit", id="callback-digit-is-key-press-key"),
    pytest.param({"callback_enabled": True, "callback_digit": None}, "callback_digit",
                 id="callback-without-digit"),
    pytest.param({"callback_enabled": True, "callback_timeout_mode": CallbackTimeoutMode.CUSTOM,
                  "callback_timeout_seconds": 1800}, "callback_timeout_seconds",
                 id="custom-timeout-not-below-max-wait"),
    pytest.param({"callback_enabled": True, "callback_timeout_mode": CallbackTimeoutMode.CUSTOM},
                 "callback_timeout_seconds", id="custom-timeout-missing"),
    pytest.param({"callback_enabled": True, "callback_method": CallbackMethod.AUTO_TIMEOUT,
                  "callback_auto_timeout_seconds": 1801}, "callback_auto_timeout_seconds",
                 id="auto-timeout-above-max-wait"),
    pytest.param({"survey_points": (("1", 101),)}, "survey_points[1]", id="survey-points-range"),
    pytest.param({"survey_points": (("x", 1),)}, "survey_points", id="survey-key"),
    pytest.param({"survey_enabled": True, "survey_points": ()}, "survey_points", id="survey-empty"),
    pytest.param({"survey_points": (("1", 1), ("1", 2))}, "survey_points", id="survey-key-twice"),
    pytest.param({"survey_end_prompt": "custom/bye"}, "survey_end_prompt", id="end-prompt-without-survey-prompt"),
    pytest.param({"leave_empty_conditions": ("asleep",)}, "leave_empty_conditions", id="empty-condition"),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "field"), INVALID_SETTINGS)
async def test_invalid_settings_are_refused(
    session: AsyncSession, unchanged: Unchanged, changes: dict[str, Any], field: str
) -> None:
    async with unchanged(ValidationError) as caught:
        await queues.create_queue(session, "6400", "Support", _settings(**changes))
    assert caught.value.field == field


async def test_every_problem_is_reported(session: AsyncSession) -> None:
    with pytest.raises(ValidationError) as caught:
        await queues.create_queue(session, "9", "", _settings(weight=0, acceleration_seconds=5))
    fields = [p.field for p in caught.value.problems]
    assert fields == ["number", "name", "weight", "acceleration_seconds"]


async def test_an_end_prompt_is_kept_with_a_survey_prompt(session: AsyncSession) -> None:
    queue = await queues.create_queue(session, "6400", "Support", _settings(
        survey_prompt="custom/rate", survey_end_prompt="custom/bye"))
    assert (queue.survey_prompt, queue.survey_end_prompt) == ("custom/rate", "custom/bye")


async def test_callback_digit_may_equal_key_when_callback_is_off(session: AsyncSession) -> None:
    queue = await queues.create_queue(
        session, "6400", "Support", _settings(callback_digit="5", key_press_key="5")
    )
    assert queue.key_press_key == "5"


async def test_enum_values_given_as_text_are_stored_as_members(session: AsyncSession) -> None:
    settings = _settings(ring_strategy="linear", leave_empty_conditions=["busy", "paused"])  # type: ignore[arg-type]
    queue = await queues.create_queue(session, "6400", "Support", settings)
    assert queue.ring_strategy is RingStrategy.LINEAR
    assert queue.leave_empty_conditions == ("paused", "busy")


async def test_destinations_must_exist(session: AsyncSession, unchanged: Unchanged) -> None:
    await _extensions(session, "1000")
    await queues.create_queue(session, "6401", "Overflow")
    async with unchanged(ValidationError, match="extension 1999 does not exist"):
        await queues.create_queue(
            session,
            "6400",
            "Support",
            _settings(failover_type=DestinationType.EXTENSION_VOICEMAIL, failover_target="1999"),
        )
    async with unchanged(ValidationError, match="cannot route to itself"):
        await queues.create_queue(
            session, "6400", "Support",
            _settings(key_press_key="0", key_press_dest_type=DestinationType.QUEUE,
                      key_press_dest_target="6400"),
        )  # fmt: skip
    queue = await queues.create_queue(
        session, "6400", "Support",
        _settings(failover_type=DestinationType.QUEUE, failover_target="6401",
                  holiday_dest_type=DestinationType.EXTENSION, holiday_dest_target="1000"),
    )  # fmt: skip
    assert queue.failover_target == "6401"
    async with unchanged(ValidationError, match="failover destination of queue 6400"):
        await queues.delete_queue(session, "6401")
    async with unchanged(ValidationError, match="failover destination of queue 6400"):
        await queues.update_queue(session, "6401", new_number="6402")


async def test_update_replaces_settings_and_renumbers(
    session: AsyncSession, unchanged: Unchanged
) -> None:
    queue = await queues.create_queue(session, "6400", "Support")
    changed = replace(queue.settings, weight=5, wrapup_seconds=0, record_calls=True)
    updated = await queues.update_queue(session, "6400", name="Help", settings=changed, new_number="6410")
    assert (updated.number, updated.name, updated.settings) == ("6410", "Help", changed)
    async with unchanged(ValidationError, match="weight"):
        await queues.update_queue(session, "6410", settings=replace(changed, weight=1000))
    async with unchanged(ValidationError, match="within 6400-6499"):
        await queues.update_queue(session, "6410", new_number="7000")
    same = await queues.update_queue(session, "6410", new_number="6410", name="Help desk")
    assert (same.number, same.name, same.weight) == ("6410", "Help desk", 5)


async def test_missing_queue_raises_not_found(session: AsyncSession) -> None:
    with pytest.raises(NotFoundError, match="queue 6499 does not exist"):
        await queues.update_queue(session, "6499", name="X")
    with pytest.raises(NotFoundError):
        await queues.set_members(session, "6499", static=[])


async def test_members_keep_list_order_and_skills(session: AsyncSession) -> None:
    await _extensions(session, "1001", "1002", "1003", "1004", "1005")
    await queues.create_queue(session, "6400", "Support")
    change = await queues.set_members(
        session, "6400", static=[("1002", 3), ("1001", 1)], dynamic=[("1005", 99), ("1003", 1)]
    )
    assert change == MembersChange(added=("1002", "1001", "1005", "1003"))
    assert await queues.list_members(session, "6400") == [
        QueueMemberInfo("1002", "Agent 1002", MemberKind.STATIC, 3, 1),
        QueueMemberInfo("1001", "Agent 1001", MemberKind.STATIC, 1, 2),
        QueueMemberInfo("1005", "Agent 1005", MemberKind.DYNAMIC, 99, 1),
        QueueMemberInfo("1003", "Agent 1003", MemberKind.DYNAMIC, 1, 2),
    ]
    again = await queues.set_members(
        session, "6400", static=[("1002", 3), ("1001", 1)], dynamic=[("1005", 99), ("1003", 1)]
    )
    assert again == MembersChange()
    moved = await queues.set_members(
        session, "6400", static=[("1001", 1), ("1003", 2)], dynamic=[("1004", 1)]
    )
    assert moved == MembersChange(added=("1004",), removed=("1002", "1005"), changed=("1001", "1003"))


@pytest.mark.parametrize(
    ("static", "dynamic", "field"),
    [
        pytest.param([("1001", 0)], [], "static[0].skill_level", id="skill-0"),
        pytest.param([], [("1001", 100)], "dynamic[0].skill_level", id="skill-100"),
        pytest.param([("1001", 1)], [("1001", 1)], "dynamic[0]", id="listed-twice"),
        pytest.param([("1999", 1)], [], "members", id="unknown-extension"),
        pytest.param([("1001",)], [], "static[0]", id="not-a-pair"),
    ],
)
async def test_bad_members_are_refused(
    session: AsyncSession, unchanged: Unchanged, static: Any, dynamic: Any, field: str
) -> None:
    await _extensions(session, "1001", "1002")
    await queues.create_queue(session, "6400", "Support")
    await queues.set_members(session, "6400", static=[("1002", 5)])
    async with unchanged(ValidationError) as caught:
        await queues.set_members(session, "6400", static=static, dynamic=dynamic)
    assert caught.value.field == field


async def test_new_dynamic_agents_log_in_when_the_options_say_so(session: AsyncSession) -> None:
    await _extensions(session, "1001", "1002", "1003")
    await queues.create_queue(session, "6400", "Support")
    await queues.set_members(session, "6400", dynamic=[("1001", 1)])
    assert (await session.scalars(select(AgentEvent))).all() == []
    await queue_options.update_queue_options(session, default_dynamic_status="logged_in")
    await queues.set_members(session, "6400", static=[("1003", 1)], dynamic=[("1001", 1), ("1002", 1)])
    events = (await session.scalars(select(AgentEvent))).all()
    assert [(e.agent_extension, e.queue_number, e.kind, e.source) for e in events] == [
        ("1002", "6400", AgentEventKind.LOGIN, AgentEventSource.SYSTEM)
    ]


async def test_managers(session: AsyncSession, unchanged: Unchanged) -> None:
    await _extensions(session, "1000", "1001", "999")
    await queues.create_queue(session, "6400", "Support")
    await queues.set_managers(
        session, "6400", [ManagerSpec("1000", notify_missed=True), ManagerSpec("999", notify_sla=True)]
    )
    assert await queues.list_managers(session, "6400") == [
        ManagerSpec("999", notify_sla=True),
        ManagerSpec("1000", notify_missed=True),
    ]
    await queues.set_managers(session, "6400", [ManagerSpec("1000", notify_abandoned=True)])
    assert await queues.list_managers(session, "6400") == [ManagerSpec("1000", notify_abandoned=True)]
    async with unchanged(ValidationError, match="listed twice"):
        await queues.set_managers(session, "6400", [ManagerSpec("1000"), ManagerSpec("1000")])
    async with unchanged(ValidationError, match="does not exist"):
        await queues.set_managers(session, "6400", [ManagerSpec("4242")])


async def test_delete_queue_removes_members_and_keeps_history(session: AsyncSession) -> None:
    await _extensions(session, "1001")
    await queues.create_queue(session, "6400", "Support")
    await queues.set_members(session, "6400", static=[("1001", 1)])
    joined = datetime(2025, 6, 24, 13, 0, tzinfo=UTC)
    await call_events.record_call_joined(
        session, call_id="c1", queue_number="6400", caller_number="5001", joined_at=joined
    )
    await queues.delete_queue(session, "6400")
    assert await queues.list_queues(session) == []
    assert (await session.scalars(select(QueueMember))).all() == []
    assert await extensions.get_by_number(session, "1001") is not None
    call = await session.scalar(select(QueueCall).execution_options(populate_existing=True))
    assert call is not None and (call.queue_id, call.queue_number) == (None, "6400")
