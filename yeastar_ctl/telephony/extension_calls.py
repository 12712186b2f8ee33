"""Direct calls (not through a queue) from Asterisk's CDRs: AMI ``Cdr`` events -> one recorded
leg each (``services.extension_calls``).

Extension-to-extension calls are plain dialplan (``Dial(PJSIP/<ext>)``), so the Stasis app never
sees them; Asterisk's CDR engine does, and ``cdr_manager`` sends one ``Cdr`` event per finished
leg (party A -> party B). The base config maps the raw start/answer/end times into the event as
epoch seconds (``StartEpoch`` ...), since its own ``StartTime`` is in the Asterisk host's local
time without a zone.

Which legs are direct calls:
- Party A ran ``Stasis`` last: a queue call (the caller or an agent's originated channel) or a
  feature code. The Stasis app records those itself, so they are left out here: no double count.
- Both parties are PJSIP channels. Callbacks start as ``Local/`` channels, bridge media as
  ``Announcer/``/``Recorder/``, snoops as ``Snoop/``: all queue machinery, all left out. A leg
  with no party B (voicemail, a dial that could not even create the callee) is no call between
  two parties.
- Direction from the endpoints: an endpoint that is a configured extension is an extension,
  any other PJSIP endpoint is a trunk. Extension -> extension is internal, trunk -> extension
  inbound, extension -> trunk outbound; trunk -> trunk involves no extension and is left out.

Hold time: CDRs carry none, so AMI ``Hold``/``Unhold`` events (a phone's re-INVITE to hold) are
added up per call (Asterisk's linked id, shared by both legs of a dial) and the answered leg
takes them when its CDR arrives; a hold still open then ends with the leg. Calls no CDR claims
(queue calls: the Stasis app times their holds itself) are forgotten after ``HOLD_MEMORY``.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from yeastar_ctl.db.extension_call_models import CallDirection, CallDisposition
from yeastar_ctl.services import extension_calls
from yeastar_ctl.services.call_events import HALF_SECOND, ONE_SECOND
from yeastar_ctl.services.errors import ServiceError
from yeastar_ctl.services.extension_calls import ExtensionCallLeg

log = logging.getLogger(__name__)
QUEUE_APPLICATION: Final = "Stasis"
# "PJSIP/1001-0000000a": the endpoint name, then Asterisk's per-channel sequence number.
PJSIP_CHANNEL: Final = re.compile(r"^PJSIP/(?P<endpoint>.+)-[0-9a-f]+$")
# `"Alice Smith" <1001>`, `<1001>`, `1001`
CALLER_ID: Final = re.compile(r'^\s*(?:"?(?P<name>[^"<]*?)"?\s*)?<(?P<number>[^>]*)>\s*$')
DISPOSITIONS: Final = {
    "ANSWERED": CallDisposition.ANSWERED,
    "NO ANSWER": CallDisposition.NO_ANSWER,
    "BUSY": CallDisposition.BUSY,
    "FAILED": CallDisposition.FAILED,
    "CONGESTION": CallDisposition.CONGESTION,
}
HOLD_MEMORY: Final = timedelta(hours=12)
AmiHandler = Callable[[Any, Mapping[str, Any]], None]


class MalformedCdr(ValueError):
    """A Cdr event without the fields the base config's cdr_manager.conf maps into it."""


@dataclass(frozen=True)
class Cdr:
    """What one ``Cdr`` event says about a finished leg."""

    caller_channel: str
    callee_channel: str
    source: str  # party A's caller ID number
    caller_name: str | None
    destination: str  # the number party A dialled
    last_application: str
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime
    disposition: CallDisposition
    unique_id: str
    linked_id: str | None


def _epoch(event: Mapping[str, Any], field: str) -> datetime | None:
    """``1732243200.123456`` (``${CDR(start,u)}``) as an aware UTC time; empty or 0: none."""
    text = str(event.get(field) or "").strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        raise MalformedCdr(f"{field} is not epoch seconds: {text!r}") from None
    return datetime.fromtimestamp(seconds, UTC) if seconds > 0 else None


