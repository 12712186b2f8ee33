"""AMI Cdr events -> direct-call legs: which legs count, their direction, answered or not, and
(through the database port) their ring and talk time."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from yeastar_ctl.db.engine import session_factory
from yeastar_ctl.db.extension_call_models import CallDirection, CallDisposition, ExtensionCall
from yeastar_ctl.services import extensions
from yeastar_ctl.services.extension_calls import ExtensionCallLeg
from yeastar_ctl.telephony.extension_calls import (
    HOLD_MEMORY,
    DbExtensionCalls,
    ExtensionCalls,
    HoldTimes,
    MalformedCdr,
    call_direction,
    endpoint_of,
    extension_call,
    parse_cdr,
)

EXTENSIONS = frozenset({"1001", "1002"})
START = 1732280400.25  # 2024-11-22 13:00:00.25 UTC


def cdr(**fields: Any) -> dict[str, str]:
    """An answered 1001 -> 1002 Dial as cdr_manager sends it: rang 4.5 s, talked 62.3 s."""
    event = {
        "Event": "Cdr", "AccountCode": "", "Source": "1001", "Destination": "1002",
        "DestinationContext": "yc-internal", "CallerID": '"Alice Smith" <1001>',
        "Channel": "PJSIP/1001-0000000a", "DestinationChannel": "PJSIP/1002-0000000b",
        "LastApplication": "Dial", "LastData": "PJSIP/1002,30", "StartTime": "2024-11-22 13:00:00",
        "AnswerTime": "2024-11-22 13:00:04", "EndTime": "2024-11-22 13:01:07", "Duration": "67",
        "BillableSeconds": "62", "Disposition": "ANSWERED", "AMAFlags": "DOCUMENTATION",
        "UniqueID": "1732280400.20", "UserField": "", "StartEpoch": f"{START:.6f}",
        "AnswerEpoch": f"{START + 4.5:.6f}", "EndEpoch": f"{START + 66.8:.6f}", "LinkedID": "1732280400.20",
    }
    return {**event, **fields}


def at(offset: float) -> datetime:
    return datetime.fromtimestamp(START + offset, UTC)


class FakeClock:
    def __init__(self) -> None:
        self.now = at(0)

    def __call__(self) -> datetime:
        return self.now


def test_an_answered_internal_call() -> None:
    leg = extension_call(parse_cdr(cdr()), EXTENSIONS)
    assert leg == ExtensionCallLeg(
        direction=CallDirection.INTERNAL, caller_number="1001", caller_name="Alice Smith", callee_number="1002",
        caller_extension="1001", callee_extension="1002", started_at=at(0), answered_at=at(4.5),
        ended_at=at(66.8), disposition=CallDisposition.ANSWERED, unique_id="1732280400.20",
        linked_id="1732280400.20",
    )


def test_inbound_from_a_trunk_keeps_the_callers_number() -> None:
    event = cdr(Channel="PJSIP/carrier-00000003", Source="15880123456", CallerID='"Terrell" <15880123456>',
                Destination="1002", DestinationContext="yc-from-trunk")
    leg = extension_call(parse_cdr(event), EXTENSIONS)
    assert leg is not None
    assert leg.direction == CallDirection.INBOUND
    assert (leg.caller_number, leg.caller_name, leg.caller_extension) == ("15880123456", "Terrell", None)
    assert (leg.callee_number, leg.callee_extension) == ("1002", "1002")


def test_outbound_to_a_trunk_keeps_the_dialled_number() -> None:
    event = cdr(DestinationChannel="PJSIP/carrier-00000004", Destination="0015551234", CallerID="<1001>")
    leg = extension_call(parse_cdr(event), EXTENSIONS)
    assert leg is not None
    assert leg.direction == CallDirection.OUTBOUND
    assert (leg.caller_number, leg.caller_name, leg.caller_extension) == ("1001", None, "1001")
    assert (leg.callee_number, leg.callee_extension) == ("0015551234", None)


@pytest.mark.parametrize(
    ("caller", "callee", "direction"),
    [
        ("1001", "1002", CallDirection.INTERNAL),
        ("carrier", "1002", CallDirection.INBOUND),
        ("1001", "carrier", CallDirection.OUTBOUND),
        ("carrier", "other-carrier", None),  # no extension involved
    ],
)
def test_direction_comes_from_which_endpoints_are_extensions(
    caller: str, callee: str, direction: CallDirection | None
) -> None:
    assert call_direction(caller, callee, EXTENSIONS) == direction


@pytest.mark.parametrize(
    "fields",
    [
        # Queue calls and feature codes: the Stasis app records them (caller or agent channel).
        {"LastApplication": "Stasis", "LastData": "yeastar_ctl,queue,6400"},
        {"Channel": "PJSIP/1002-0000000c", "DestinationChannel": "", "LastApplication": "Stasis"},
        # Queue machinery: a callback's Local channel, bridge media, snooping.
        {"Channel": "Local/1002@yc-internal-00000001;2"},
        {"DestinationChannel": "Announcer/ARI-00000001;1"},
        {"DestinationChannel": "Snoop/1732280400.21-00000001"},
        # One party only: voicemail, or a dial that never created the callee.
        {"DestinationChannel": "", "LastApplication": "VoiceMail"},
    ],
)
def test_legs_that_are_not_direct_calls_are_left_out(fields: dict[str, str]) -> None:
    assert extension_call(parse_cdr(cdr(**fields)), EXTENSIONS) is None


@pytest.mark.parametrize(
    ("disposition", "stored"),
    [("NO ANSWER", CallDisposition.NO_ANSWER), ("BUSY", CallDisposition.BUSY), ("FAILED", CallDisposition.FAILED),
     ("CONGESTION", CallDisposition.CONGESTION)],
)
def test_an_unanswered_call_has_no_answer_time(disposition: str, stored: CallDisposition) -> None:
    # Asterisk fills AnswerTime with the start on unanswered legs; that is no answer.
    leg = extension_call(parse_cdr(cdr(Disposition=disposition, AnswerEpoch=f"{START:.6f}")), EXTENSIONS)
    assert leg is not None
    assert (leg.disposition, leg.answered_at) == (stored, None)


def test_channel_names_give_pjsip_endpoints_only() -> None:
    assert endpoint_of("PJSIP/1001-0000000a") == "1001"
    assert endpoint_of("PJSIP/my-carrier-000001ff") == "my-carrier"
    assert endpoint_of("Local/1001@yc-internal-00000001;1") is None
    assert endpoint_of("") is None


@pytest.mark.parametrize(
    "fields",
    [{"StartEpoch": ""}, {"EndEpoch": "yesterday"}, {"Disposition": "MAYBE"}],
)
def test_an_event_without_the_mapped_fields_is_refused(fields: dict[str, str]) -> None:
    with pytest.raises(MalformedCdr):
        parse_cdr(cdr(**fields))


class FakePort:
    def __init__(self) -> None:
        self.legs: list[ExtensionCallLeg] = []
        self.lookups = 0

    async def extension_numbers(self) -> frozenset[str]:
        self.lookups += 1
        return EXTENSIONS

    async def record(self, leg: ExtensionCallLeg) -> None:
        self.legs.append(leg)


async def test_the_handler_records_direct_calls_and_ignores_the_rest() -> None:
    port = FakePort()
    calls = ExtensionCalls(port, FakeClock())
    calls.on_cdr(None, cdr())
    calls.on_cdr(None, cdr(LastApplication="Stasis"))  # no extension lookup for queue legs
    calls.on_cdr(None, cdr(StartEpoch=""))  # logged, not raised into the AMI reader
    await calls.close()
    assert [(leg.caller_extension, leg.callee_extension) for leg in port.legs] == [("1001", "1002")]
    assert port.lookups == 1


async def test_the_database_port_stores_ring_and_talk_time(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    async with sessions.begin() as session:
        for number in ("1001", "1002"):
            await extensions.create_extension(session, number, f"Ext {number}")
    calls = ExtensionCalls(DbExtensionCalls(sessions), FakeClock())
    calls.holds.held("1732280400.20", "1732280400.21", at(20))
    calls.holds.resumed("1732280400.20", "1732280400.21", at(32.6))
    await calls.handle(cdr())
    await calls.handle(cdr(Disposition="NO ANSWER", EndEpoch=f"{START + 20.4:.6f}", UniqueID="u2"))
    async with sessions() as session:
        rows = list(await session.scalars(select(ExtensionCall).order_by(ExtensionCall.id)))
    # Answered: rang 4.5 s -> 5 (half up), talked 62.3 s -> 62, held 12.6 s -> 13 of it.
    # Unanswered: rang 20.4 s -> 20.
    assert [(r.disposition, r.ring_seconds, r.talk_seconds, r.hold_seconds, r.answered_at) for r in rows] == [
        (CallDisposition.ANSWERED, 5, 62, 13, at(4.5)),
        (CallDisposition.NO_ANSWER, 20, 0, 0, None),
    ]


def hold_event(name: str, channel: str, **fields: str) -> dict[str, str]:
    return {"Event": name, "Channel": "PJSIP/1002-0000000b", "Uniqueid": channel, "Linkedid": "1732280400.20",
            "MusicClass": "default", **fields}


async def test_holds_from_ami_are_added_up_per_call_and_given_to_the_answered_leg() -> None:
    port, clock = FakePort(), FakeClock()
    calls = ExtensionCalls(port, clock)
    events: dict[str, object] = {}
    calls.subscribe(lambda name, handler: events.__setitem__(name, handler))
    assert set(events) == {"Cdr", "Hold", "Unhold"}
    clock.now = at(10)
    calls.on_hold(None, hold_event("Hold", "callee"))  # the callee holds for 5 s...
    clock.now = at(15)
    calls.on_unhold(None, hold_event("Unhold", "callee"))
    # ...then the caller, from 30 s (the event's own timestamp) until the call ends at 66.8 s.
    calls.on_hold(None, hold_event("Hold", "caller", Timestamp=f"{START + 30:.6f}"))
    calls.on_hold(None, {"Event": "Hold", "Channel": "PJSIP/1001-0000000a"})  # no ids: ignored
    await calls.handle(cdr(Disposition="NO ANSWER", UniqueID="fork"))  # an unanswered leg takes none
    leg = await calls.handle(cdr())
    assert leg is not None and leg.hold_seconds == 5 + 37  # 36.8 s -> 37
    assert replace(leg, hold_seconds=0) == extension_call(parse_cdr(cdr()), EXTENSIONS)
    assert calls.holds.take("1732280400.20", at(100)) == 0  # taken: a second leg starts afresh


def test_hold_times_forget_calls_no_cdr_claimed() -> None:
    holds = HoldTimes()
    holds.held("queue-call", "agent", at(0))  # a queue call: the Stasis app times its holds
    holds.resumed("unknown", "agent", at(1))  # a resume never held: nothing
    holds.forget_before(at(0) + HOLD_MEMORY)
    assert holds.take("queue-call", at(10)) == 10
    holds.held("queue-call", "agent", at(0))
    holds.forget_before(at(1) + HOLD_MEMORY)
    assert holds.take("queue-call", at(10)) == 0
