"""The queue settings the portal's queue form and the JSON API edit, by tab, with their kind.

One table drives the form classes, the API's parsing and the OpenAPI schema, so a setting
added here shows up in all three. The services check every value.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final, Literal

from yeastar_ctl.db.enums import (
    CallbackMethod,
    CallbackTimeoutMode,
    DestinationType,
    EmptyCondition,
    RingStrategy,
)

# "choices": a set of enum values (ticked boxes; a JSON list); "key_points": survey key -> points
# (typed as "1=5, 2=0"; a JSON object or a list of [key, points] pairs).
Kind = Literal["flag", "int", "optional_int", "choice", "choices", "text", "key_points"]


@dataclass(frozen=True)
class SettingField:
    name: str  # a QueueSettings field
    label: str
    tab: str
    kind: Kind
    choices: type[StrEnum] | None = None


BASIC: Final = "Basic"
AGENT_OPTIONS: Final = "Agent Options"
PROMPT: Final = "Prompt"
PREFERENCES: Final = "Preferences"
TABS: Final = (BASIC, AGENT_OPTIONS, PROMPT, PREFERENCES)

QUEUE_SETTING_FIELDS: Final[tuple[SettingField, ...]] = (
    SettingField("skill_based_routing", "Skill-based routing", BASIC, "flag"),
    SettingField("ring_strategy", "Ring strategy", BASIC, "choice", RingStrategy),
    SettingField("equal_skill_strategy", "Equal-skill ring strategy", BASIC, "choice", RingStrategy),
    SettingField("max_wait_seconds", "Maximum waiting time (s)", BASIC, "int"),
    SettingField("failover_type", "Failover destination", BASIC, "choice", DestinationType),
    SettingField("failover_target", "Failover target", BASIC, "text"),
    SettingField("failover_prompt", "Prompt before the failover", BASIC, "text"),
    SettingField("time_condition_enabled", "Time condition (business hours)", BASIC, "flag"),
    SettingField("time_zone", "Time zone (empty: the system's)", BASIC, "text"),
    SettingField("outside_hours_dest_type", "Outside business hours, go to", BASIC, "choice", DestinationType),
    SettingField("outside_hours_dest_target", "Outside business hours target", BASIC, "text"),
    SettingField("holiday_dest_type", "On holidays, go to", BASIC, "choice", DestinationType),
    SettingField("holiday_dest_target", "Holiday target", BASIC, "text"),
    SettingField("ignore_holiday_destination", "Ignore the holiday destination", BASIC, "flag"),
    SettingField("play_holiday_prompt", "Play the holiday prompt", BASIC, "flag"),
    SettingField("agent_timeout_seconds", "Agent ring timeout (s)", AGENT_OPTIONS, "int"),
    SettingField("retry_interval_seconds", "Retry interval (s)", AGENT_OPTIONS, "int"),
    SettingField("wrapup_seconds", "Wrap-up time (s)", AGENT_OPTIONS, "int"),
    SettingField("ring_in_use", "Ring in use", AGENT_OPTIONS, "flag"),
    SettingField("auto_pause_enabled", "Agent auto pause", AGENT_OPTIONS, "flag"),
    SettingField("auto_pause_threshold", "Auto pause after missed calls", AGENT_OPTIONS, "int"),
    SettingField("agent_announcement", "Agent announcement (prompt)", AGENT_OPTIONS, "text"),
    SettingField("show_missed_on_phone", "Show missed queue calls on the agent's phone", AGENT_OPTIONS, "flag"),
    SettingField("join_announcement", "Join announcement (prompt)", PROMPT, "text"),
    SettingField("play_full_join_announcement", "Play the full join announcement first", PROMPT, "flag"),
    SettingField("ringback_tone", "Ringback tone (ring: the ringing tone; else a music-on-hold class; empty: the music on hold)", PROMPT, "text"),
    SettingField("music_on_hold", "Music on hold", PROMPT, "text"),
    SettingField("periodic_announcement", "Periodic announcement (prompt)", PROMPT, "text"),
    SettingField("periodic_frequency_seconds", "Periodic announcement every (s)", PROMPT, "int"),
    SettingField("announce_position", "Announce the caller's position", PROMPT, "flag"),
    SettingField("announce_hold_time", "Announce the estimated hold time", PROMPT, "flag"),
    SettingField("thank_you_prompt", "Thank the caller for waiting", PROMPT, "flag"),
    SettingField("position_frequency_seconds", "Position announcement every (s)", PROMPT, "int"),
    SettingField("agent_id_announcement", "Announce the agent's number to the caller", PROMPT, "flag"),
    SettingField("prompt_language", "Prompt language", PROMPT, "text"),
    SettingField("alert_info", "Alert-Info", PREFERENCES, "text"),
    SettingField("max_callers", "Maximum callers (0: unlimited)", PREFERENCES, "int"),
    SettingField("leave_when_empty", "Leave when empty", PREFERENCES, "flag"),
    SettingField("leave_empty_conditions", "Leave: the queue is empty when all its agents are (besides logged out)",
                 PREFERENCES, "choices", EmptyCondition),
    SettingField("join_empty_disallowed", "Disallow to join when empty", PREFERENCES, "flag"),
    SettingField("join_empty_conditions", "Join: the queue is empty when all its agents are (besides logged out)",
                 PREFERENCES, "choices", EmptyCondition),
    SettingField("callback_enabled", "Queue callback", PREFERENCES, "flag"),
    SettingField("callback_digit", "Callback key", PREFERENCES, "text"),
    SettingField("callback_method", "Callback offered", PREFERENCES, "choice", CallbackMethod),
    SettingField("callback_auto_timeout_seconds", "Offer the callback after (s)", PREFERENCES, "int"),
    SettingField("callback_outbound_prefix", "Callback outbound prefix", PREFERENCES, "text"),
    SettingField("callback_timeout_mode", "Callback timeout", PREFERENCES, "choice", CallbackTimeoutMode),
    SettingField("callback_timeout_seconds", "Custom callback timeout (s)", PREFERENCES, "optional_int"),
    SettingField("priority_enabled", "Priority queue", PREFERENCES, "flag"),
    SettingField("weight", "Priority weight (1-999)", PREFERENCES, "int"),
    SettingField("acceleration_enabled", "Priority acceleration", PREFERENCES, "flag"),
    SettingField("acceleration_seconds", "Acceleration interval (s)", PREFERENCES, "int"),
    SettingField("sla_seconds", "SLA time (s)", PREFERENCES, "int"),
    SettingField("sla_eval_interval_minutes", "SLA evaluated every (minutes)", PREFERENCES, "int"),
    SettingField("sla_alarm_threshold_percent", "SLA alarm threshold (%)", PREFERENCES, "int"),
    SettingField("survey_enabled", "Satisfaction survey", PREFERENCES, "flag"),
    SettingField("survey_prompt", "Satisfaction survey prompt (empty: the built-in prompt)", PREFERENCES, "text"),
    SettingField("survey_end_prompt", "Survey end prompt (needs a survey prompt)", PREFERENCES, "text"),
    SettingField("survey_points", "Survey points per key (e.g. 1=5, 2=0)", PREFERENCES, "key_points"),
    SettingField("key_press_key", "Key press event key", PREFERENCES, "text"),
    SettingField("key_press_dest_type", "Key press destination", PREFERENCES, "choice", DestinationType),
    SettingField("key_press_dest_target", "Key press target", PREFERENCES, "text"),
    SettingField("linkus_ringtone", "Linkus ringtone", PREFERENCES, "text"),
    SettingField("record_calls", "Record queue calls", PREFERENCES, "flag"),
)

FIELDS_BY_NAME: Final = {f.name: f for f in QUEUE_SETTING_FIELDS}


def fields_of(tab: str) -> tuple[SettingField, ...]:
    return tuple(f for f in QUEUE_SETTING_FIELDS if f.tab == tab)

# The Members tab's notification switches of each queue manager (``services.queues.ManagerSpec``).
MANAGER_SWITCHES: Final[tuple[tuple[str, str], ...]] = (
    ("notify_missed", "Missed call"),
    ("notify_abandoned", "Abandoned call"),
    ("notify_sla", "SLA below its alarm threshold"),
    ("notify_auto_pause", "Agent auto-paused"),
    ("notify_callback_request", "Callback requested"),
    ("notify_callback_failed", "Callback failed"),
)