def _caller_name(caller_id: str, number: str) -> str | None:
    match = CALLER_ID.match(caller_id)
    name = (match.group("name") or "").strip() if match else ""
    return name if name and name != number else None


def parse_cdr(event: Mapping[str, Any]) -> Cdr:
    started, ended = _epoch(event, "StartEpoch"), _epoch(event, "EndEpoch")
    if started is None or ended is None:
        raise MalformedCdr("no StartEpoch/EndEpoch: is cdr_manager.conf's [mappings] installed?")
    disposition = DISPOSITIONS.get(str(event.get("Disposition", "")).upper())
    if disposition is None:
        raise MalformedCdr(f"unknown disposition {event.get('Disposition')!r}")
    source = str(event.get("Source") or "")
    return Cdr(
        caller_channel=str(event.get("Channel") or ""),
        callee_channel=str(event.get("DestinationChannel") or ""),
        source=source,
        caller_name=_caller_name(str(event.get("CallerID") or ""), source),
        destination=str(event.get("Destination") or ""),
        last_application=str(event.get("LastApplication") or ""),
        started_at=started,
        answered_at=_epoch(event, "AnswerEpoch") if disposition == CallDisposition.ANSWERED else None,
        ended_at=ended,
        disposition=disposition,
        unique_id=str(event.get("UniqueID") or ""),
        linked_id=str(event.get("LinkedID") or "") or None,
    )


def endpoint_of(channel: str) -> str | None:
    """The PJSIP endpoint of a channel name; None for any other technology."""
    match = PJSIP_CHANNEL.match(channel)
    return match.group("endpoint") if match else None


def direct_endpoints(cdr: Cdr) -> tuple[str, str] | None:
    """(caller endpoint, callee endpoint) when the leg is a direct call between two PJSIP
    endpoints, None for queue machinery and one-party legs."""
    if cdr.last_application == QUEUE_APPLICATION:
        return None
    caller, callee = endpoint_of(cdr.caller_channel), endpoint_of(cdr.callee_channel)
    if caller is None or callee is None:
        return None
    return caller, callee


def call_direction(caller: str, callee: str, extensions: Collection[str]) -> CallDirection | None:
    caller_is_extension, callee_is_extension = caller in extensions, callee in extensions
    if caller_is_extension and callee_is_extension:
        return CallDirection.INTERNAL
    if callee_is_extension:
        return CallDirection.INBOUND
    if caller_is_extension:
        return CallDirection.OUTBOUND
    return None


def extension_call(cdr: Cdr, extensions: Collection[str]) -> ExtensionCallLeg | None:
    """The leg to record, or None when the CDR is not a direct call of an extension."""
    endpoints = direct_endpoints(cdr)
    if endpoints is None:
        return None
    caller, callee = endpoints
    direction = call_direction(caller, callee, extensions)
    if direction is None:
        return None
    caller_extension = caller if direction != CallDirection.INBOUND else None
    callee_extension = callee if direction != CallDirection.OUTBOUND else None
    return ExtensionCallLeg(
        direction=direction,
        # A trunk's caller is whoever its caller ID says; an extension is its own number.
        caller_number=caller_extension or cdr.source or caller,
        caller_name=cdr.caller_name,
        # Outbound: the number the extension dialled, not the trunk's name.
        callee_number=callee_extension or cdr.destination or callee,
        caller_extension=caller_extension,
        callee_extension=callee_extension,
        started_at=cdr.started_at,
        answered_at=cdr.answered_at,
        ended_at=cdr.ended_at,
        disposition=cdr.disposition,
        unique_id=cdr.unique_id,
        linked_id=cdr.linked_id,
    )


@dataclass
class _CallHolds:
    last_seen: datetime
    done: timedelta = timedelta()
    held_since: dict[str, datetime] = field(default_factory=dict)  # channel -> since


