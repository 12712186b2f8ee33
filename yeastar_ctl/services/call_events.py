"""Event rows the Stasis app writes as a queue call progresses, and agent status events.

These are deliberately thin: the live state owner decides what happened and when; these
functions check the sequence is possible, derive the durations and write the rows. Durations
are whole seconds, rounded half up: ring time runs from joining to answer (or to the end if
never answered), talk time from answer to end.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.enums import AgentEventKind, AgentEventSource, CallbackResult, CallStatus, RingResult
from yeastar_ctl.db.models import AgentEvent, CallbackRequest, Queue, QueueCall, RingAttempt, SurveyResult
from yeastar_ctl.services.agent_projection import latest_event_at, project_agent_event
from yeastar_ctl.services.errors import NotFoundError, ValidationError
from yeastar_ctl.services.validation import parse_choice

ONE_SECOND: Final = timedelta(seconds=1)
HALF_SECOND: Final = timedelta(milliseconds=500)
UNANSWERED_OUTCOMES: Final = (CallStatus.ABANDONED, CallStatus.MISSED)
REASON_KINDS: Final = (AgentEventKind.PAUSE, AgentEventKind.PAUSE_REASON_CHANGE)


def whole_seconds(start: datetime, end: datetime, field: str = "at") -> int:
    """``end - start`` rounded half up to whole seconds; refuses time running backwards."""
    if end < start:
        raise ValidationError(field, f"{end.isoformat()} is before {start.isoformat()}")
    return (end - start + HALF_SECOND) // ONE_SECOND


def _aware(field: str, value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(field, "must be a timezone-aware datetime")
    return value


async def _get_call(session: AsyncSession, call_id: str) -> QueueCall:
    call = await session.get(QueueCall, call_id)
    if call is None:
        raise NotFoundError("queue call", call_id)
    return call


async def _open_attempts(session: AsyncSession, call_id: str) -> list[RingAttempt]:
    rows = await session.scalars(
        select(RingAttempt)
        .where(RingAttempt.queue_call_id == call_id, RingAttempt.ended_at.is_(None))
        .order_by(RingAttempt.id)
    )
    return list(rows)


async def record_call_joined(
    session: AsyncSession,
    *,
    call_id: str,
    queue_number: str,
    caller_number: str,
    joined_at: datetime,
    caller_name: str | None = None,
    channel_id: str | None = None,
) -> QueueCall:
    """A caller entered a queue. An unknown queue number is still recorded (queue_id None):
    the event happened even if the configuration changed underneath the call."""
    _aware("joined_at", joined_at)
    if await session.get(QueueCall, call_id) is not None:
        raise ValidationError("call_id", f"queue call {call_id} is already recorded")
    queue_id = await session.scalar(select(Queue.id).where(Queue.number == queue_number))
    call = QueueCall(
        id=call_id,
        queue_id=queue_id,
        queue_number=queue_number,
        caller_number=caller_number,
        caller_name=caller_name,
        joined_at=joined_at,
        status=CallStatus.WAITING,
        channel_id=channel_id,
    )
    session.add(call)
    await session.flush()
    return call


async def record_call_answered(
    session: AsyncSession, call_id: str, *, agent_extension: str, answered_at: datetime
) -> QueueCall:
    """An agent answered: the agent's open ring attempt becomes answered, others cancelled."""
    _aware("answered_at", answered_at)
    call = await _get_call(session, call_id)
    if call.status != CallStatus.WAITING:
        raise ValidationError("call_id", f"queue call {call_id} is already {call.status.value}")
    ring_seconds = whole_seconds(call.joined_at, answered_at, "answered_at")
    for attempt in await _open_attempts(session, call_id):
        attempt.ended_at = answered_at
        attempt.result = (
            RingResult.ANSWERED
            if attempt.agent_extension == agent_extension
            else RingResult.CANCELLED
        )
    call.answered_at = answered_at
    call.agent_extension = agent_extension
    call.status = CallStatus.ANSWERED
    call.ring_seconds = ring_seconds
    await session.flush()
    return call


async def record_call_ended(
    session: AsyncSession,
    call_id: str,
    *,
    ended_at: datetime,
    status: CallStatus | str | None = None,
    reason: str | None = None,
) -> QueueCall:
    """The call left the queue or hung up.

    An answered call keeps status ``answered`` (pass None). An unanswered call needs its
    outcome: ``abandoned`` (the caller gave up) or ``missed`` (the queue let it go: maximum
    wait, failover, key press out, ...). Open ring attempts are closed as cancelled.
    """
    _aware("ended_at", ended_at)
    call = await _get_call(session, call_id)
    if call.ended_at is not None:
        raise ValidationError("call_id", f"queue call {call_id} has already ended")
    outcome = parse_choice("status", status, CallStatus) if status is not None else None
    if call.answered_at is not None:
        if outcome not in (None, CallStatus.ANSWERED):
            raise ValidationError("status", f"queue call {call_id} was answered")
        call.talk_seconds = whole_seconds(call.answered_at, ended_at, "ended_at")
    else:
        if outcome not in UNANSWERED_OUTCOMES:
            raise ValidationError("status", "an unanswered call ends as abandoned or missed")
        call.ring_seconds = whole_seconds(call.joined_at, ended_at, "ended_at")
        call.status = outcome
    # One read of the call's attempts: close the open ones, then mark every one's miss.
    for attempt in await session.scalars(select(RingAttempt).where(RingAttempt.queue_call_id == call_id)):
        if attempt.ended_at is None:
            attempt.ended_at = max(ended_at, attempt.started_at)
            attempt.result = RingResult.CANCELLED
        attempt.missed = is_agent_miss(attempt.result, call.status)
    call.ended_at = ended_at
    call.reason = reason
    await session.flush()
    return call


