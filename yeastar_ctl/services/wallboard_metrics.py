"""The Wallboard's and the Queue Panel's numbers, from the live routing state and the event rows.

Pure: everything comes in as values (``BoardInputs``), including "now". Two sources meet here:

- live (the distributor's ``Snapshot``): who waits right now, each agent's phone, login, pause
  and wrap-up; None before the control plane loaded its routing configuration, and then the
  waiting calls come from the open rows of the event table and agents show no live status;
- the event tables for the chosen period (today, this week, this month), through the same
  totals and formulas as the Queue Performance report, so the two never disagree; plus the
  open (not yet ended) queue calls for the active calls and their talking time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Final

from yeastar_ctl.acd.eligibility import wrapup_ends
from yeastar_ctl.acd.model import Agent, Membership, Snapshot, WaitingEntry
from yeastar_ctl.acd.vocabulary import DeviceStatus
from yeastar_ctl.reports import queue_metrics as m
from yeastar_ctl.reports.formatting import hms
from yeastar_ctl.reports.values import AgentTotals, CallTotals

ALL: Final = "All"


class AgentStatus(StrEnum):
    AVAILABLE = "Available"
    RINGING = "Ringing"
    ON_CALL = "On a call"
    WRAP_UP = "Wrap-up"
    PAUSED = "Paused"
    UNAVAILABLE = "Unavailable"  # phone offline or presence Do Not Disturb
    LOGGED_OUT = "Logged out"
    UNKNOWN = "-"  # no live state yet


BUSY: Final = frozenset({AgentStatus.RINGING, AgentStatus.ON_CALL, AgentStatus.WRAP_UP})


@dataclass(frozen=True)
class OpenCall:
    """A queue call whose row has not ended: waiting (no answer yet) or talking to an agent."""

    id: str
    queue: str
    caller_number: str
    caller_name: str | None
    joined_at: datetime
    answered_at: datetime | None = None
    agent: str | None = None
    callback: bool = False


@dataclass(frozen=True)
class CallbackCounts:
    failed: int = 0
    succeeded: int = 0
    requested: int = 0

    @property
    def pending(self) -> int:
        return max(0, self.requested - self.failed - self.succeeded)

    def __add__(self, other: CallbackCounts) -> CallbackCounts:
        return CallbackCounts(self.failed + other.failed, self.succeeded + other.succeeded,
                              self.requested + other.requested)


@dataclass(frozen=True)
class BoardInputs:
    now: datetime
    queues: tuple[str, ...]  # the queues shown, in order
    queue_names: Mapping[str, str]
    members: Mapping[str, tuple[str, ...]]  # queue -> its agents' extensions (configuration)
    agent_names: Mapping[str, str]
    period: Mapping[str, CallTotals] = field(default_factory=dict)  # finished calls of the period
    callbacks: Mapping[str, CallbackCounts] = field(default_factory=dict)
    agent_period: Mapping[tuple[str, str], AgentTotals] = field(default_factory=dict)  # (queue, agent)
    open_calls: Sequence[OpenCall] = ()
    live: Snapshot | None = None


@dataclass(frozen=True)
class QueueBoard:
    """One queue's widgets (or ``ALL`` of the shown queues added up)."""

    queue: str
    label: str
    waiting_calls: int
    longest_wait: int  # seconds the longest-waiting caller has waited so far
    active_calls: int
    agents: int
    logged_in: int
    available: int
    busy: int  # ringing, on a call or in wrap-up
    paused: int
    unavailable: int
    logged_out: int
    period: CallTotals
    callbacks: CallbackCounts

    @property
    def avg_wait(self) -> str:
        return m.avg_wait_answered(self.period)

    @property
    def avg_talk(self) -> str:
        return m.avg_talk(self.period)

    @property
    def max_wait(self) -> str:
        return hms(self.period.max_wait)

    @property
    def answered_rate(self) -> str:
        return m.answered_rate(self.period)

    @property
    def missed_rate(self) -> str:
        return m.missed_rate(self.period)

    @property
    def abandon_rate(self) -> str:
        return m.abandon_rate(self.period)

    @property
    def sla(self) -> str:
        return m.sla(self.period)


