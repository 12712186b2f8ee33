"""Extension presence (Available, Away, Business Trip, Do Not Disturb, Lunch Break, Off Work) and
the per-presence "Agent Status Auto Switch" rules that change the agent's queues with it.

Presence is set through here (the portal, the API and Linkus-style clients call it); an agent
on Do Not Disturb gets no queue calls (the routing core reads the presence).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.enums import AgentEventSource, Presence, PresenceAction
from yeastar_ctl.db.models import Extension, PresenceRule
from yeastar_ctl.services.agent_commands import StateChange, plan_presence, record_changes
from yeastar_ctl.services.agent_state import load_agent_history
from yeastar_ctl.services.config_snapshot import load_config_snapshot
from yeastar_ctl.services.extensions import get_extension, set_presence, update_extension
from yeastar_ctl.services.pause_reasons import list_pause_reasons
from yeastar_ctl.services.validation import Problems, parse_choice


@dataclass(frozen=True)
class PresenceRuleSpec:
    action: PresenceAction
    reason_code: str | None = None


async def presence_rules(session: AsyncSession, extension: str) -> dict[Presence, PresenceRuleSpec]:
    """Every presence with its rule; presences without a row Do Nothing."""
    ext = await get_extension(session, extension)
    rows = {r.presence: r for r in await session.scalars(select(PresenceRule).where(PresenceRule.extension_id == ext.id))}
    return {
        p: PresenceRuleSpec(rows[p].action, rows[p].reason_code) if p in rows else PresenceRuleSpec(PresenceAction.DO_NOTHING)
        for p in Presence
    }


async def set_presence_rule(
    session: AsyncSession, extension: str, presence: Presence | str, action: PresenceAction | str,
    reason_code: str | None = None,
) -> None:
    checked_presence = parse_choice("presence", presence, Presence)
    checked_action = parse_choice("action", action, PresenceAction)
    problems = Problems()
    _check_reason(problems, "reason_code", checked_action, reason_code, await _reason_codes(session))
    problems.raise_if_any()
    await _store_rule(session, (await get_extension(session, extension)).id, checked_presence,
                      PresenceRuleSpec(checked_action, reason_code))


async def set_presence_rules(
    session: AsyncSession, extension: str, rules: Mapping[Presence | str, tuple[PresenceAction | str, str | None]],
) -> None:
    """Set several presences' rules together (all or none); problems name ``<presence>.action``
    or ``<presence>.reason_code``. Presences not given keep their rule."""
    ext = await get_extension(session, extension)
    codes = await _reason_codes(session)
    problems = Problems()
    checked: dict[Presence, PresenceRuleSpec] = {}
    for presence, (action, reason_code) in rules.items():
        member = problems.choice("presence", presence, Presence)
        if member is None:
            continue
        checked_action = problems.choice(f"{member.value}.action", action, PresenceAction)
        if checked_action is not None:
            _check_reason(problems, f"{member.value}.reason_code", checked_action, reason_code, codes)
            checked[member] = PresenceRuleSpec(checked_action, reason_code)
    problems.raise_if_any()
    for presence, rule in checked.items():
        await _store_rule(session, ext.id, presence, rule)


async def _reason_codes(session: AsyncSession) -> set[str]:
    return {r.code for r in await list_pause_reasons(session)}


def _check_reason(
    problems: Problems, field: str, action: PresenceAction, reason_code: str | None, codes: set[str],
) -> None:
    if reason_code is None:
        return
    if action != PresenceAction.PAUSE:
        problems.add(field, "a pause reason goes only with the Pause action")
    elif reason_code not in codes:
        problems.add(field, f"there is no pause reason {reason_code}")


async def _store_rule(session: AsyncSession, extension_id: int, presence: Presence, rule: PresenceRuleSpec) -> None:
    row = await session.scalar(
        select(PresenceRule).where(PresenceRule.extension_id == extension_id, PresenceRule.presence == presence)
    )
    if row is None:
        row = PresenceRule(extension_id=extension_id, presence=presence)
        session.add(row)
    row.action = rule.action
    row.reason_code = rule.reason_code
    await session.flush()


async def change_presence(
    session: AsyncSession, extension: str, presence: Presence | str, *, at: datetime,
) -> list[StateChange]:
    """Set the presence and apply its rule to the agent's queues; returns the agent changes."""
    checked = parse_choice("presence", presence, Presence)
    await set_presence(session, extension, checked)
    return await _apply_rule(session, extension, checked, at=at)


async def edit_extension(session: AsyncSession, number: str, *, at: datetime, **changes: Any) -> Extension:
    """An administrator's edit of an extension (``changes`` as ``extensions.update_extension``
    takes them); a presence that changes applies its rule as ``change_presence`` does. Saving
    the form with the presence it had runs no rule, so editing a name does not log an agent in."""
    before = (await get_extension(session, number)).presence
    extension = await update_extension(session, number, **changes)
    if extension.presence != before:
        await _apply_rule(session, extension.number, extension.presence, at=at)
    return extension


async def _apply_rule(session: AsyncSession, extension: str, presence: Presence, *, at: datetime) -> list[StateChange]:
    rule = (await presence_rules(session, extension))[presence]
    if rule.action == PresenceAction.DO_NOTHING:
        return []
    snapshot = await load_config_snapshot(session)
    history = await load_agent_history(session)
    changes = plan_presence(
        snapshot, history.states, history.last_queues, agent=extension, action=rule.action, reason=rule.reason_code,
    )
    await record_changes(session, changes, at=at, source=AgentEventSource.PRESENCE)
    return changes
