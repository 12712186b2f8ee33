"""Queue weight with acceleration.

Seed: "Queue Weight = Weight + (Waiting Time / Acceleration) * 1 ... If there are decimals in
the result, the value will be rounded." Rounded half up (2.5 -> 3), not to even: a caller who
has waited exactly half an acceleration step gains the point.
"""

from __future__ import annotations

import math
from datetime import datetime

from yeastar_ctl.acd.model import QueuePolicy, WaitingEntry


def waited_seconds(entry: WaitingEntry, now: datetime) -> float:
    return max(0.0, (now - entry.joined_at).total_seconds())


def fixed_priority(queue: QueuePolicy) -> int | None:
    """The priority of every call of `queue` when it does not grow with the wait (no
    acceleration); None when it does."""
    return None if queue.acceleration else queue.weight


def priority(entry: WaitingEntry, queue: QueuePolicy, now: datetime) -> int:
    fixed = fixed_priority(queue)
    if fixed is not None:
        return fixed
    assert queue.acceleration
    return math.floor(queue.weight + waited_seconds(entry, now) / queue.acceleration + 0.5)


def routing_order(entry: WaitingEntry, queue: QueuePolicy, now: datetime) -> tuple[int, datetime, str]:
    """Sort key: highest priority first; ties by longest wait, then id for determinism."""
    return (-priority(entry, queue, now), entry.joined_at, entry.id)