@dataclass(frozen=True)
class AgentRow:
    queue: str
    extension: str
    name: str
    static: bool
    status: AgentStatus
    detail: str  # pause reason, wrap-up end, ...
    since: datetime | None  # login time (dynamic agents), pause start is not known live
    active_calls: int
    max_talking: int  # seconds, the longest of the agent's current calls in this queue
    answered: int
    missed: int
    talk_total: int  # seconds, calls of the period


@dataclass(frozen=True)
class WaitingCall:
    id: str
    queue: str
    caller: str
    wait: int  # seconds
    position: int  # 1 = next in its queue
    callback: bool
    ringing: tuple[str, ...]


def _seconds(since: datetime, now: datetime) -> int:
    return max(0, int((now - since).total_seconds()))


def caller_label(call: OpenCall | None, fallback: str = "") -> str:
    if call is None:
        return fallback
    return f"{call.caller_name} <{call.caller_number}>" if call.caller_name else call.caller_number


def agent_status(agent: Agent | None, membership: Membership | None, snapshot: Snapshot) -> tuple[AgentStatus, str]:
    """What the wallboard shows for an agent in a queue, with a detail in words."""
    if agent is None or membership is None:
        return AgentStatus.LOGGED_OUT, ""
    if not membership.static and not membership.logged_in:
        return AgentStatus.LOGGED_OUT, ""
    if membership.paused:
        return AgentStatus.PAUSED, membership.pause_reason or ""
    if agent.device == DeviceStatus.IN_USE:
        return AgentStatus.ON_CALL, ""
    if agent.device == DeviceStatus.RINGING or any(agent.extension in e.ringing for e in snapshot.entries):
        return AgentStatus.RINGING, ""
    if agent.do_not_disturb:
        return AgentStatus.UNAVAILABLE, "Do Not Disturb"
    if agent.device == DeviceStatus.OFFLINE:
        return AgentStatus.UNAVAILABLE, "phone offline"
    policy = snapshot.queues.get(membership.queue)
    if policy is not None:
        ends = wrapup_ends(agent, policy, snapshot.queues, snapshot.shared_wrapup)
        if ends is not None and snapshot.now < ends:
            return AgentStatus.WRAP_UP, f"until {ends:%H:%M:%S}"
    return AgentStatus.AVAILABLE, ""


def _live_entries(inputs: BoardInputs) -> list[WaitingEntry]:
    if inputs.live is not None:
        return list(inputs.live.entries)
    return [WaitingEntry(c.id, c.queue, c.joined_at, callback=c.callback)
            for c in inputs.open_calls if c.answered_at is None]


def waiting_calls(inputs: BoardInputs) -> list[WaitingCall]:
    """The shown queues' waiting callers, longest-waiting first, each with its place in line."""
    calls = {c.id: c for c in inputs.open_calls}
    shown = set(inputs.queues)
    entries = sorted((e for e in _live_entries(inputs) if e.queue in shown), key=lambda e: (e.joined_at, e.id))
    positions: dict[str, int] = {}
    result = []
    for entry in entries:
        positions[entry.queue] = positions.get(entry.queue, 0) + 1
        result.append(WaitingCall(
            entry.id, entry.queue, caller_label(calls.get(entry.id), entry.id),
            _seconds(entry.joined_at, inputs.now), positions[entry.queue], entry.callback,
            tuple(sorted(entry.ringing))))
    return result


def active_calls(inputs: BoardInputs) -> list[OpenCall]:
    """Calls of the shown queues that an agent answered and that have not ended."""
    shown = set(inputs.queues)
    return sorted((c for c in inputs.open_calls if c.answered_at is not None and c.queue in shown),
                  key=lambda c: (c.answered_at or c.joined_at, c.id))