class HoldTimes:
    """How long each call (linked id) has been on hold; times are passed in."""

    def __init__(self) -> None:
        self._calls: dict[str, _CallHolds] = {}

    def held(self, call: str, channel: str, at: datetime) -> None:
        holds = self._calls.setdefault(call, _CallHolds(at))
        holds.held_since.setdefault(channel, at)
        holds.last_seen = at

    def resumed(self, call: str, channel: str, at: datetime) -> None:
        holds = self._calls.get(call)
        since = holds.held_since.pop(channel, None) if holds else None
        if holds is not None and since is not None:
            holds.done += max(at - since, timedelta())
            holds.last_seen = at

    def take(self, call: str, until: datetime) -> int:
        """The call's hold time in whole seconds (half up), holds still open ending at ``until``;
        the call is forgotten."""
        holds = self._calls.pop(call, None)
        if holds is None:
            return 0
        total = holds.done + sum((max(until - since, timedelta()) for since in holds.held_since.values()), timedelta())
        return (total + HALF_SECOND) // ONE_SECOND

    def forget_before(self, at: datetime) -> None:
        for call in [c for c, holds in self._calls.items() if holds.last_seen < at - HOLD_MEMORY]:
            del self._calls[call]


class ExtensionCallPort(Protocol):
    async def extension_numbers(self) -> Collection[str]: ...

    async def record(self, leg: ExtensionCallLeg) -> None: ...


class ExtensionCalls:
    """The AMI handlers: each ``Cdr`` event becomes, at most, one recorded leg; ``Hold`` and
    ``Unhold`` events time the holds."""

    def __init__(self, port: ExtensionCallPort, clock: Callable[[], datetime]) -> None:
        self._port = port
        self._clock = clock
        self.holds = HoldTimes()
        self._pending: set[asyncio.Task[ExtensionCallLeg | None]] = set()

    def subscribe(self, on_event: Callable[[str, AmiHandler], None]) -> None:
        on_event("Cdr", self.on_cdr)
        on_event("Hold", self.on_hold)
        on_event("Unhold", self.on_unhold)

    def _hold_key(self, event: Mapping[str, Any]) -> tuple[str, str, datetime] | None:
        call, channel = str(event.get("Linkedid") or ""), str(event.get("Uniqueid") or "")
        try:  # manager.conf's timestampevents: the event says when (else: now)
            stamp = _epoch(event, "Timestamp")
        except MalformedCdr:
            stamp = None
        return (call, channel, stamp or self._clock()) if call and channel else None

    def on_hold(self, _manager: Any, event: Mapping[str, Any]) -> None:
        key = self._hold_key(event)
        if key is not None:
            self.holds.held(*key)

    def on_unhold(self, _manager: Any, event: Mapping[str, Any]) -> None:
        key = self._hold_key(event)
        if key is not None:
            self.holds.resumed(*key)

    def on_cdr(self, _manager: Any, event: Mapping[str, Any]) -> None:
        # Recorded in a task so the AMI reader is never held up by the database; the task is
        # kept so it is neither garbage-collected mid-write nor lost at shutdown.
        task = asyncio.get_running_loop().create_task(self.handle(event))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def handle(self, event: Mapping[str, Any]) -> ExtensionCallLeg | None:
        try:
            cdr = parse_cdr(event)
            self.holds.forget_before(cdr.ended_at)
            if direct_endpoints(cdr) is None:
                return None
            leg = extension_call(cdr, await self._port.extension_numbers())
            if leg is None:
                return None
            if leg.answered_at is not None and cdr.linked_id:
                leg = replace(leg, hold_seconds=self.holds.take(cdr.linked_id, cdr.ended_at))
            await self._port.record(leg)
            return leg
        except (MalformedCdr, ServiceError) as exc:
            log.warning("CDR of %s not recorded: %s", event.get("UniqueID"), exc)
            return None

    async def close(self) -> None:
        await asyncio.gather(*self._pending, return_exceptions=True)


class DbExtensionCalls:
    """Each leg in its own short transaction."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def extension_numbers(self) -> Collection[str]:
        async with self._sessions() as session:
            return await extension_calls.extension_numbers(session)

    async def record(self, leg: ExtensionCallLeg) -> None:
        async with self._sessions.begin() as session:
            await extension_calls.record_extension_call(session, leg)
