"""What managers can be told about: one dataclass per notification of the seed's Members tab.

Every event names its queue and when it happened; the notifier turns it into an email for the
queue's managers whose switch for that kind of event is on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final


@dataclass(frozen=True)
class CallMissed:
    queue: str
    caller_number: str
    caller_name: str | None
    at: datetime
    reason: str | None


@dataclass(frozen=True)
class CallAbandoned:
    queue: str
    caller_number: str
    caller_name: str | None
    at: datetime
    waited_seconds: int | None = None


@dataclass(frozen=True)
class AgentAutoPaused:
    queue: str
    agent: str
    at: datetime


@dataclass(frozen=True)
class CallbackRequested:
    queue: str
    callback_number: str
    at: datetime


@dataclass(frozen=True)
class CallbackFailed:
    queue: str
    callback_number: str
    at: datetime
    reason: str | None


@dataclass(frozen=True)
class SlaBelowThreshold:
    queue: str
    at: datetime  # the end of the evaluated window
    window_start: datetime
    sla: str  # as the reports print it, e.g. "66.67%"
    threshold_percent: int
    calls: int
    within_sla: int


QueueEvent = CallMissed | CallAbandoned | AgentAutoPaused | CallbackRequested | CallbackFailed | SlaBelowThreshold

# The ManagerSpec switch that asks for each kind of email.
SWITCHES: Final[dict[type, str]] = {
    CallMissed: "notify_missed",
    CallAbandoned: "notify_abandoned",
    AgentAutoPaused: "notify_auto_pause",
    CallbackRequested: "notify_callback_request",
    CallbackFailed: "notify_callback_failed",
    SlaBelowThreshold: "notify_sla",
}
