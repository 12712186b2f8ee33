"""Queue weight with acceleration.

Seed: "Queue Weight = Weight + (Waiting Time / Acceleration) * 1 ... If there are decimals in
the result, the value will be rounded." Rounded half up (2.5 -> 3), not to even: a caller who
has waited exactly half an acceleration step gains the point.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Callable

from yeastar_ctl.acd.model import QueuePolicy, WaitingEntry


def priority_at(queue: QueuePolicy, now: datetime) -> Callable[[WaitingEntry], int]:
    """`priority` of each call of `queue` at `now`; a decision pass ranks every call with it."""
    weight, acceleration = queue.weight, queue.acceleration
    if not acceleration:
        return lambda entry: weight

    def accelerated(entry: WaitingEntry) -> int:
        waited = max(0.0, (now - entry.joined_at).total_seconds())
        return math.floor(weight + waited / acceleration + 0.5)

    return accelerated


def priority(entry: WaitingEntry, queue: QueuePolicy, now: datetime) -> int:
    return priority_at(queue, now)(entry)


def routing_order(entry: WaitingEntry, queue: QueuePolicy, now: datetime) -> tuple[int, datetime, str]:
    """Sort key: highest priority first; ties by longest wait, then id for determinism."""
    return (-priority(entry, queue, now), entry.joined_at, entry.id)
