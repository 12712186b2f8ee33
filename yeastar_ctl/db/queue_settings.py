"""Every per-queue setting of the seed (Basic, Agent Options, Prompt, Preferences) as one value.

``QueueSettings`` is the single place the defaults live: the ``queues`` table takes its column
defaults from it, the queue service validates and stores it, and the config snapshot hands it
to the dialplan generator and the ACD. Field names equal the ``queues`` column names.

Defaults the seed states: max wait 1800 s (its screenshots), max callers 0 (unlimited), SLA
60 s, alarm threshold 80 %, skill level 1, weight 1 (range 1-999), acceleration 10-1800 s.
Defaults chosen here where the seed is silent:
- ``wrapup_seconds = 10``: with 0 an agent is offered the next call the instant they hang up,
  before any note can be taken (the seed's agent guide expects notes in wrap-up time).
- ``agent_timeout_seconds = 30``, ``retry_interval_seconds = 5``, ``auto_pause_threshold = 3``.
- ``acceleration_seconds = 60`` (the seed's worked example), ``sla_eval_interval_minutes = 10``.
- Both "empty" condition sets default to all three states, as the seed's screenshots show them.
- ``survey_points`` gives 1 point for key 1 and 0 for key 2, matching the default survey
  prompt ("press 1 for satisfied, press 2 for dissatisfied").

Destinations are a type plus a target. For ``play_prompt_and_exit`` the target is the prompt
name; ``failover_prompt`` is a separate, optional prompt played before any failover.
``priority_enabled`` is the seed's "Priority Queue" switch: while it is off the ACD treats the
queue as weight 1 without acceleration.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from yeastar_ctl.db.enums import (
    CallbackMethod,
    CallbackTimeoutMode,
    DestinationType,
    EmptyCondition,
    RingStrategy,
)
from yeastar_ctl.db.types import KeyPointPairs

ALL_EMPTY_CONDITIONS: tuple[EmptyCondition, ...] = tuple(EmptyCondition)


@dataclass(frozen=True, kw_only=True)
class QueueSettings:
    # Basic
    skill_based_routing: bool = False
    ring_strategy: RingStrategy = RingStrategy.RING_ALL
    equal_skill_strategy: RingStrategy = RingStrategy.RING_ALL
    max_wait_seconds: int = 1800
    failover_type: DestinationType = DestinationType.HANGUP
    failover_target: str | None = None
    failover_prompt: str | None = None
    time_condition_enabled: bool = False
    time_zone: str | None = None  # None: the control plane's configured time zone
    outside_hours_dest_type: DestinationType = DestinationType.HANGUP
    outside_hours_dest_target: str | None = None
    holiday_dest_type: DestinationType = DestinationType.HANGUP
    holiday_dest_target: str | None = None
    ignore_holiday_destination: bool = False
    play_holiday_prompt: bool = False
    # Agent options
    agent_timeout_seconds: int = 30
    retry_interval_seconds: int = 5
    wrapup_seconds: int = 10
    agent_announcement: str | None = None
    ring_in_use: bool = False
    auto_pause_enabled: bool = False
    auto_pause_threshold: int = 3
    show_missed_on_phone: bool = False
    # Prompt
    join_announcement: str | None = None
    play_full_join_announcement: bool = False
    ringback_tone: str | None = None  # None: plain ringing indication
    music_on_hold: str = "default"
    periodic_announcement: str | None = None
    periodic_frequency_seconds: int = 60
    announce_position: bool = False
    announce_hold_time: bool = False
    thank_you_prompt: bool = False
    position_frequency_seconds: int = 60
    agent_id_announcement: bool = False
    prompt_language: str = "en"
    # Preferences: distinctive ring tone and capacity
    alert_info: str | None = None
    linkus_ringtone: str | None = None
    max_callers: int = 0
    leave_when_empty: bool = False
    leave_empty_conditions: tuple[EmptyCondition, ...] = ALL_EMPTY_CONDITIONS
    join_empty_disallowed: bool = False
    join_empty_conditions: tuple[EmptyCondition, ...] = ALL_EMPTY_CONDITIONS
    # Preferences: callback
    callback_enabled: bool = False
    callback_method: CallbackMethod = CallbackMethod.CALLER_INPUT
    callback_digit: str | None = "1"
    callback_auto_timeout_seconds: int = 60
    callback_outbound_prefix: str | None = None
    callback_timeout_mode: CallbackTimeoutMode = CallbackTimeoutMode.MAX_WAIT
    callback_timeout_seconds: int | None = None
    # Preferences: priority queue
    priority_enabled: bool = False
    weight: int = 1
    acceleration_enabled: bool = False
    acceleration_seconds: int = 60
    # Preferences: service level agreement
    sla_seconds: int = 60
    sla_eval_interval_minutes: int = 10
    sla_alarm_threshold_percent: int = 80
    # Preferences: satisfaction survey (prompt None = the built-in default prompt)
    survey_enabled: bool = False
    survey_prompt: str | None = None
    survey_end_prompt: str | None = None
    survey_points: KeyPointPairs = (("1", 1), ("2", 0))
    # Preferences: key press event (key None = disabled)
    key_press_key: str | None = None
    key_press_dest_type: DestinationType = DestinationType.HANGUP
    key_press_dest_target: str | None = None
    record_calls: bool = False


DEFAULT_QUEUE_SETTINGS = QueueSettings()

QUEUE_SETTING_NAMES: tuple[str, ...] = tuple(f.name for f in fields(QueueSettings))

# (type field, target field) of every destination a queue can route to.
DESTINATION_FIELDS: tuple[tuple[str, str], ...] = (
    ("failover_type", "failover_target"),
    ("outside_hours_dest_type", "outside_hours_dest_target"),
    ("holiday_dest_type", "holiday_dest_target"),
    ("key_press_dest_type", "key_press_dest_target"),
)

# Fields naming a voice prompt, music-on-hold class or ringtone.
PROMPT_FIELDS: tuple[str, ...] = (
    "failover_prompt",
    "agent_announcement",
    "join_announcement",
    "ringback_tone",
    "music_on_hold",
    "periodic_announcement",
    "linkus_ringtone",
    "survey_prompt",
    "survey_end_prompt",
)
