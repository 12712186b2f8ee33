"""The call flows' ports, implemented on the real services (database) and ARI."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from yeastar_ctl.services import call_events, contacts
from yeastar_ctl.db.enums import AgentEventSource, Presence
from yeastar_ctl.services.agent_state import load_agent_states, pause_agent
from yeastar_ctl.services.business_hours import load_time_table
from yeastar_ctl.services.config_snapshot import load_config_snapshot, load_queue_config
from yeastar_ctl.telephony.acd_inputs import queue_policy
from yeastar_ctl.telephony.distributor import RoutingConfig
from yeastar_ctl.telephony.ports import CallerInfo, QueueRoute


class DbQueueDirectory:
    """Reads a queue's settings when a caller joins, so changes apply to the next call without
    reloading Asterisk."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def queue_route(self, number: str) -> QueueRoute | None:
        async with self._sessions() as session:
            queue = await load_queue_config(session, number)
            if queue is None:
                return None
            if not queue.settings.time_condition_enabled:
                return QueueRoute(queue.number, queue.name, queue.settings)
            hours, holidays = await load_time_table(session)
        return QueueRoute(queue.number, queue.name, queue.settings, hours, holidays)


async def load_routing_config(sessions: async_sessionmaker[AsyncSession]) -> RoutingConfig:
    async with sessions() as session:
        snapshot = await load_config_snapshot(session)
        states = await load_agent_states(session, snapshot.dynamic_queues_of())
    return RoutingConfig(
        queues={q.number: queue_policy(q.number, q.settings) for q in snapshot.queues},
        members={q.number: q.members for q in snapshot.queues},
        agent_states=states,
        pause_names={r.code: r.name for r in snapshot.pause_reasons},
        shared_wrapup=snapshot.queue_options.shared_wrapup,
        do_not_disturb=frozenset(e.number for e in snapshot.extensions if e.presence == Presence.DO_NOT_DISTURB),
    )


class DbContactLookup:
    """Seed, Company Contacts matching: the options and contacts are read per call, so a change
    applies to the next call."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def __call__(self, number: str) -> str | None:
        async with self._sessions() as session:
            return await contacts.match_caller(session, number)


class DbAutoPause:
    """Seed, Agent Auto Pause: the pause is an agent event (source auto_pause) like any other."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def __call__(self, agent: str, queue: str, at: datetime) -> None:
        async with self._sessions.begin() as session:
            await pause_agent(session, agent=agent, queue=queue, at=at, source=AgentEventSource.AUTO_PAUSE)


class DbCallRecorder:
    """Each step in its own short transaction: a crash mid-call loses nothing already seen."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def joined(self, call_id: str, queue: QueueRoute, caller: CallerInfo, channel_id: str, at: datetime) -> None:
        async with self._sessions.begin() as session:
            await call_events.record_call_joined(
                session, call_id=call_id, queue_number=queue.number, caller_number=caller.number,
                caller_name=caller.name or None, channel_id=channel_id, joined_at=at,
            )

    async def ring_started(self, call_id: str, agent: str, at: datetime) -> int:
        async with self._sessions.begin() as session:
            attempt = await call_events.record_ring_started(session, call_id, agent_extension=agent, started_at=at)
            return attempt.id

    async def ring_ended(self, attempt_id: int, result: str, at: datetime) -> None:
        async with self._sessions.begin() as session:
            await call_events.record_ring_ended(session, attempt_id, ended_at=at, result=result)

    async def answered(self, call_id: str, agent: str, at: datetime) -> None:
        async with self._sessions.begin() as session:
            await call_events.record_call_answered(session, call_id, agent_extension=agent, answered_at=at)

    async def ended(self, call_id: str, status: str, at: datetime, reason: str | None) -> None:
        async with self._sessions.begin() as session:
            await call_events.record_call_ended(
                session, call_id, ended_at=at, status=None if status == "answered" else status, reason=reason,
            )

    async def callback_requested(self, call_id: str, queue: str, number: str, at: datetime,
                                 failed_reason: str | None = None) -> int:
        async with self._sessions.begin() as session:
            request = await call_events.record_callback_requested(
                session, call_id=call_id, queue_number=queue, callback_number=number, at=at,
                result="failed" if failed_reason else "pending", reason=failed_reason,
            )
            return request.id

    async def callback_ended(self, request_id: int, result: str, at: datetime, reason: str | None,
                             agent: str | None) -> None:
        async with self._sessions.begin() as session:
            await call_events.record_callback_ended(
                session, request_id, result=result, at=at, reason=reason, agent_extension=agent,
            )

    async def held(self, call_id: str, seconds: int) -> None:
        async with self._sessions.begin() as session:
            await call_events.add_hold_seconds(session, call_id, seconds)

    async def close_interrupted(self, at: datetime) -> list[str]:
        async with self._sessions.begin() as session:
            return await call_events.close_interrupted_calls(session, at=at)

    async def recording(self, call_id: str, name: str) -> None:
        async with self._sessions.begin() as session:
            await call_events.record_recording(session, call_id, name)

    async def survey(self, call_id: str, queue: str, agent: str, caller: str, key: str, points: int, at: datetime) -> None:
        async with self._sessions.begin() as session:
            await call_events.record_survey(
                session, call_id=call_id, queue_number=queue, agent_extension=agent, caller_number=caller,
                key=key, points=points, at=at,
            )
