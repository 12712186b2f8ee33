"""What the call flows need from the rest of the system, as small protocols, so the flows can be
driven by the real services in production and by fakes in unit tests."""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Collection
from datetime import datetime
from typing import Protocol

from yeastar_ctl.acd.time_condition import HolidaySpan, OpeningPeriod
from yeastar_ctl.db.queue_settings import QueueSettings
from yeastar_ctl.services.call_recovery import RecordedCall, RoutingHistory


@dataclass(frozen=True)
class QueueRoute:
    """A queue as the call path sees it when a caller joins: its number, name and settings."""

    number: str
    name: str
    settings: QueueSettings
    # Business hours and holidays, loaded only for queues whose Time Condition is on.
    hours: tuple[OpeningPeriod, ...] = ()
    holidays: tuple[HolidaySpan, ...] = ()


@dataclass(frozen=True)
class CallerInfo:
    number: str
    name: str


class ContactLookup(Protocol):
    async def __call__(self, number: str) -> str | None:
        """The company contact's name for a caller's number (per the match options), or None."""
        ...


class CallRecovery(Protocol):
    """What a (re)started control plane reads back from the rows (services/call_recovery)."""

    async def calls_on_channels(self, channel_ids: Collection[str]) -> dict[str, RecordedCall]: ...

    async def close_calls_not_kept(self, keep: Collection[str], at: datetime, reason: str) -> int: ...

    async def routing_history(self, since: datetime) -> RoutingHistory: ...


class QueueDirectory(Protocol):
    async def queue_route(self, number: str) -> QueueRoute | None: ...


class CallRecorder(Protocol):
    """Turns what happens to a queue call into event rows (the reports read those)."""

    async def joined(self, call_id: str, queue: QueueRoute, caller: CallerInfo, channel_id: str, at: datetime) -> None: ...

    async def ring_started(self, call_id: str, agent: str, at: datetime) -> int: ...

    async def ring_ended(self, attempt_id: int, result: str, at: datetime) -> None: ...

    async def answered(self, call_id: str, agent: str, at: datetime) -> None: ...

    async def ended(self, call_id: str, status: str, at: datetime, reason: str | None) -> None: ...

    async def recording(self, call_id: str, name: str) -> None: ...

    async def held(self, call_id: str, seconds: int) -> None: ...

    async def callback_requested(self, call_id: str, queue: str, number: str, at: datetime,
                                 failed_reason: str | None = None) -> int: ...

    async def callback_ended(self, request_id: int, result: str, at: datetime, reason: str | None,
                             agent: str | None) -> None: ...

    async def survey(self, call_id: str, queue: str, agent: str, caller: str, key: str, points: int, at: datetime) -> None: ...
