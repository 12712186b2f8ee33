"""Agents changing their state by feature code (seed: "Allow Agents to Manage Their Status by
Dialing a Feature Code", "Monitor Specific Pause Status of an Agent by Function Key").

The PBX of these tests, with the default codes *7, *07, *77, *077, *78 and the default pause
reasons *01 Lunch, *02 Break, *03 Wrap up:

    6400 Support   static 1001, dynamic 1002 and 1003, managed by 1000
    6401 Sales     dynamic 1001 and 1002
    6402 Billing   dynamic 1002

1004 is an extension in no queue. Each code is decoded the way the phone's dial is, then
planned against a snapshot built by the real services, or executed to write agent event rows.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from postgres import Unchanged
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.agents.codes import (
    Action,
    Command,
    DecodeError,
    FeatureCodeSet,
    decode,
)
from yeastar_ctl.db.enums import AgentEventKind, AgentEventSource
from yeastar_ctl.db.models import AgentEvent
from yeastar_ctl.services import extensions, queues
from yeastar_ctl.services.agent_commands import (
    AgentCommandRefused,
    Refusal,
    StateChange,
    execute,
    plan,
)
from yeastar_ctl.services.agent_state import (
    LOGGED_OUT,
    AgentHistory,
    AgentQueueState,
    load_agent_history,
)
from yeastar_ctl.services.config_snapshot import ConfigSnapshot, load_config_snapshot
from yeastar_ctl.services.queues import ManagerSpec

LOGIN = AgentEventKind.LOGIN
LOGOUT = AgentEventKind.LOGOUT
PAUSE = AgentEventKind.PAUSE
UNPAUSE = AgentEventKind.UNPAUSE
REASON_CHANGE = AgentEventKind.PAUSE_REASON_CHANGE
START = datetime(2025, 6, 24, 9, 0, tzinfo=UTC)


@pytest.fixture
async def pbx(session: AsyncSession) -> AsyncSession:
    for number in ("1000", "1001", "1002", "1003", "1004"):
        await extensions.create_extension(session, number, f"Agent {number}")
    await queues.create_queue(session, "6400", "Support")
    await queues.create_queue(session, "6401", "Sales")
    await queues.create_queue(session, "6402", "Billing")
    await queues.set_members(session, "6400", static=[("1001", 1)], dynamic=[("1002", 1), ("1003", 1)])
    await queues.set_members(session, "6401", dynamic=[("1001", 1), ("1002", 1)])
    await queues.set_members(session, "6402", dynamic=[("1002", 1)])
    await queues.set_managers(session, "6400", [ManagerSpec("1000")])
    await session.commit()
    return session


class Clock:
    """Each dial a minute after the last, so the rows replay in dialling order."""

    def __init__(self) -> None:
        self.now = START

    def tick(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def _command(snapshot: ConfigSnapshot, dialed: str) -> Command:
    codes = FeatureCodeSet.from_pairs((f.key.value, f.code, f.enabled) for f in snapshot.feature_codes)
    command = decode(
        dialed, codes, queues={q.number for q in snapshot.queues},
        extensions={e.number for e in snapshot.extensions}, reasons={r.code for r in snapshot.pause_reasons},
    )
    assert not isinstance(command, DecodeError), command
    return command


async def _history(session: AsyncSession, snapshot: ConfigSnapshot) -> AgentHistory:
    return await load_agent_history(session)  # as execute() reads it


async def planned(session: AsyncSession, caller: str, dialed: str | Command) -> list[StateChange]:
    """What ``caller`` dialing ``dialed`` would do, without writing anything."""
    snapshot = await load_config_snapshot(session)
    history = await _history(session, snapshot)
    command = dialed if isinstance(dialed, Command) else _command(snapshot, dialed)
    return plan(snapshot, history.states, history.last_queues, caller=caller, command=command)


async def dial(session: AsyncSession, clock: Clock, caller: str, dialed: str | Command) -> list[StateChange]:
    """``caller`` dials ``dialed``: the change is executed and committed, as FeatureCodes does."""
    command = dialed if isinstance(dialed, Command) else _command(await load_config_snapshot(session), dialed)
    changes = await execute(
        session, caller=caller, command=command, at=clock.tick(), source=AgentEventSource.FEATURE_CODE
    )
    await session.commit()
    return changes


async def state(session: AsyncSession, agent: str, queue: str) -> AgentQueueState:
    history = await _history(session, await load_config_snapshot(session))
    return history.states.get((agent, queue), LOGGED_OUT)


async def rows(session: AsyncSession) -> list[tuple[str, str | None, AgentEventKind, str | None, AgentEventSource]]:
    events = await session.scalars(select(AgentEvent).order_by(AgentEvent.at, AgentEvent.id))
    return [(e.agent_extension, e.queue_number, e.kind, e.reason_code, e.source) for e in events]


async def refused(unchanged: Unchanged, session: AsyncSession, clock: Clock, caller: str,
                  dialed: str | Command) -> Refusal:
    """``caller`` dials ``dialed``; it is refused and no row is written. Returns why."""
    async with unchanged(AgentCommandRefused) as caught:
        await dial(session, clock, caller, dialed)
    assert isinstance(caught.value, AgentCommandRefused)
    return caught.value.refusal


def change(agent: str, queue: str | None, kind: AgentEventKind, reason: str | None = None) -> StateChange:
    return StateChange(agent, queue, kind, reason)


# --- Log in / log out of one queue (*7<queue>) ---------------------------------------------------


async def test_dynamic_agent_1002_logs_in_to_6400_with_star_76400_and_out_again(pbx: AsyncSession, clock: Clock) -> None:
    assert await planned(pbx, "1002", "*76400") == [change("1002", "6400", LOGIN)]
    assert await dial(pbx, clock, "1002", "*76400") == [change("1002", "6400", LOGIN)]
    logged_in = await state(pbx, "1002", "6400")
    assert logged_in.logged_in and logged_in.login_at is not None
    assert await state(pbx, "1002", "6401") == LOGGED_OUT  # only the dialled queue

    assert await planned(pbx, "1002", "*76400") == [change("1002", "6400", LOGOUT)]
    assert await dial(pbx, clock, "1002", "*76400") == [change("1002", "6400", LOGOUT)]
    assert await state(pbx, "1002", "6400") == LOGGED_OUT
    assert await rows(pbx) == [
        ("1002", "6400", LOGIN, None, AgentEventSource.FEATURE_CODE),
        ("1002", "6400", LOGOUT, None, AgentEventSource.FEATURE_CODE),
    ]


async def test_static_agent_1001_is_always_in_6400_and_cannot_toggle_login(
    pbx: AsyncSession, clock: Clock, unchanged: Unchanged
) -> None:
    assert await refused(unchanged, pbx, clock, "1001", "*76400") == Refusal.STATIC_AGENT
    # The same agent is dynamic in 6401, where *76401 works.
    assert await dial(pbx, clock, "1001", "*76401") == [change("1001", "6401", LOGIN)]


async def test_agent_1004_in_no_queue_cannot_log_in_to_6400(
    pbx: AsyncSession, clock: Clock, unchanged: Unchanged
) -> None:
    assert await refused(unchanged, pbx, clock, "1004", "*76400") == Refusal.NOT_A_MEMBER
    # 1003 is in 6400 but not in 6401.
    assert await refused(unchanged, pbx, clock, "1003", "*76401") == Refusal.NOT_A_MEMBER
    assert await rows(pbx) == []


async def test_a_queue_that_no_longer_exists_is_unknown(
    pbx: AsyncSession, clock: Clock, unchanged: Unchanged
) -> None:
    # decode() only lets known queues through; a queue deleted in between reaches plan() so.
    for action in (Action.LOGIN_TOGGLE, Action.PAUSE_TOGGLE):
        command = Command(action, queue="6499")
        with pytest.raises(AgentCommandRefused) as caught:
            await planned(pbx, "1002", command)
        assert caught.value.refusal == Refusal.UNKNOWN
        assert await refused(unchanged, pbx, clock, "1002", command) == Refusal.UNKNOWN


# --- Pause / unpause (*07<queue>[*<reason>]) ----------------------------------------------------


async def test_static_agent_1001_dials_star_076400_star_03_and_is_paused_for_wrap_up(
    pbx: AsyncSession, clock: Clock
) -> None:
    """Seed: an agent dials "*076400*03" to pause from queue 6400 for Wrap up."""
    assert await dial(pbx, clock, "1001", "*076400*03") == [change("1001", "6400", PAUSE, "*03")]
    paused = await state(pbx, "1001", "6400")
    assert (paused.paused, paused.pause_reason) == (True, "*03")
    assert await rows(pbx) == [("1001", "6400", PAUSE, "*03", AgentEventSource.FEATURE_CODE)]


async def test_pause_without_reason_then_the_same_code_unpauses(pbx: AsyncSession, clock: Clock) -> None:
    """Seed: 1000 dials *076400 to pause calls from 6400, and *076400 again to unpause."""
    assert await dial(pbx, clock, "1001", "*076400") == [change("1001", "6400", PAUSE)]
    assert (await state(pbx, "1001", "6400")).paused
    assert await dial(pbx, clock, "1001", "*076400") == [change("1001", "6400", UNPAUSE)]
    assert not (await state(pbx, "1001", "6400")).paused


@pytest.mark.parametrize("again", ["*076400*01", "*076400"], ids=["same-reason", "no-reason"])
async def test_paused_for_lunch_dialling_lunch_or_no_reason_unpauses(
    pbx: AsyncSession, clock: Clock, again: str
) -> None:
    await dial(pbx, clock, "1001", "*076400*01")
    assert await planned(pbx, "1001", again) == [change("1001", "6400", UNPAUSE)]
    await dial(pbx, clock, "1001", again)
    assert await state(pbx, "1001", "6400") == AgentQueueState()


async def test_paused_for_lunch_dialling_break_changes_the_reason(pbx: AsyncSession, clock: Clock) -> None:
    await dial(pbx, clock, "1001", "*076400*01")
    assert await dial(pbx, clock, "1001", "*076400*02") == [change("1001", "6400", REASON_CHANGE, "*02")]
    still = await state(pbx, "1001", "6400")
    assert (still.paused, still.pause_reason) == (True, "*02")
    # Now Break is the reason in force: dialling it again unpauses.
    assert await planned(pbx, "1001", "*076400*02") == [change("1001", "6400", UNPAUSE)]


async def test_paused_without_reason_dialling_a_reason_gives_the_pause_that_reason(
    pbx: AsyncSession, clock: Clock
) -> None:
    await dial(pbx, clock, "1001", "*076400")
    assert await planned(pbx, "1001", "*076400*03") == [change("1001", "6400", REASON_CHANGE, "*03")]


async def test_a_pause_in_one_queue_leaves_the_others(pbx: AsyncSession, clock: Clock) -> None:
    await dial(pbx, clock, "1002", "*77")
    await dial(pbx, clock, "1002", "*076401*02")
    assert (await state(pbx, "1002", "6401")).paused
    assert not (await state(pbx, "1002", "6400")).paused


async def test_an_unknown_pause_reason_is_refused(pbx: AsyncSession, clock: Clock, unchanged: Unchanged) -> None:
    command = Command(Action.PAUSE_TOGGLE, queue="6400", reason="*09")  # deleted after decoding
    assert await refused(unchanged, pbx, clock, "1001", command) == Refusal.UNKNOWN
    await dial(pbx, clock, "1001", "*076400*01")
    assert await refused(unchanged, pbx, clock, "1001", command) == Refusal.UNKNOWN
    assert (await state(pbx, "1001", "6400")).pause_reason == "*01"


async def test_dynamic_agent_not_logged_in_cannot_pause(
    pbx: AsyncSession, clock: Clock, unchanged: Unchanged
) -> None:
    assert await refused(unchanged, pbx, clock, "1002", "*076400") == Refusal.NOT_LOGGED_IN
    assert await refused(unchanged, pbx, clock, "1002", "*076400*03") == Refusal.NOT_LOGGED_IN
    await dial(pbx, clock, "1002", "*76400")
    assert await dial(pbx, clock, "1002", "*076400*03") == [change("1002", "6400", PAUSE, "*03")]


async def test_logging_out_ends_the_pause(pbx: AsyncSession, clock: Clock, unchanged: Unchanged) -> None:
    await dial(pbx, clock, "1002", "*76400")
    await dial(pbx, clock, "1002", "*076400*01")
    await dial(pbx, clock, "1002", "*76400")
    assert await state(pbx, "1002", "6400") == LOGGED_OUT
    assert await refused(unchanged, pbx, clock, "1002", "*076400") == Refusal.NOT_LOGGED_IN


# --- BLF keys acting on another agent (*07<ext>*<queue>[*<reason>], *7<ext>*<queue>) -------------


async def test_agent_1001_may_press_their_own_blf_key(pbx: AsyncSession, clock: Clock) -> None:
    assert await dial(pbx, clock, "1001", "*071001*6400*01") == [change("1001", "6400", PAUSE, "*01")]
    assert await dial(pbx, clock, "1001", "*071001*6400*01") == [change("1001", "6400", UNPAUSE)]


async def test_manager_1000_of_6400_pauses_agent_1001_for_lunch(pbx: AsyncSession, clock: Clock) -> None:
    """Seed: Key 1, BLF *071001*6400*01, label Agent1001_Lunch."""
    assert await dial(pbx, clock, "1000", "*071001*6400*01") == [change("1001", "6400", PAUSE, "*01")]
    assert (await state(pbx, "1001", "6400")).pause_reason == "*01"
    # The row is the agent's, not the manager's.
    assert await rows(pbx) == [("1001", "6400", PAUSE, "*01", AgentEventSource.FEATURE_CODE)]
    # The manager logs the dynamic agent 1003 in with a login key.
    assert await dial(pbx, clock, "1000", "*71003*6400") == [change("1003", "6400", LOGIN)]


async def test_anybody_else_may_not_act_for_agent_1001(
    pbx: AsyncSession, clock: Clock, unchanged: Unchanged
) -> None:
    # 1003 is a fellow agent of 6400, not a manager; 1004 is nobody in the queue.
    for caller in ("1003", "1004"):
        assert await refused(unchanged, pbx, clock, caller, "*071001*6400*01") == Refusal.NOT_PERMITTED
        assert await refused(unchanged, pbx, clock, caller, "*71002*6400") == Refusal.NOT_PERMITTED
    # 1000 manages 6400 only, not 6401.
    assert await refused(unchanged, pbx, clock, "1000", "*71001*6401") == Refusal.NOT_PERMITTED


async def test_the_blf_shape_keeps_the_agents_own_refusals(
    pbx: AsyncSession, clock: Clock, unchanged: Unchanged
) -> None:
    assert await refused(unchanged, pbx, clock, "1000", "*71001*6400") == Refusal.STATIC_AGENT
    assert await refused(unchanged, pbx, clock, "1000", "*071004*6400") == Refusal.NOT_A_MEMBER
    assert await refused(unchanged, pbx, clock, "1000", "*071002*6400") == Refusal.NOT_LOGGED_IN


async def test_a_new_manager_may_press_the_key(pbx: AsyncSession, clock: Clock, unchanged: Unchanged) -> None:
    assert await refused(unchanged, pbx, clock, "1003", "*071001*6400*02") == Refusal.NOT_PERMITTED
    await queues.set_managers(pbx, "6400", [ManagerSpec("1000"), ManagerSpec("1003")])
    await pbx.commit()
    assert await dial(pbx, clock, "1003", "*071001*6400*02") == [change("1001", "6400", PAUSE, "*02")]


# --- Log in to all (*77), log out of all (*077), log in to the last queues (*78) -----------------


async def test_login_all_logs_in_to_every_dynamic_queue(pbx: AsyncSession, clock: Clock) -> None:
    assert await dial(pbx, clock, "1002", "*77") == [
        change("1002", "6400", LOGIN), change("1002", "6401", LOGIN), change("1002", "6402", LOGIN),
    ]
    # 1001 is static in 6400: only the dynamic 6401 is logged in to.
    assert await dial(pbx, clock, "1001", "*77") == [change("1001", "6401", LOGIN)]


async def test_login_all_skips_queues_already_logged_in(
    pbx: AsyncSession, clock: Clock, unchanged: Unchanged
) -> None:
    await dial(pbx, clock, "1002", "*76401")
    assert await planned(pbx, "1002", "*77") == [change("1002", "6400", LOGIN), change("1002", "6402", LOGIN)]
    await dial(pbx, clock, "1002", "*77")
    assert await refused(unchanged, pbx, clock, "1002", "*77") == Refusal.NOTHING_TO_DO


async def test_logout_all_writes_one_all_queue_row(pbx: AsyncSession, clock: Clock) -> None:
    await dial(pbx, clock, "1002", "*77")
    await dial(pbx, clock, "1002", "*076401*01")
    assert await dial(pbx, clock, "1002", "*077") == [change("1002", None, LOGOUT)]
    assert (await rows(pbx))[-1] == ("1002", None, LOGOUT, None, AgentEventSource.FEATURE_CODE)
    for queue in ("6400", "6401", "6402"):
        assert await state(pbx, "1002", queue) == LOGGED_OUT


async def test_logout_all_leaves_a_static_queue_paused(pbx: AsyncSession, clock: Clock) -> None:
    """Static agents are always in the queue: *077 ends 1001's dynamic 6401 only."""
    await dial(pbx, clock, "1001", "*076400*01")
    await dial(pbx, clock, "1001", "*76401")
    await dial(pbx, clock, "1001", "*077")
    assert await state(pbx, "1001", "6401") == LOGGED_OUT
    still = await state(pbx, "1001", "6400")
    assert (still.paused, still.pause_reason) == (True, "*01")


