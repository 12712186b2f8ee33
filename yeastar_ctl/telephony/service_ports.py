"""The call flows' ports, implemented on the real services (database) and ARI."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Sequence

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from yeastar_ctl.ari import AriClient, AriError
from yeastar_ctl.services import call_events
from yeastar_ctl.services.config_snapshot import load_queue_config
from yeastar_ctl.telephony.ports import CallerInfo, QueueMember, QueueRoute


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
        s = queue.settings
        return QueueRoute(
            number=queue.number,
            name=queue.name,
            music_on_hold=s.music_on_hold,
            agent_timeout_seconds=s.agent_timeout_seconds,
            retry_interval_seconds=s.retry_interval_seconds,
            max_wait_seconds=s.max_wait_seconds,
            members=tuple(
                QueueMember(m.extension, m.kind.value, m.position, m.skill_level) for m in queue.members
            ),
        )


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


class AriPresence:
    """A phone is online while ARI reports its PJSIP endpoint online; busy while it has channels."""

    def __init__(self, ari: AriClient) -> None:
        self._ari = ari

    async def _one(self, extension: str) -> tuple[bool, bool]:
        try:
            endpoint = await self._ari.endpoints.get("PJSIP", extension)
        except AriError:  # unknown endpoint (not found) or ARI trouble: do not ring it
            return (False, False)
        return (endpoint.online, bool(endpoint.channel_ids))

    async def availability(self, extensions: Sequence[str]) -> dict[str, tuple[bool, bool]]:
        results = await asyncio.gather(*(self._one(ext) for ext in extensions))
        return dict(zip(extensions, results))