def is_agent_miss(result: RingResult | None, call_status: CallStatus) -> bool:
    """Whether an offer of a finished call counts as the agent's miss (the agent reports).

    Rings cut short because the caller hung up are not the agent's miss (the seed's Agent
    Missed Call Activity leaves the abandoned call out); rings stopped because another agent
    answered first are (its Ring All example counts them). Written onto the attempt when the
    call ends, when both are final, so the reports count misses without reading the calls.
    """
    if result is None or result == RingResult.ANSWERED:
        return False
    return not (result == RingResult.CANCELLED and call_status == CallStatus.ABANDONED)


async def add_hold_seconds(session: AsyncSession, call_id: str, seconds: int) -> QueueCall:
    """Add one hold period (the agent put the caller on hold) to the call's total."""
    if not isinstance(seconds, int) or isinstance(seconds, bool) or seconds < 0:
        raise ValidationError("seconds", f"must be a whole number of seconds, got {seconds!r}")
    call = await _get_call(session, call_id)
    call.hold_seconds += seconds
    await session.flush()
    return call


async def record_ring_started(
    session: AsyncSession, call_id: str, *, agent_extension: str, started_at: datetime
) -> RingAttempt:
    _aware("started_at", started_at)
    call = await _get_call(session, call_id)
    if call.ended_at is not None:
        raise ValidationError("call_id", f"queue call {call_id} has already ended")
    attempt = RingAttempt(
        queue_call_id=call_id, queue_number=call.queue_number, joined_at=call.joined_at,
        agent_extension=agent_extension, started_at=started_at,
    )
    session.add(attempt)
    await session.flush()
    return attempt


async def record_ring_ended(
    session: AsyncSession, attempt_id: int, *, ended_at: datetime, result: RingResult | str
) -> RingAttempt:
    _aware("ended_at", ended_at)
    checked = parse_choice("result", result, RingResult)
    attempt = await session.get(RingAttempt, attempt_id)
    if attempt is None:
        raise NotFoundError("ring attempt", str(attempt_id))
    if attempt.ended_at is not None:
        raise ValidationError("attempt_id", f"ring attempt {attempt_id} has already ended")
    whole_seconds(attempt.started_at, ended_at, "ended_at")
    attempt.ended_at = ended_at
    attempt.result = checked
    await session.flush()
    return attempt


async def record_agent_event(
    session: AsyncSession,
    *,
    at: datetime,
    agent_extension: str,
    kind: AgentEventKind | str,
    source: AgentEventSource | str,
    queue_number: str | None = None,
    reason_code: str | None = None,
) -> AgentEvent:
    """A login/logout/pause/unpause; ``queue_number`` None means every dynamic queue of the agent.

    Also updates the agent's state rows (``agent_queue_states``) in the same session."""
    _aware("at", at)
    checked_kind = parse_choice("kind", kind, AgentEventKind)
    checked_source = parse_choice("source", source, AgentEventSource)
    if reason_code is not None and checked_kind not in REASON_KINDS:
        raise ValidationError("reason_code", f"a {checked_kind.value} event has no reason")
    # Read before the new row exists: an event older than the agent's newest one cannot be
    # applied on top of the projection (see agent_projection).
    previous_at = await latest_event_at(session, agent_extension)
    event = AgentEvent(
        at=at,
        agent_extension=agent_extension,
        queue_number=queue_number,
        kind=checked_kind,
        reason_code=reason_code,
        source=checked_source,
    )
    session.add(event)
    await session.flush()
    # The agents' current state (agent_queue_states) changes in the same transaction as the row.
    await project_agent_event(session, event, previous_at=previous_at)
    return event


async def record_recording(session: AsyncSession, call_id: str, name: str) -> QueueCall:
    """The queue call is being recorded into `name` (Asterisk's recording name, spool/recording)."""
    call = await _get_call(session, call_id)
    call.recording_file = name
    await session.flush()
    return call


async def record_survey(
    session: AsyncSession, *, call_id: str, queue_number: str, agent_extension: str | None,
    caller_number: str, key: str, points: int, at: datetime,
) -> SurveyResult:
    _aware("at", at)
    await _get_call(session, call_id)
    result = SurveyResult(
        queue_call_id=call_id, queue_number=queue_number, agent_extension=agent_extension,
        caller_number=caller_number, at=at, key=key, points=points,
    )
    session.add(result)
    await session.flush()
    return result


async def record_callback_requested(
    session: AsyncSession, *, call_id: str, queue_number: str, callback_number: str, at: datetime,
    result: CallbackResult | str = CallbackResult.PENDING, reason: str | None = None,
) -> CallbackRequest:
    """A caller asked to be called back (the queue call is a callback from now on: "QCB")."""
    _aware("at", at)
    call = await _get_call(session, call_id)
    checked = parse_choice("result", result, CallbackResult)
    if checked == CallbackResult.PENDING:
        call.is_callback = True
    request = CallbackRequest(
        queue_call_id=call_id, queue_number=queue_number, callback_number=callback_number, requested_at=at,
        result=checked, reason=reason, ended_at=None if checked == CallbackResult.PENDING else at,
    )
    session.add(request)
    await session.flush()
    return request


async def record_callback_ended(
    session: AsyncSession, request_id: int, *, result: CallbackResult | str, at: datetime,
    reason: str | None = None, agent_extension: str | None = None,
) -> CallbackRequest:
    _aware("at", at)
    request = await session.get(CallbackRequest, request_id)
    if request is None:
        raise NotFoundError("callback request", str(request_id))
    request.result = parse_choice("result", result, CallbackResult)
    request.ended_at = at
    request.reason = reason
    request.agent_extension = agent_extension
    await session.flush()
    return request
