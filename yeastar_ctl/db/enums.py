"""The closed vocabularies stored in the database.

They are ``StrEnum``s so that a value read from a row compares equal to the plain string the
seed and the portal use ("ring_all"), and so that code outside the database layer (the ACD,
the dialplan generator) can use them without importing SQLAlchemy.
"""

from __future__ import annotations

from enum import StrEnum

# The routing vocabulary belongs to the decision core; storage uses the same values.
from yeastar_ctl.acd.vocabulary import EmptyCondition as EmptyCondition
from yeastar_ctl.acd.vocabulary import RingStrategy as RingStrategy


class Presence(StrEnum):
    AVAILABLE = "available"
    AWAY = "away"
    BUSINESS_TRIP = "business_trip"
    DO_NOT_DISTURB = "do_not_disturb"
    LUNCH_BREAK = "lunch_break"
    OFF_WORK = "off_work"


class PresenceAction(StrEnum):
    """Seed, "Agent Status Auto Switch": what a change to a presence does to the agent's queues."""

    LOG_IN = "log_in"
    LOG_IN_LAST = "log_in_last"
    LOG_OUT = "log_out"
    PAUSE = "pause"
    DO_NOTHING = "do_nothing"


class DestinationType(StrEnum):
    HANGUP = "hangup"
    EXTENSION = "extension"
    EXTENSION_VOICEMAIL = "extension_voicemail"
    GROUP_VOICEMAIL = "group_voicemail"
    IVR = "ivr"
    CALL_FLOW = "call_flow"
    RING_GROUP = "ring_group"
    QUEUE = "queue"
    EXTERNAL_NUMBER = "external_number"
    PLAY_PROMPT_AND_EXIT = "play_prompt_and_exit"


class CallbackMethod(StrEnum):
    CALLER_INPUT = "caller_input"
    AUTO_TIMEOUT = "auto_timeout"


class CallbackTimeoutMode(StrEnum):
    MAX_WAIT = "max_wait"
    CUSTOM = "custom"


class MemberKind(StrEnum):
    STATIC = "static"
    DYNAMIC = "dynamic"


class DynamicAgentStatus(StrEnum):
    LOGGED_IN = "logged_in"
    LOGGED_OUT = "logged_out"


class FeatureCodeKey(StrEnum):
    """Declaration order is the display and snapshot order."""

    LOGIN_TOGGLE = "login_toggle"
    PAUSE_TOGGLE = "pause_toggle"
    LOGIN_ALL = "login_all"
    LOGOUT_ALL = "logout_all"
    LOGIN_LAST = "login_last"


class CallStatus(StrEnum):
    WAITING = "waiting"
    ANSWERED = "answered"
    ABANDONED = "abandoned"
    MISSED = "missed"


class RingResult(StrEnum):
    ANSWERED = "answered"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    FAILED = "failed"
    CANCELLED = "cancelled"


class CallbackResult(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class AgentEventKind(StrEnum):
    LOGIN = "login"
    LOGOUT = "logout"
    PAUSE = "pause"
    UNPAUSE = "unpause"
    PAUSE_REASON_CHANGE = "pause_reason_change"


class AgentEventSource(StrEnum):
    FEATURE_CODE = "feature_code"
    PRESENCE = "presence"
    AUTO_PAUSE = "auto_pause"
    MANAGER = "manager"
    SYSTEM = "system"
    API = "api"
