"""Checks on ``QueueSettings`` that need no database (ranges, enums, formats, cross-field rules).

The ranges come from the seed where it gives them (weight 1-999, acceleration 10-1800 s,
callback custom timeout below the maximum wait time, callback digit different from the key
press key); the other bounds only keep values sane for Asterisk and the ACD.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from yeastar_ctl.db.enums import (
    CallbackMethod,
    CallbackTimeoutMode,
    DestinationType,
    EmptyCondition,
    RingStrategy,
)
from yeastar_ctl.db.queue_settings import DESTINATION_FIELDS, PROMPT_FIELDS, QueueSettings
from yeastar_ctl.services.validation import DTMF_KEY, Problems

DAY_SECONDS: Final = 86400
HOUR_SECONDS: Final = 3600
WEIGHT_RANGE: Final = (1, 999)
ACCELERATION_RANGE: Final = (10, 1800)
SURVEY_POINTS_RANGE: Final = (-100, 100)
LANGUAGE: Final = re.compile(r"^[a-z]{2,3}([_-][A-Za-z0-9]{2,8})?$")
EXTERNAL_NUMBER: Final = re.compile(r"^\+?[0-9*#]{1,32}$")
DIGIT_PREFIX: Final = re.compile(r"^[0-9]{1,16}$")
ALERT_INFO: Final = re.compile(r"^[\x20-\x7e]{1,128}$")
FREE_TARGET: Final = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
NUMBER_TARGET: Final = re.compile(r"^[0-9]{1,10}$")
SURVEY_KEY: Final = re.compile(r"^[0-9]$")

# What the target of each destination type must look like; HANGUP takes no target.
_TARGET_FORMATS: Final[dict[DestinationType, tuple[re.Pattern[str], str]]] = {
    DestinationType.EXTENSION: (NUMBER_TARGET, "an extension number"),
    DestinationType.EXTENSION_VOICEMAIL: (NUMBER_TARGET, "an extension number"),
    DestinationType.QUEUE: (NUMBER_TARGET, "a queue number"),
    DestinationType.EXTERNAL_NUMBER: (EXTERNAL_NUMBER, "a phone number"),
    DestinationType.GROUP_VOICEMAIL: (FREE_TARGET, "a group voicemail name or number"),
    DestinationType.IVR: (FREE_TARGET, "an IVR name or number"),
    DestinationType.CALL_FLOW: (FREE_TARGET, "a call flow name or number"),
    DestinationType.RING_GROUP: (FREE_TARGET, "a ring group name or number"),
}

# Destinations whose objects yeastar_ctl does not model yet: refused with a clear message rather
# than accepted and silently hung up at call time.
NOT_YET_AVAILABLE: Final[dict[DestinationType, str]] = {
    DestinationType.IVR: "IVR destinations are not available yet; choose another destination",
    DestinationType.CALL_FLOW: "call flow destinations are not available yet; choose another destination",
    DestinationType.RING_GROUP: "ring group destinations are not available yet; choose another destination",
}

_INTEGER_BOUNDS: Final[dict[str, tuple[int, int]]] = {
    "max_wait_seconds": (1, DAY_SECONDS),
    "agent_timeout_seconds": (1, HOUR_SECONDS),
    "retry_interval_seconds": (0, HOUR_SECONDS),
    "wrapup_seconds": (0, HOUR_SECONDS),
    "auto_pause_threshold": (1, 99),
    "periodic_frequency_seconds": (1, HOUR_SECONDS),
    "position_frequency_seconds": (1, HOUR_SECONDS),
    "max_callers": (0, 10000),
    "callback_auto_timeout_seconds": (1, DAY_SECONDS),
    "weight": WEIGHT_RANGE,
    "acceleration_seconds": ACCELERATION_RANGE,
    "sla_seconds": (1, DAY_SECONDS),
    "sla_eval_interval_minutes": (1, 1440),
    "sla_alarm_threshold_percent": (1, 100),
}

_FLAGS: Final = tuple(
    name for name, value in vars(QueueSettings()).items() if isinstance(value, bool)
)

_ENUMS: Final[dict[str, type[Any]]] = {
    "ring_strategy": RingStrategy,
    "equal_skill_strategy": RingStrategy,
    "callback_method": CallbackMethod,
    "callback_timeout_mode": CallbackTimeoutMode,
    **{type_field: DestinationType for type_field, _ in DESTINATION_FIELDS},
}


def validate_queue_settings(settings: QueueSettings) -> QueueSettings:
    """``settings`` with enum fields normalised to members; ValidationError lists all problems."""
    problems = Problems()
    checked = check_queue_settings(problems, settings)
    problems.raise_if_any()
    return checked


def check_queue_settings(problems: Problems, settings: QueueSettings) -> QueueSettings:
    """Record every problem of ``settings``; the normalised copy is meaningful only if none."""
    normalised: dict[str, Any] = {}
    for name in _FLAGS:
        problems.flag(name, getattr(settings, name))
    for name, (low, high) in _INTEGER_BOUNDS.items():
        problems.integer(name, getattr(settings, name), low, high)
    for name, enum_cls in _ENUMS.items():
        member = problems.choice(name, getattr(settings, name), enum_cls)
        if member is not None:
            normalised[name] = member
    for name in PROMPT_FIELDS:
        problems.prompt_name(name, getattr(settings, name))
    if not settings.music_on_hold:
        problems.add("music_on_hold", "must not be empty")
    for type_field, target_field in DESTINATION_FIELDS:
        _check_destination(problems, settings, type_field, target_field)
    _check_time_zone(problems, settings.time_zone)
    problems.pattern(
        "prompt_language", settings.prompt_language, LANGUAGE, "a language code like en or pt_BR"
    )
    if settings.alert_info is not None:
        problems.pattern(
            "alert_info", settings.alert_info, ALERT_INFO, "printable text, at most 128 characters"
        )
    for name in ("leave_empty_conditions", "join_empty_conditions"):
        normalised[name] = _check_conditions(problems, name, getattr(settings, name))
    _check_callback(problems, settings)
    normalised["survey_points"] = _check_survey(problems, settings)
    if settings.key_press_key is not None:
        problems.pattern("key_press_key", settings.key_press_key, DTMF_KEY, "one of 0-9, * or #")
    return replace(settings, **normalised)


def _check_destination(
    problems: Problems, settings: QueueSettings, type_field: str, target_field: str
) -> None:
    kind = getattr(settings, type_field)
    target = getattr(settings, target_field)
    if kind in NOT_YET_AVAILABLE:
        problems.add(type_field, NOT_YET_AVAILABLE[kind])
    elif kind == DestinationType.HANGUP:
        if target is not None:
            problems.add(target_field, "must be empty when the destination is hang up")
    elif kind == DestinationType.PLAY_PROMPT_AND_EXIT:
        if target is None:
            problems.add(target_field, "must name the prompt to play")
        else:
            problems.prompt_name(target_field, target)
    elif kind in _TARGET_FORMATS:
        regex, description = _TARGET_FORMATS[kind]
        problems.pattern(target_field, target, regex, description)


def _check_time_zone(problems: Problems, time_zone: str | None) -> None:
    if time_zone is None:
        return
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        problems.add(
            "time_zone", f"must be an IANA time zone like Europe/Berlin, got {time_zone!r}"
        )


def _check_conditions(problems: Problems, field: str, values: object) -> tuple[EmptyCondition, ...]:
    if not isinstance(values, (tuple, list, set, frozenset)):
        problems.add(field, f"must be a list of {', '.join(EmptyCondition)}")
        return ()
    chosen = {problems.choice(field, value, EmptyCondition) for value in values}
    return tuple(member for member in EmptyCondition if member in chosen)


def _check_callback(problems: Problems, settings: QueueSettings) -> None:
    if settings.callback_digit is not None:
        problems.pattern("callback_digit", settings.callback_digit, DTMF_KEY, "one of 0-9, * or #")
    if settings.callback_outbound_prefix is not None:
        problems.pattern(
            "callback_outbound_prefix", settings.callback_outbound_prefix, DIGIT_PREFIX, "digits"
        )
    if settings.callback_timeout_seconds is not None:
        problems.integer(
            "callback_timeout_seconds", settings.callback_timeout_seconds, 1, DAY_SECONDS
        )
    if not settings.callback_enabled:
        return
    if settings.callback_digit is None:
        problems.add("callback_digit", "must be set when callback is enabled")
    elif settings.callback_digit == settings.key_press_key:
        problems.add(
            "callback_digit",
            f"{settings.callback_digit} is already the key press event key; choose another digit",
        )
    max_wait = settings.max_wait_seconds
    if (
        settings.callback_method == CallbackMethod.AUTO_TIMEOUT
        and isinstance(settings.callback_auto_timeout_seconds, int)
        and isinstance(max_wait, int)
        and settings.callback_auto_timeout_seconds > max_wait
    ):
        problems.add(
            "callback_auto_timeout_seconds",
            f"must not be greater than the maximum waiting time ({max_wait} s)",
        )
    if settings.callback_timeout_mode == CallbackTimeoutMode.CUSTOM:
        custom = settings.callback_timeout_seconds
        if custom is None:
            problems.add(
                "callback_timeout_seconds", "must be set when the callback timeout is custom"
            )
        elif isinstance(custom, int) and isinstance(max_wait, int) and custom >= max_wait:
            problems.add(
                "callback_timeout_seconds",
                f"must be less than the maximum waiting time ({max_wait} s)",
            )


def _check_survey(problems: Problems, settings: QueueSettings) -> tuple[tuple[str, int], ...]:
    raw = settings.survey_points
    pairs = list(raw.items()) if isinstance(raw, dict) else list(raw)
    scored: dict[str, int] = {}
    low, high = SURVEY_POINTS_RANGE
    for pair in pairs:
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
            problems.add("survey_points", f"must map keys to points, got {pair!r}")
            continue
        key, points = pair
        if not problems.pattern("survey_points", key, SURVEY_KEY, "a key 0-9"):
            continue
        if key in scored:
            problems.add("survey_points", f"key {key} is given twice")
        problems.integer(f"survey_points[{key}]", points, low, high)
        scored[key] = points
    if settings.survey_enabled and not scored:
        problems.add("survey_points", "must score at least one key when the survey is enabled")
    # The seed offers the End Prompt only once a survey prompt is chosen: the built-in survey
    # prompt comes with its own goodbye.
    if settings.survey_end_prompt is not None and settings.survey_prompt is None:
        problems.add("survey_end_prompt", "needs a satisfaction survey prompt; choose that first")
    return tuple(sorted(scored.items()))
