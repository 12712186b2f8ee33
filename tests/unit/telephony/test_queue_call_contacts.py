"""Seed, Company Contacts matching: the agent's phone shows the matched contact's name as the
caller's name, through the flow's contact lookup port (fake ARI, fake lookup)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from test_queue_call import ROUTE, FakeAri, FakeClock, FakeDevices, FakeRecorder, Tracker, routing_config

from yeastar_ctl.telephony.distributor import Distributor, RoutingConfig
from yeastar_ctl.telephony.media import Prompts
from yeastar_ctl.telephony.ports import CallerInfo, ContactLookup
from yeastar_ctl.telephony.queue_call import QueueCallFlow


@dataclass
class CallerIdAri(FakeAri):
    caller_ids: list[str] = field(default_factory=list)

    async def originate(self, endpoint: str, **kwargs: Any) -> None:
        self.caller_ids.append(kwargs["caller_id"])
        await super().originate(endpoint, **kwargs)


@dataclass
class Contacts:
    """A lookup that knows some numbers, keeps what it was asked and can be told to fail."""

    names: dict[str, str]
    error: Exception | None = None
    asked: list[str] = field(default_factory=list)

    async def __call__(self, number: str) -> str | None:
        self.asked.append(number)
        if self.error is not None:
            raise self.error
        return self.names.get(number)


Ring = Callable[[ContactLookup | None], Awaitable[CallerIdAri]]


@pytest.fixture
async def ring_with() -> AsyncIterator[Ring]:
    """Start a call from "Terrell" <15880123456> with the given lookup; the ARI once agent 1001 rings."""
    cleanup: list[tuple[asyncio.Task[None], Distributor]] = []

    async def ring(contacts: ContactLookup | None) -> CallerIdAri:
        ari = CallerIdAri()

        async def load() -> RoutingConfig:
            return routing_config()

        async def auto_pause(*_: Any) -> None:
            pass

        clock = FakeClock()
        distributor = Distributor(load_config=load, devices=FakeDevices(("1001",), ari.changed), clock=clock,
                                  random_seed=lambda: 7, auto_pause=auto_pause)
        flow = QueueCallFlow(
            ari=ari, recorder=FakeRecorder(), distributor=distributor, tracker=Tracker(),  # type: ignore[arg-type]
            route=ROUTE, caller_channel_id="caller", caller=CallerInfo("15880123456", "Terrell"),
            call_id="c1", app="yeastar_ctl", clock=clock, prompts=Prompts(ari), contacts=contacts,  # type: ignore[arg-type]
        )
        cleanup.append((asyncio.create_task(flow.run()), distributor))
        await ari.wait_for(lambda: ari.caller_ids)
        return ari

    yield ring
    for task, distributor in cleanup:
        task.cancel()
        await distributor.close()


async def test_a_matched_contact_name_is_the_caller_name_on_the_agent_phone(ring_with: Ring) -> None:
    contacts = Contacts({"15880123456": "Ann Lee (Acme)"})
    ari = await ring_with(contacts)
    assert ari.caller_ids == ['"Ann Lee (Acme)" <15880123456>']
    assert contacts.asked == ["15880123456"]  # once per call, not per ring


async def test_without_a_match_the_phone_shows_the_callers_own_name(ring_with: Ring) -> None:
    assert (await ring_with(Contacts({}))).caller_ids == ['"Terrell" <15880123456>']
    assert (await ring_with(None)).caller_ids == ['"Terrell" <15880123456>']


async def test_a_failing_lookup_does_not_stop_the_call(ring_with: Ring) -> None:
    ari = await ring_with(Contacts({}, error=RuntimeError("database down")))
    assert ari.caller_ids == ['"Terrell" <15880123456>']


async def test_a_double_quote_in_the_name_cannot_break_the_caller_id(ring_with: Ring) -> None:
    ari = await ring_with(Contacts({"15880123456": 'Bob "The Builder"'}))
    assert ari.caller_ids == ['"Bob \'The Builder\'" <15880123456>']
