"""Feature codes change agents in the distributor's memory, with no reload: the state it holds
after each change must be what a reload from the rows (the projection) would give."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from yeastar_ctl.acd.vocabulary import DeviceStatus
from yeastar_ctl.agents.codes import Action, Command
from yeastar_ctl.db.engine import session_factory
from yeastar_ctl.services import agent_commands, extensions, pause_reasons, queues
from yeastar_ctl.telephony.distributor import Distributor
from yeastar_ctl.telephony.service_ports import load_routing_config

T0 = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)

# (caller, command): a morning of feature codes by two dynamic agents and a static one.
DAY = [
    ("1002", Command(Action.LOGIN_TOGGLE, "6400")),
    ("1002", Command(Action.LOGIN_TOGGLE, "6401")),
    ("1003", Command(Action.LOGIN_ALL)),
    ("1002", Command(Action.PAUSE_TOGGLE, "6400", reason="*01")),
    ("1002", Command(Action.PAUSE_TOGGLE, "6400", reason="*02")),  # a change of reason
    ("1001", Command(Action.PAUSE_TOGGLE, "6400")),  # a static agent pauses
    ("1003", Command(Action.LOGOUT_ALL)),
    ("1002", Command(Action.PAUSE_TOGGLE, "6400", reason="*02")),  # back to work
    ("1003", Command(Action.LOGIN_LAST)),
    ("1003", Command(Action.LOGIN_TOGGLE, "6401")),
    ("1002", Command(Action.LOGOUT_ALL)),
    ("1001", Command(Action.PAUSE_TOGGLE, "6400")),
]


class Phones:
    def status(self, extension: str) -> DeviceStatus:
        return DeviceStatus.IDLE

    async def watch(self, extensions: set[str]) -> None:
        pass


async def test_each_change_in_memory_equals_a_reload_from_the_rows(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    async with sessions.begin() as session:
        for number in ("1001", "1002", "1003"):
            await extensions.create_extension(session, number, f"Agent {number}")
        await pause_reasons.replace_pause_reasons(session, [("*01", "Lunch"), ("*02", "Training")])
        for queue in ("6400", "6401"):
            await queues.create_queue(session, queue, f"Queue {queue}")
            await queues.set_members(session, queue, static=[("1001", 1)] if queue == "6400" else [],
                                     dynamic=[("1002", 1), ("1003", 1)])

    async def no_auto_pause(agent: str, queue: str, at: datetime) -> None:
        raise AssertionError("no auto pause expected")

    loads = 0

    async def load() -> object:
        nonlocal loads
        loads += 1
        return await load_routing_config(sessions)

    distributor = Distributor(load_config=load, devices=Phones(), clock=lambda: T0,  # type: ignore[arg-type]
                              random_seed=lambda: 1, auto_pause=no_auto_pause)
    await distributor.refresh_config()
    for n, (caller, command) in enumerate(DAY):
        at = T0 + timedelta(minutes=n)
        async with sessions.begin() as session:
            changes = await agent_commands.execute(session, caller=caller, command=command, at=at,
                                                   source="feature_code")
        distributor.agents_changed(changes, at)
        fresh = Distributor(load_config=lambda: load_routing_config(sessions), devices=Phones(),  # type: ignore[arg-type]
                            clock=lambda: T0, random_seed=lambda: 1, auto_pause=no_auto_pause)
        await fresh.refresh_config()  # what a reload from the rows gives
        in_memory, reloaded = distributor.snapshot(), fresh.snapshot()
        assert in_memory is not None and reloaded is not None
        assert {e: a.memberships for e, a in in_memory.agents.items()} == {
            e: a.memberships for e, a in reloaded.agents.items()}, (n, caller, command)
        await fresh.close()
    assert loads == 1  # the changes never reloaded the configuration
    await distributor.close()
