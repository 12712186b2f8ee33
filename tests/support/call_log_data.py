"""Queue calls for the call-log tests, written through the same event service the Stasis app uses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.account_models import Role
from yeastar_ctl.db.enums import CallStatus
from yeastar_ctl.services import call_events


@dataclass(frozen=True)
class Who:
    """An account as the call-log service sees it."""

    username: str
    role: Role
    extension_number: str | None = None


ADMIN = Who("admin", Role.ADMINISTRATOR)


async def add_call(
    session: AsyncSession, call_id: str, joined_at: datetime, status: CallStatus, *, queue: str = "6400",
    caller: str = "5001", agent: str | None = None,
) -> None:
    """A call that ended ``status``: answered by ``agent`` (10 s ring, 30 s talk), or missed or
    abandoned after 20 s."""
    await call_events.record_call_joined(session, call_id=call_id, queue_number=queue, caller_number=caller,
                                         caller_name=None, joined_at=joined_at)
    if status == CallStatus.ANSWERED:
        assert agent is not None
        answered = joined_at + timedelta(seconds=10)
        await call_events.record_call_answered(session, call_id, agent_extension=agent, answered_at=answered)
        await call_events.record_call_ended(session, call_id, ended_at=answered + timedelta(seconds=30))
    else:
        await call_events.record_call_ended(session, call_id, ended_at=joined_at + timedelta(seconds=20),
                                            status=status)
