"""The recorder and auto-pause decorators: the inner port first, then the events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from yeastar_ctl.db.queue_settings import QueueSettings
from yeastar_ctl.notify.events import (
    AgentAutoPaused,
    CallAbandoned,
    CallbackFailed,
    CallbackRequested,
    CallMissed,
    QueueEvent,
)
from yeastar_ctl.notify.recorder import NotifyingAutoPause, NotifyingRecorder
from yeastar_ctl.telephony.ports import CallerInfo, QueueRoute

T0 = datetime(2025, 6, 24, 11, 0, tzinfo=UTC)
ROUTE = QueueRoute("6400", "Support", QueueSettings())


class FakeRecorder:
    """Counts every call; any method not listed forwards to a no-op."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.next_request = 7

    def __getattr__(self, name: str) -> Any:
        async def record(*args: Any, **kwargs: Any) -> int:
            self.calls.append(name)
            return self.next_request

        return record


def _recorder() -> tuple[NotifyingRecorder, FakeRecorder, list[QueueEvent]]:
    events: list[QueueEvent] = []
    inner = FakeRecorder()
    return NotifyingRecorder(inner, events.append), inner, events  # type: ignore[arg-type]


async def test_missed_and_abandoned_calls_are_published_with_queue_and_caller() -> None:
    recorder, inner, events = _recorder()
    await recorder.joined("c1", ROUTE, CallerInfo("100", "Naomi"), "ch1", T0)
    await recorder.joined("c2", ROUTE, CallerInfo("200", ""), "ch2", T0)
    await recorder.joined("c3", ROUTE, CallerInfo("300", ""), "ch3", T0)
    await recorder.ended("c1", "missed", T0 + timedelta(seconds=30), "timed out")
    await recorder.ended("c2", "abandoned", T0 + timedelta(seconds=12.6), None)
    await recorder.ended("c3", "answered", T0 + timedelta(seconds=40), None)
    await recorder.ended("unknown", "missed", T0, None)  # joined before a restart
    assert inner.calls == ["joined"] * 3 + ["ended"] * 4
    assert events == [
        CallMissed("6400", "100", "Naomi", T0 + timedelta(seconds=30), "timed out"),
        CallAbandoned("6400", "200", None, T0 + timedelta(seconds=12.6), waited_seconds=13),
    ]


async def test_callbacks_requested_invalid_and_failed() -> None:
    recorder, inner, events = _recorder()
    assert await recorder.callback_requested("c1", "6400", "15880123456", T0) == 7
    await recorder.callback_ended(7, "failed", T0 + timedelta(minutes=1), "Customer no answer", "1001")
    inner.next_request = 8
    await recorder.callback_requested("c2", "6400", "123", T0, failed_reason="Invalid callback number")
    inner.next_request = 9
    await recorder.callback_requested("c3", "6400", "15880000000", T0)
    await recorder.callback_ended(9, "succeeded", T0, None, "1001")
    assert events == [
        CallbackRequested("6400", "15880123456", T0),
        CallbackFailed("6400", "15880123456", T0 + timedelta(minutes=1), "Customer no answer"),
        CallbackFailed("6400", "123", T0, "Invalid callback number"),
        CallbackRequested("6400", "15880000000", T0),
    ]


async def test_a_failing_publisher_never_breaks_the_call() -> None:
    def broken(event: QueueEvent) -> None:
        raise RuntimeError("no loop")

    inner = FakeRecorder()
    recorder = NotifyingRecorder(inner, broken)  # type: ignore[arg-type]
    await recorder.joined("c1", ROUTE, CallerInfo("100", ""), "ch1", T0)
    await recorder.ended("c1", "missed", T0, None)
    assert inner.calls == ["joined", "ended"]


async def test_the_recorder_error_still_reaches_the_call_flow() -> None:
    class Failing(FakeRecorder):
        async def ended(self, *args: Any) -> None:
            raise ValueError("database down")

    events: list[QueueEvent] = []
    recorder = NotifyingRecorder(Failing(), events.append)  # type: ignore[arg-type]
    await recorder.joined("c1", ROUTE, CallerInfo("100", ""), "ch1", T0)
    with pytest.raises(ValueError):
        await recorder.ended("c1", "missed", T0, None)
    assert events == []


async def test_auto_pause_is_recorded_then_published() -> None:
    done: list[tuple[str, str]] = []
    events: list[QueueEvent] = []

    async def inner(agent: str, queue: str, at: datetime) -> None:
        done.append((agent, queue))

    await NotifyingAutoPause(inner, events.append)("1001", "6400", T0)
    assert done == [("1001", "6400")]
    assert events == [AgentAutoPaused("6400", "1001", T0)]