async def test_login_last_restores_the_queues_of_the_last_logout_all(
    pbx: AsyncSession, clock: Clock, unchanged: Unchanged
) -> None:
    await dial(pbx, clock, "1002", "*77")
    await dial(pbx, clock, "1002", "*76402")  # out of 6402 on its own, before *077
    await dial(pbx, clock, "1002", "*077")
    assert await dial(pbx, clock, "1002", "*78") == [change("1002", "6400", LOGIN), change("1002", "6401", LOGIN)]
    assert await state(pbx, "1002", "6402") == LOGGED_OUT
    assert await refused(unchanged, pbx, clock, "1002", "*78") == Refusal.NOTHING_TO_DO


async def test_login_last_skips_a_queue_logged_in_again_by_hand(pbx: AsyncSession, clock: Clock) -> None:
    await dial(pbx, clock, "1002", "*76400")
    await dial(pbx, clock, "1002", "*76401")
    await dial(pbx, clock, "1002", "*077")
    await dial(pbx, clock, "1002", "*76400")
    assert await dial(pbx, clock, "1002", "*78") == [change("1002", "6401", LOGIN)]


async def test_only_the_last_logout_all_counts(pbx: AsyncSession, clock: Clock) -> None:
    await dial(pbx, clock, "1002", "*77")
    await dial(pbx, clock, "1002", "*077")
    await dial(pbx, clock, "1002", "*76402")
    await dial(pbx, clock, "1002", "*077")
    assert await planned(pbx, "1002", "*78") == [change("1002", "6402", LOGIN)]