def agent_rows(inputs: BoardInputs) -> list[AgentRow]:
    talking = active_calls(inputs)
    rows = []
    for queue in inputs.queues:
        for extension in inputs.members.get(queue, ()):
            agent = inputs.live.agents.get(extension) if inputs.live else None
            membership = agent.membership(queue) if agent else None
            if inputs.live is None:
                status, detail = AgentStatus.UNKNOWN, ""
            else:
                status, detail = agent_status(agent, membership, inputs.live)
            calls = [c for c in talking if c.queue == queue and c.agent == extension]
            totals = inputs.agent_period.get((queue, extension), AgentTotals())
            since = membership.login_at if membership and not membership.static and membership.logged_in else None
            rows.append(AgentRow(
                queue, extension, inputs.agent_names.get(extension, ""),
                membership.static if membership else False, status, detail, since, len(calls),
                max((_seconds(c.answered_at or c.joined_at, inputs.now) for c in calls), default=0),
                totals.answered, totals.missed, totals.talk))
    return rows


def queue_boards(inputs: BoardInputs) -> list[QueueBoard]:
    """One board per shown queue, then ``ALL`` (the shown queues added up) when there are several."""
    waiting = waiting_calls(inputs)
    talking = active_calls(inputs)
    agents = agent_rows(inputs)
    boards = []
    for queue in inputs.queues:
        mine = [a for a in agents if a.queue == queue]
        waits = [w.wait for w in waiting if w.queue == queue]
        statuses = [a.status for a in mine]
        boards.append(QueueBoard(
            queue=queue, label=f"{inputs.queue_names.get(queue, '')} [{queue}]".strip(),
            waiting_calls=len(waits), longest_wait=max(waits, default=0),
            active_calls=sum(1 for c in talking if c.queue == queue),
            agents=len(mine),
            logged_in=sum(1 for s in statuses if s not in (AgentStatus.LOGGED_OUT, AgentStatus.UNKNOWN)),
            available=statuses.count(AgentStatus.AVAILABLE),
            busy=sum(1 for s in statuses if s in BUSY),
            paused=statuses.count(AgentStatus.PAUSED),
            unavailable=statuses.count(AgentStatus.UNAVAILABLE),
            logged_out=statuses.count(AgentStatus.LOGGED_OUT),
            period=inputs.period.get(queue, CallTotals()),
            callbacks=inputs.callbacks.get(queue, CallbackCounts()),
        ))
    if len(boards) > 1:
        boards.append(_all_of(boards, agents))
    return boards


def _all_of(boards: list[QueueBoard], agents: list[AgentRow]) -> QueueBoard:
    """The shown queues together; an agent in two queues is one agent here."""
    by_agent: dict[str, AgentStatus] = {}
    for a in agents:  # the "most available" status of the agent across the queues
        order = list(AgentStatus)
        if a.extension not in by_agent or order.index(a.status) < order.index(by_agent[a.extension]):
            by_agent[a.extension] = a.status
    statuses = list(by_agent.values())
    total = CallTotals()
    callbacks = CallbackCounts()
    for b in boards:
        total += b.period
        callbacks += b.callbacks
    return QueueBoard(
        queue=ALL, label=ALL, waiting_calls=sum(b.waiting_calls for b in boards),
        longest_wait=max((b.longest_wait for b in boards), default=0),
        active_calls=sum(b.active_calls for b in boards), agents=len(statuses),
        logged_in=sum(1 for s in statuses if s not in (AgentStatus.LOGGED_OUT, AgentStatus.UNKNOWN)),
        available=statuses.count(AgentStatus.AVAILABLE), busy=sum(1 for s in statuses if s in BUSY),
        paused=statuses.count(AgentStatus.PAUSED), unavailable=statuses.count(AgentStatus.UNAVAILABLE),
        logged_out=statuses.count(AgentStatus.LOGGED_OUT), period=total, callbacks=callbacks,
    )
