"""Keeps ``agent_queue_states`` equal to the fold of ``agent_events``, one row at a time.

``call_events.record_agent_event`` (the only writer of agent event rows) calls
``project_agent_event`` in the same session, so the event row and the state it leads to commit
or roll back together. Reading the state is then one SELECT (``load_projection``), however long
the history.

Semantics (``agent_fold`` is the rule and the reference):
- A row for one queue changes that (agent, queue) state, member or not, as the fold does.
- A row with no queue applies to the agent's dynamic queues *when it is written* (one indexed
  query for that agent), where the fold used the membership at replay time. The two agree while
  membership is unchanged; after a change the projection is the truer record: a queue joined
  after a "pause all" is not paused by it, a queue left before a "log out of all" keeps its row.
- An all-queue logout ends the dynamic queues the agent is logged in to and flags exactly those
  rows as the agent's last queues (*78); a logout that ends none clears the flags.
- A row older than the agent's latest row (clocks of two writers, a batch written late) cannot
  be applied on top: that agent alone is rebuilt by folding their rows in time order with their
  dynamic queues now, which is what the replay always did.

Configuration changes never touch these rows. Routing, BLF lamps and the agent commands only
look up (agent, queue) pairs of the current members, so a row left behind by a removed member or
a deleted queue routes nobody; should the agent be made a member of that queue number again, the
old row is their state there (as it was with the replay).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.enums import AgentEventKind, MemberKind
from yeastar_ctl.db.models import AgentEvent, AgentQueueStateRow, Extension, Queue, QueueMember
from yeastar_ctl.services.agent_fold import (
    LOGGED_OUT,
    AgentHistory,
    AgentQueueState,
    apply_event,
    fold_events,
)


def state_of(row: AgentQueueStateRow) -> AgentQueueState:
    return AgentQueueState(row.logged_in, row.login_at, row.paused, row.pause_reason)


def _set_state(row: AgentQueueStateRow, state: AgentQueueState, at: datetime) -> None:
    row.logged_in = state.logged_in
    row.login_at = state.login_at
    row.paused = state.paused
    row.pause_reason = state.pause_reason
    row.updated_at = at


async def dynamic_queues_of_agent(session: AsyncSession, agent: str) -> list[str]:
    """The queues ``agent`` is a dynamic member of now: where an all-queue row applies."""
    rows = await session.scalars(
        select(Queue.number)
        .join(QueueMember, QueueMember.queue_id == Queue.id)
        .join(Extension, QueueMember.extension_id == Extension.id)
        .where(Extension.number == agent, QueueMember.kind == MemberKind.DYNAMIC)
        .order_by(Queue.number)
    )
    return list(rows)


async def _agent_rows(
    session: AsyncSession, agent: str, queue: str | None = None
) -> dict[str, AgentQueueStateRow]:
    query = select(AgentQueueStateRow).where(AgentQueueStateRow.agent_extension == agent)
    if queue is not None:
        query = query.where(AgentQueueStateRow.queue_number == queue)
    # FOR UPDATE (PostgreSQL; SQLite has one writer anyway): two transactions writing the same
    # agent's events take turns instead of one overwriting the other's state.
    rows = await session.scalars(query.with_for_update())
    return {row.queue_number: row for row in rows}


async def latest_event_at(session: AsyncSession, agent: str) -> datetime | None:
    """The time of the agent's newest event row (the (agent_extension, at) index answers it)."""
    return await session.scalar(
        select(func.max(AgentEvent.at)).where(AgentEvent.agent_extension == agent)
    )


async def project_agent_event(session: AsyncSession, event: AgentEvent, *, previous_at: datetime | None) -> None:
    """Bring the agent's state rows up to date with ``event``, already added to ``session``.

    ``previous_at`` is the agent's newest event time before this one (``latest_event_at``, read
    before the row was added); an event older than that rebuilds the agent from their rows.
    """
    if previous_at is not None and event.at < previous_at:
        await rebuild_agent(session, event.agent_extension)
        return
    agent = event.agent_extension
    rows = await _agent_rows(session, agent, event.queue_number or None)
    if event.queue_number:
        queues = [event.queue_number]
    else:
        queues = await dynamic_queues_of_agent(session, agent)
        if event.kind == AgentEventKind.LOGOUT:
            queues = [q for q in queues if q in rows and rows[q].logged_in]
            for queue, existing in rows.items():
                existing.in_last_queues = queue in queues
    for queue in queues:
        row = rows.get(queue)
        before = LOGGED_OUT if row is None else state_of(row)
        if row is None:
            row = AgentQueueStateRow(agent_extension=agent, queue_number=queue, in_last_queues=False)
            session.add(row)
        _set_state(row, apply_event(before, event.kind, event.at, event.reason_code), event.at)
    await session.flush()


async def rebuild_agent(session: AsyncSession, agent: str) -> None:
    """Replace the agent's state rows with the fold of all their event rows (flushed first)."""
    await session.flush()
    events = await session.scalars(
        select(AgentEvent).where(AgentEvent.agent_extension == agent).order_by(AgentEvent.at, AgentEvent.id)
    )
    history = fold_events(events, {agent: await dynamic_queues_of_agent(session, agent)})
    rows = await _agent_rows(session, agent)
    last = history.last_queues.get(agent, frozenset())
    for (_, queue), state in history.states.items():
        row = rows.pop(queue, None)
        if row is None:
            row = AgentQueueStateRow(agent_extension=agent, queue_number=queue)
            session.add(row)
        _set_state(row, state, history.updated_at[(agent, queue)])
        row.in_last_queues = queue in last
    for row in rows.values():  # touched only by all-queue rows of a queue the agent has left
        await session.delete(row)
    await session.flush()


async def load_projection(session: AsyncSession) -> AgentHistory:
    """Every agent's state per queue and last queues: one SELECT of the projection."""
    states: dict[tuple[str, str], AgentQueueState] = {}
    updated_at: dict[tuple[str, str], datetime] = {}
    last: dict[str, set[str]] = {}
    # Columns, not ORM objects: 200 agents x 40 queues is 8,000 rows, read at every start-up and
    # configuration reload, and nothing here is changed through the session.
    t = AgentQueueStateRow
    result = await session.execute(select(
        t.agent_extension, t.queue_number, t.logged_in, t.login_at, t.paused, t.pause_reason, t.in_last_queues,
        t.updated_at,
    ))
    for agent, queue, logged_in, login_at, paused, reason, in_last, at in result:
        key = (agent, queue)
        states[key] = AgentQueueState(logged_in, login_at, paused, reason)
        updated_at[key] = at
        if in_last:
            last.setdefault(agent, set()).add(queue)
    return AgentHistory(states, {agent: frozenset(queues) for agent, queues in last.items()}, updated_at)

