"""What the call flows need from the rest of the system, as small protocols, so the flows can be
driven by the real services in production and by fakes in unit tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class QueueMember:
    extension: str
    kind: str  # "static" | "dynamic"
    position: int
    skill_level: int = 1


@dataclass(frozen=True)
class QueueRoute:
    """The settings of one queue that the call path reads at join time."""

    number: str
    name: str
    music_on_hold: str
    agent_timeout_seconds: int
    retry_interval_seconds: int
    max_wait_seconds: int
    members: tuple[QueueMember, ...]


@dataclass(frozen=True)
class CallerInfo:
    number: str
    name: str


class QueueDirectory(Protocol):
    async def queue_route(self, number: str) -> QueueRoute | None: ...


class CallRecorder(Protocol):
    """Turns what happens to a queue call into event rows (the reports read those)."""

    async def joined(self, call_id: str, queue: QueueRoute, caller: CallerInfo, channel_id: str, at: datetime) -> None: ...

    async def ring_started(self, call_id: str, agent: str, at: datetime) -> int: ...

    async def ring_ended(self, attempt_id: int, result: str, at: datetime) -> None: ...

    async def answered(self, call_id: str, agent: str, at: datetime) -> None: ...

    async def ended(self, call_id: str, status: str, at: datetime, reason: str | None) -> None: ...
