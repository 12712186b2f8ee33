"""The queue settings the portal's queue form and the JSON API edit, by tab, with their kind.

One table drives the form classes, the API's parsing and the OpenAPI schema, so a setting
added here shows up in all three. The services check every value.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final, Literal

from yeastar_ctl.db.enums import DestinationType, RingStrategy

Kind = Literal["flag", "int", "choice", "text"]


@dataclass(frozen=True)
class SettingField:
    name: str  # a QueueSettings field
    label: str
    tab: str
    kind: Kind
    choices: type[StrEnum] | None = None


BASIC: Final = "Basic"
AGENT_OPTIONS: Final = "Agent Options"
PREFERENCES: Final = "Preferences"
TABS: Final = (BASIC, AGENT_OPTIONS, PREFERENCES)

QUEUE_SETTING_FIELDS: Final[tuple[SettingField, ...]] = (
    SettingField("skill_based_routing", "Skill-based routing", BASIC, "flag"),
    SettingField("ring_strategy", "Ring strategy", BASIC, "choice", RingStrategy),
    SettingField("equal_skill_strategy", "Equal-skill ring strategy", BASIC, "choice", RingStrategy),
    SettingField("max_wait_seconds", "Maximum waiting time (s)", BASIC, "int"),
    SettingField("failover_type", "Failover destination", BASIC, "choice", DestinationType),
    SettingField("failover_target", "Failover target", BASIC, "text"),
    SettingField("time_condition_enabled", "Time condition (business hours)", BASIC, "flag"),
    SettingField("agent_timeout_seconds", "Agent ring timeout (s)", AGENT_OPTIONS, "int"),
    SettingField("retry_interval_seconds", "Retry interval (s)", AGENT_OPTIONS, "int"),
    SettingField("wrapup_seconds", "Wrap-up time (s)", AGENT_OPTIONS, "int"),
    SettingField("ring_in_use", "Ring in use", AGENT_OPTIONS, "flag"),
    SettingField("auto_pause_enabled", "Agent auto pause", AGENT_OPTIONS, "flag"),
    SettingField("auto_pause_threshold", "Auto pause after missed calls", AGENT_OPTIONS, "int"),
    SettingField("alert_info", "Alert-Info", PREFERENCES, "text"),
    SettingField("max_callers", "Maximum callers (0: unlimited)", PREFERENCES, "int"),
    SettingField("leave_when_empty", "Leave when empty", PREFERENCES, "flag"),
    SettingField("join_empty_disallowed", "Disallow to join when empty", PREFERENCES, "flag"),
    SettingField("callback_enabled", "Queue callback", PREFERENCES, "flag"),
    SettingField("callback_digit", "Callback key", PREFERENCES, "text"),
    SettingField("priority_enabled", "Priority queue", PREFERENCES, "flag"),
    SettingField("weight", "Priority weight (1-999)", PREFERENCES, "int"),
    SettingField("acceleration_enabled", "Priority acceleration", PREFERENCES, "flag"),
    SettingField("acceleration_seconds", "Acceleration interval (s)", PREFERENCES, "int"),
    SettingField("sla_seconds", "SLA time (s)", PREFERENCES, "int"),
    SettingField("sla_alarm_threshold_percent", "SLA alarm threshold (%)", PREFERENCES, "int"),
    SettingField("survey_enabled", "Satisfaction survey", PREFERENCES, "flag"),
    SettingField("key_press_key", "Key press event key", PREFERENCES, "text"),
    SettingField("key_press_dest_type", "Key press destination", PREFERENCES, "choice", DestinationType),
    SettingField("key_press_dest_target", "Key press target", PREFERENCES, "text"),
)

FIELDS_BY_NAME: Final = {f.name: f for f in QUEUE_SETTING_FIELDS}


def fields_of(tab: str) -> tuple[SettingField, ...]:
    return tuple(f for f in QUEUE_SETTING_FIELDS if f.tab == tab)
