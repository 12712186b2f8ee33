"""Translate stored configuration and live state into the decision core's snapshot values."""

from __future__ import annotations

from datetime import datetime
from typing import Mapping

from yeastar_ctl.acd.model import Membership, QueuePolicy
from yeastar_ctl.acd.vocabulary import DeviceStatus
from yeastar_ctl.db.enums import MemberKind
from yeastar_ctl.db.queue_settings import QueueSettings
from yeastar_ctl.services.agent_state import LOGGED_OUT, AgentQueueState
from yeastar_ctl.services.config_snapshot import MemberConfig

# ARI device states (ast_devstate) reduced to what routing needs.
DEVICE_STATUS = {
    "NOT_INUSE": DeviceStatus.IDLE,
    "INUSE": DeviceStatus.IN_USE,
    "BUSY": DeviceStatus.IN_USE,
    "ONHOLD": DeviceStatus.IN_USE,
    "RINGING": DeviceStatus.RINGING,
    "RINGINUSE": DeviceStatus.RINGING,
}


def device_status(ari_state: str) -> DeviceStatus:
    return DEVICE_STATUS.get(ari_state, DeviceStatus.OFFLINE)


def queue_policy(number: str, s: QueueSettings) -> QueuePolicy:
    # With the "Priority Queue" switch off every queue weighs the same and never accelerates.
    prioritised = s.priority_enabled
    return QueuePolicy(
        number=number,
        strategy=s.ring_strategy,
        skill_based=s.skill_based_routing,
        equal_skill_strategy=s.equal_skill_strategy,
        agent_timeout=s.agent_timeout_seconds,
        retry_interval=s.retry_interval_seconds,
        wrapup=s.wrapup_seconds,
        ring_in_use=s.ring_in_use,
        max_wait=s.max_wait_seconds,
        max_callers=s.max_callers,
        weight=s.weight if prioritised else 1,
        acceleration=s.acceleration_seconds if prioritised and s.acceleration_enabled else None,
        leave_when_empty=frozenset(s.leave_empty_conditions) if s.leave_when_empty else None,
        join_empty_disallowed=frozenset(s.join_empty_conditions) if s.join_empty_disallowed else None,
        auto_pause_threshold=s.auto_pause_threshold if s.auto_pause_enabled else None,
    )


def membership(
    queue: str,
    member: MemberConfig,
    state: AgentQueueState | None,
    *,
    static_since: datetime,
    pause_names: Mapping[str, str],
    last_call_ended_at: datetime | None,
    calls_completed: int,
) -> Membership:
    state = state or LOGGED_OUT
    static = member.kind == MemberKind.STATIC
    reason = state.pause_reason
    return Membership(
        queue=queue,
        static=static,
        position=member.position,
        skill=member.skill_level,
        # Static agents are always in the queue; "logged in" since the control plane started.
        logged_in=True if static else state.logged_in,
        login_at=static_since if static else state.login_at,
        paused=state.paused,
        pause_reason=pause_names.get(reason, reason) if reason else None,
        last_call_ended_at=last_call_ended_at,
        calls_completed=calls_completed,
    )
