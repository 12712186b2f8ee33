"""Decorators around the call flows' ports that publish notification events after the inner
port has written its rows, so the telephony code knows nothing about email.

The recorder remembers what ``joined`` and ``callback_requested`` told it (queue, caller), since
``ended`` and ``callback_ended`` carry only ids. A call that joined before a restart ends without
a notification: nothing but its id is known in memory then.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from yeastar_ctl.db.enums import CallbackResult, CallStatus
from yeastar_ctl.notify.events import (
    AgentAutoPaused,
    CallAbandoned,
    CallbackFailed,
    CallbackRequested,
    CallMissed,
    QueueEvent,
)
from yeastar_ctl.notify.notifier import Publish
from yeastar_ctl.services.call_events import whole_seconds
from yeastar_ctl.telephony.distributor import AutoPause
from yeastar_ctl.telephony.ports import CallerInfo, CallRecorder, QueueRoute

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Joined:
    queue: str
    caller: CallerInfo
    at: datetime


@dataclass(frozen=True)
class _Callback:
    queue: str
    number: str


def _publish_safely(publish: Publish, event: QueueEvent) -> None:
    try:
        publish(event)
    except Exception:
        log.exception("could not publish %s", type(event).__name__)


class NotifyingRecorder:
    def __init__(self, inner: CallRecorder, publish: Publish) -> None:
        self._inner = inner
        self._publish = publish
        self._calls: dict[str, _Joined] = {}
        self._callbacks: dict[int, _Callback] = {}

    async def joined(self, call_id: str, queue: QueueRoute, caller: CallerInfo, channel_id: str, at: datetime) -> None:
        await self._inner.joined(call_id, queue, caller, channel_id, at)
        self._calls[call_id] = _Joined(queue.number, caller, at)

    async def ring_started(self, call_id: str, agent: str, at: datetime) -> int:
        return await self._inner.ring_started(call_id, agent, at)

    async def ring_ended(self, attempt_id: int, result: str, at: datetime) -> None:
        await self._inner.ring_ended(attempt_id, result, at)

    async def answered(self, call_id: str, agent: str, at: datetime) -> None:
        await self._inner.answered(call_id, agent, at)

    async def ended(self, call_id: str, status: str, at: datetime, reason: str | None) -> None:
        await self._inner.ended(call_id, status, at, reason)
        joined = self._calls.pop(call_id, None)
        if joined is None:
            return
        caller = joined.caller
        if status == CallStatus.MISSED:
            _publish_safely(self._publish, CallMissed(joined.queue, caller.number, caller.name or None, at, reason))
        elif status == CallStatus.ABANDONED:
            waited = whole_seconds(joined.at, at) if at >= joined.at else None
            _publish_safely(self._publish, CallAbandoned(joined.queue, caller.number, caller.name or None, at, waited))

    async def recording(self, call_id: str, name: str) -> None:
        await self._inner.recording(call_id, name)

    async def held(self, call_id: str, seconds: int) -> None:
        await self._inner.held(call_id, seconds)

    async def callback_requested(self, call_id: str, queue: str, number: str, at: datetime,
                                 failed_reason: str | None = None) -> int:
        request_id = await self._inner.callback_requested(call_id, queue, number, at, failed_reason)
        if failed_reason:
            _publish_safely(self._publish, CallbackFailed(queue, number, at, failed_reason))
        else:
            self._callbacks[request_id] = _Callback(queue, number)
            _publish_safely(self._publish, CallbackRequested(queue, number, at))
        return request_id

    async def callback_ended(self, request_id: int, result: str, at: datetime, reason: str | None,
                             agent: str | None) -> None:
        await self._inner.callback_ended(request_id, result, at, reason, agent)
        callback = self._callbacks.pop(request_id, None)
        if callback is not None and result == CallbackResult.FAILED:
            _publish_safely(self._publish, CallbackFailed(callback.queue, callback.number, at, reason))

    async def survey(self, call_id: str, queue: str, agent: str, caller: str, key: str, points: int, at: datetime) -> None:
        await self._inner.survey(call_id, queue, agent, caller, key, points, at)


class NotifyingAutoPause:
    def __init__(self, inner: AutoPause, publish: Publish) -> None:
        self._inner = inner
        self._publish = publish

    async def __call__(self, agent: str, queue: str, at: datetime) -> None:
        await self._inner(agent, queue, at)
        _publish_safely(self._publish, AgentAutoPaused(queue, agent, at))
