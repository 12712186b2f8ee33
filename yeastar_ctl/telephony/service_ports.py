"""The call flows' ports, implemented on the real services (database) and ARI."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from itertools import count

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from yeastar_ctl.db.row_writer import RowWriter, Write
from yeastar_ctl.services import call_events, call_recovery, contacts
from yeastar_ctl.services.call_recovery import RecordedCall, RoutingHistory
from yeastar_ctl.db.enums import AgentEventSource, Presence
from yeastar_ctl.services.agent_state import load_agent_states, pause_agent
from yeastar_ctl.services.business_hours import load_time_table
from yeastar_ctl.services.config_snapshot import load_config_snapshot
from yeastar_ctl.telephony.acd_inputs import queue_policy
from yeastar_ctl.telephony.distributor import RoutingConfig
from yeastar_ctl.telephony.ports import CallerInfo, QueueRoute


async def load_routing_config(sessions: async_sessionmaker[AsyncSession]) -> RoutingConfig:
    """Everything routing and a joining caller read, in one go: loaded at start-up and when the
    configuration or an agent's state changes, never per call."""
    async with sessions() as session:
        snapshot = await load_config_snapshot(session)
        states = await load_agent_states(session, snapshot.dynamic_queues_of())
        timed = any(q.settings.time_condition_enabled for q in snapshot.queues)
        hours, holidays = await load_time_table(session) if timed else ((), ())
    return RoutingConfig(
        queues={q.number: queue_policy(q.number, q.settings) for q in snapshot.queues},
        members={q.number: q.members for q in snapshot.queues},
        agent_states=states,
        pause_names={r.code: r.name for r in snapshot.pause_reasons},
        shared_wrapup=snapshot.queue_options.shared_wrapup,
        do_not_disturb=frozenset(e.number for e in snapshot.extensions if e.presence == Presence.DO_NOT_DISTURB),
        routes={
            q.number: QueueRoute(q.number, q.name, q.settings, *((hours, holidays)
                                 if q.settings.time_condition_enabled else ((), ())))
            for q in snapshot.queues
        },
    )


class DbContactLookup:
    """Seed, Company Contacts matching: the options and contacts are read once and kept until
    something says they changed (`forget`), so a caller's join never waits for the database."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._directory: contacts.ContactDirectory | None = None

    def forget(self) -> None:
        self._directory = None

    async def __call__(self, number: str) -> str | None:
        directory = self._directory
        if directory is None:
            async with self._sessions() as session:
                directory = await contacts.load_contact_directory(session)
            self._directory = directory
        return directory.match(number)


class DbAutoPause:
    """Seed, Agent Auto Pause: the pause is an agent event (source auto_pause) like any other."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def __call__(self, agent: str, queue: str, at: datetime) -> None:
        async with self._sessions.begin() as session:
            await pause_agent(session, agent=agent, queue=queue, at=at, source=AgentEventSource.AUTO_PAUSE)


class DbCallRecovery:
    """CallRecovery on the rows; every row already submitted is written before it reads."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], writer: RowWriter) -> None:
        self._sessions = sessions
        self._writer = writer

    async def calls_on_channels(self, channel_ids: Collection[str]) -> dict[str, RecordedCall]:
        await self._writer.drain()
        async with self._sessions() as session:
            return await call_recovery.calls_on_channels(session, channel_ids)

    async def close_calls_not_kept(self, keep: Collection[str], at: datetime, reason: str) -> int:
        await self._writer.drain()
        async with self._sessions.begin() as session:
            return await call_recovery.close_calls_not_kept(session, keep=keep, at=at, reason=reason)

    async def routing_history(self, since: datetime) -> RoutingHistory:
        await self._writer.drain()
        async with self._sessions() as session:
            return await call_recovery.load_routing_history(session, since=since)


class DbCallRecorder:
    """Writes a queue call's rows through the ordered row writer: the call never waits for the
    database, and the rows land in the order things happened. `ring_started` and
    `callback_requested` answer with a handle at once; the row's own id is known to the writer
    by the time a later write (`ring_ended`, `callback_ended`) needs it."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], writer: RowWriter) -> None:
        self._sessions = sessions
        self._writer = writer
        self._handles = count(1)
        self._row_ids: dict[int, int] = {}  # handle -> ring attempt or callback request id

    def _submit(self, write: Write) -> None:
        self._writer.submit(write)

    def _new_handle(self) -> int:
        return next(self._handles)

    def _row_id(self, handle: int) -> int:
        row_id = self._row_ids.pop(handle, None)
        if row_id is None:
            raise LookupError(f"row handle {handle} was never written (its first write failed)")
        return row_id

    async def joined(self, call_id: str, queue: QueueRoute, caller: CallerInfo, channel_id: str, at: datetime) -> None:
        async def write(session: AsyncSession) -> None:
            await call_events.record_call_joined(
                session, call_id=call_id, queue_number=queue.number, caller_number=caller.number,
                caller_name=caller.name or None, channel_id=channel_id, joined_at=at,
            )
        self._submit(write)

    async def ring_started(self, call_id: str, agent: str, at: datetime) -> int:
        handle = self._new_handle()

        async def write(session: AsyncSession) -> None:
            attempt = await call_events.record_ring_started(session, call_id, agent_extension=agent, started_at=at)
            self._row_ids[handle] = attempt.id
        self._submit(write)
        return handle

    async def ring_ended(self, attempt_id: int, result: str, at: datetime) -> None:
        async def write(session: AsyncSession) -> None:
            await call_events.record_ring_ended(session, self._row_id(attempt_id), ended_at=at, result=result)
        self._submit(write)

    async def answered(self, call_id: str, agent: str, at: datetime) -> None:
        async def write(session: AsyncSession) -> None:
            await call_events.record_call_answered(session, call_id, agent_extension=agent, answered_at=at)
        self._submit(write)

    async def ended(self, call_id: str, status: str, at: datetime, reason: str | None) -> None:
        async def write(session: AsyncSession) -> None:
            await call_events.record_call_ended(
                session, call_id, ended_at=at, status=None if status == "answered" else status, reason=reason,
            )
        self._submit(write)

    async def callback_requested(self, call_id: str, queue: str, number: str, at: datetime,
                                 failed_reason: str | None = None) -> int:
        handle = self._new_handle()

        async def write(session: AsyncSession) -> None:
            request = await call_events.record_callback_requested(
                session, call_id=call_id, queue_number=queue, callback_number=number, at=at,
                result="failed" if failed_reason else "pending", reason=failed_reason,
            )
            self._row_ids[handle] = request.id
        self._submit(write)
        return handle

    async def callback_ended(self, request_id: int, result: str, at: datetime, reason: str | None,
                             agent: str | None) -> None:
        async def write(session: AsyncSession) -> None:
            await call_events.record_callback_ended(
                session, self._row_id(request_id), result=result, at=at, reason=reason, agent_extension=agent,
            )
        self._submit(write)

    async def held(self, call_id: str, seconds: int) -> None:
        async def write(session: AsyncSession) -> None:
            await call_events.add_hold_seconds(session, call_id, seconds)
        self._submit(write)

    async def recording(self, call_id: str, name: str) -> None:
        async def write(session: AsyncSession) -> None:
            await call_events.record_recording(session, call_id, name)
        self._submit(write)

    async def survey(self, call_id: str, queue: str, agent: str, caller: str, key: str, points: int, at: datetime) -> None:
        async def write(session: AsyncSession) -> None:
            await call_events.record_survey(
                session, call_id=call_id, queue_number=queue, agent_extension=agent, caller_number=caller,
                key=key, points=points, at=at,
            )
        self._submit(write)