async def test_nothing_to_do(pbx: AsyncSession, clock: Clock, unchanged: Unchanged) -> None:
    assert await refused(unchanged, pbx, clock, "1002", "*077") == Refusal.NOTHING_TO_DO  # logged in nowhere
    assert await refused(unchanged, pbx, clock, "1002", "*78") == Refusal.NOTHING_TO_DO  # never logged out of all
    # 1001's only dynamic queue is 6401; once in it there is nothing left to log in to.
    await dial(pbx, clock, "1001", "*76401")
    assert await refused(unchanged, pbx, clock, "1001", "*77") == Refusal.NOTHING_TO_DO


async def test_an_extension_in_no_queue_has_no_queues_to_log_in_to(
    pbx: AsyncSession, clock: Clock, unchanged: Unchanged
) -> None:
    for code in ("*77", "*077", "*78"):
        assert await refused(unchanged, pbx, clock, "1004", code) == Refusal.NOT_A_MEMBER
    assert await rows(pbx) == []


async def test_a_manager_cannot_log_an_agent_out_of_all_queues(pbx: AsyncSession, clock: Clock) -> None:
    """The all-queue codes carry no agent: they always act for the caller."""
    await dial(pbx, clock, "1002", "*77")
    with pytest.raises(AgentCommandRefused) as caught:
        await planned(pbx, "1000", "*077")
    assert caught.value.refusal == Refusal.NOT_A_MEMBER
    assert (await state(pbx, "1002", "6400")).logged_in


async def test_execute_leaves_the_commit_to_the_caller(pbx: AsyncSession, clock: Clock) -> None:
    command = _command(await load_config_snapshot(pbx), "*76400")
    await execute(pbx, caller="1002", command=command, at=clock.tick(), source="feature_code")
    await pbx.rollback()
    assert await rows(pbx) == []
    count = await pbx.scalar(select(func.count()).select_from(AgentEvent))
    assert count == 0
