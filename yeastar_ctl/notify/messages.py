"""The text of each notification: a short subject and a plain-text body. Pure.

Parties, queues and times print as the reports print them (``Kristin Hale<5001>``,
``6400-Support``, ``06/24/2025 13:08:09``) so a manager can find the call in a report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from functools import singledispatch

from yeastar_ctl.notify.events import (
    AgentAutoPaused,
    CallAbandoned,
    CallbackFailed,
    CallbackRequested,
    CallMissed,
    QueueEvent,
    SlaBelowThreshold,
)
from yeastar_ctl.reports.formatting import extension_label, hms, local_time, party


@dataclass(frozen=True)
class QueueInfo:
    number: str
    name: str | None
    zone: tzinfo  # the queue's own time zone, or the system's

    @property
    def label(self) -> str:
        return extension_label(self.number, self.name)


@dataclass(frozen=True)
class Text:
    subject: str
    body: str


def _lines(*pairs: tuple[str, str | None]) -> str:
    return "".join(f"{key}: {value}\n" for key, value in pairs if value is not None)


@singledispatch
def _render(event: object, queue: QueueInfo) -> Text:
    raise TypeError(f"no message for {type(event).__name__}")


@_render.register
def _(event: CallMissed, queue: QueueInfo) -> Text:
    body = _lines(("Queue", queue.label), ("Caller", party(event.caller_number, event.caller_name)),
                  ("Time", local_time(event.at, queue.zone)), ("Reason", event.reason or "-"))
    return Text(f"Missed queue call in {queue.label} from {event.caller_number}", body)


@_render.register
def _(event: CallAbandoned, queue: QueueInfo) -> Text:
    waited = None if event.waited_seconds is None else hms(event.waited_seconds)
    body = _lines(("Queue", queue.label), ("Caller", party(event.caller_number, event.caller_name)),
                  ("Time", local_time(event.at, queue.zone)), ("Waiting time", waited),
                  ("Reason", "the caller hung up before an agent answered"))
    return Text(f"Abandoned queue call in {queue.label} from {event.caller_number}", body)


@_render.register
def _(event: AgentAutoPaused, queue: QueueInfo) -> Text:
    body = _lines(("Queue", queue.label), ("Agent", event.agent), ("Time", local_time(event.at, queue.zone)),
                  ("Reason", "the agent did not answer several queue calls in a row (Agent Auto Pause)"))
    return Text(f"Agent {event.agent} was paused automatically in {queue.label}", body)


@_render.register
def _(event: CallbackRequested, queue: QueueInfo) -> Text:
    body = _lines(("Queue", queue.label), ("Callback number", event.callback_number),
                  ("Time", local_time(event.at, queue.zone)))
    return Text(f"Callback requested in {queue.label} by {event.callback_number}", body)


@_render.register
def _(event: CallbackFailed, queue: QueueInfo) -> Text:
    body = _lines(("Queue", queue.label), ("Callback number", event.callback_number),
                  ("Time", local_time(event.at, queue.zone)), ("Reason", event.reason or "-"))
    return Text(f"Callback to {event.callback_number} failed in {queue.label}", body)


@_render.register
def _(event: SlaBelowThreshold, queue: QueueInfo) -> Text:
    period = f"{local_time(event.window_start, queue.zone)} - {local_time(event.at, queue.zone)}"
    body = _lines(("Queue", queue.label), ("Period", period), ("SLA", event.sla),
                  ("Alarm threshold", f"{event.threshold_percent}%"),
                  ("Calls", f"{event.within_sla} of {event.calls} answered within the SLA time"))
    return Text(f"SLA of {queue.label} is {event.sla}, below {event.threshold_percent}%", body)


def render(event: QueueEvent, queue: QueueInfo) -> Text:
    return _render(event, queue)
