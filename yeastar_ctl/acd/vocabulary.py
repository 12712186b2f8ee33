"""Routing words the core decides with; storage (db.enums) re-uses them, never the reverse."""

from __future__ import annotations

from enum import StrEnum


class RingStrategy(StrEnum):
    RING_ALL = "ring_all"
    LEAST_RECENT = "least_recent"
    FEWEST_CALLS = "fewest_calls"
    RANDOM = "random"
    RRMEMORY = "rrmemory"
    LINEAR = "linear"


class EmptyCondition(StrEnum):
    """States that make an agent count as absent for leave-/join-when-empty."""

    UNAVAILABLE = "unavailable"
    PAUSED = "paused"
    BUSY = "busy"


class DeviceStatus(StrEnum):
    """An agent's phone as Asterisk reports it (device state), reduced to what routing needs."""

    OFFLINE = "offline"  # not registered / unavailable
    IDLE = "idle"
    RINGING = "ringing"  # ringing for a call that is not ours
    IN_USE = "in_use"  # on a call (including on hold)


class FailoverReason(StrEnum):
    TIMED_OUT = "timed out"  # Maximum Waiting Time reached
    QUEUE_EMPTY = "queue empty"  # Leave Empty pulled the caller out
    QUEUE_FULL = "queue full"  # Maximum Callers in Queue reached at join
    JOIN_EMPTY = "no agents"  # Disallow to Join When Empty at join
