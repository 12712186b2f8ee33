"""Extension presence (Available, Away, Business Trip, Do Not Disturb, Lunch Break, Off Work) and
the per-presence "Agent Status Auto Switch" rules that change the agent's queues with it.

Presence is set through here (the portal, the API and Linkus-style clients call it); an agent
on Do Not Disturb gets no queue calls (the routing core reads the presence).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.enums import AgentEventSource, Presence, PresenceAction
from yeastar_ctl.db.models import PresenceRule
from yeastar_ctl.services.agent_commands import StateChange, plan_presence, record_changes
from yeastar_ctl.services.agent_state import load_agent_history
from yeastar_ctl.services.config_snapshot import load_config_snapshot
from yeastar_ctl.services.errors import ValidationError
from yeastar_ctl.services.extensions import get_extension, set_presence
from yeastar_ctl.services.validation import parse_choice


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
    if reason_code is not None:
        if checked_action != PresenceAction.PAUSE:
            raise ValidationError("reason_code", "a pause reason goes only with the Pause action")
        snapshot = await load_config_snapshot(session)
        if reason_code not in {r.code for r in snapshot.pause_reasons}:
            raise ValidationError("reason_code", f"there is no pause reason {reason_code}")
    ext = await get_extension(session, extension)
    row = await session.scalar(
        select(PresenceRule).where(PresenceRule.extension_id == ext.id, PresenceRule.presence == checked_presence)
    )
    if row is None:
        row = PresenceRule(extension_id=ext.id, presence=checked_presence)
        session.add(row)
    row.action = checked_action
    row.reason_code = reason_code
    await session.flush()


async def change_presence(
    session: AsyncSession, extension: str, presence: Presence | str, *, at: datetime,
) -> list[StateChange]:
    """Set the presence and apply its rule to the agent's queues; returns the agent changes."""
    checked = parse_choice("presence", presence, Presence)
    rule = (await presence_rules(session, extension))[checked]
    await set_presence(session, extension, checked)
    if rule.action == PresenceAction.DO_NOTHING:
        return []
    snapshot = await load_config_snapshot(session)
    history = await load_agent_history(session, snapshot.dynamic_queues_of())
    changes = plan_presence(
        snapshot, history.states, history.last_queues, agent=extension, action=rule.action, reason=rule.reason_code,
    )
    await record_changes(session, changes, at=at, source=AgentEventSource.PRESENCE)
    return changes
