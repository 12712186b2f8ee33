"""Agent Login Activity and Agent Pause Activity (seed: Agent Performance Reports), folded from
agent event rows. Pure: events in, sessions and cells out.

- A login session starts at a login inside the period and ends at the next logout of that queue
  (or "log out of all"). A session still open when the period ends (or now, if earlier) shows
  Logged Out as ``-`` and counts its time up to then. Logins before the period are not listed.
- A pause row starts at a pause or at a pause-reason change and ends at the next unpause,
  reason change ("Change Pause Reason") or logout. Total Pauses counts pauses, not reason
  changes: the ``1`` stands on the row that ends the pause, as in the seed's table (Lunch ->
  Break -> unpause is two rows and one pause). A pause again with the same reason is no change.
- Rows for "all queues" apply to the agent's dynamic queues, as ``services.agent_state`` replays
  them; a "log out of all" or "unpause all" ends whatever is open for the agent.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import groupby
from datetime import datetime, tzinfo
from typing import Final, Protocol, TypeVar

from yeastar_ctl.db.enums import AgentEventKind
from yeastar_ctl.reports.formatting import NONE_SHOWN, extension_label, hms, local_time
from yeastar_ctl.reports.queue_performance import TOTAL, queue_label
from yeastar_ctl.reports.table import Row
from yeastar_ctl.reports.values import AgentEventRecord
from yeastar_ctl.services.call_events import whole_seconds

LOGIN_COLUMNS: Final = ("Queue", "Agent", "Logged In", "Logged Out", "Total Login Time")
PAUSE_COLUMNS: Final = (
    "Queue", "Agent", "Pause", "Pause Reason", "Unpause", "Total Pause Time", "Total Pauses",
)
REASON_CHANGED: Final = "Change Pause Reason"
ENDS_PAUSE: Final = (AgentEventKind.UNPAUSE, AgentEventKind.LOGOUT)


@dataclass(frozen=True)
class LoginSession:
    queue: str
    agent: str
    login_at: datetime
    logout_at: datetime | None  # None: still logged in when the period ended
    seconds: int


@dataclass(frozen=True)
class PauseSpan:
    queue: str
    agent: str
    paused_at: datetime
    reason_code: str | None
    ended_at: datetime | None  # None: still paused when the period ended
    reason_changed: bool  # ended by a change of reason, not by an unpause
    seconds: int

    @property
    def pauses(self) -> int:
        return 0 if self.reason_changed else 1


def _queues(
    event: AgentEventRecord, dynamic_queues: Mapping[str, Iterable[str]], wanted: Collection[str]
) -> list[str]:
    queues = [event.queue_number] if event.queue_number else list(dynamic_queues.get(event.agent_extension, ()))
    return [q for q in queues if not wanted or q in wanted]


def login_sessions(
    events: Iterable[AgentEventRecord],
    dynamic_queues: Mapping[str, Iterable[str]],
    wanted_queues: Collection[str],
    until: datetime,
) -> list[LoginSession]:
    """Sessions by queue, agent and login time; ``events`` in time order."""
    open_since: dict[tuple[str, str], datetime] = {}
    sessions: list[LoginSession] = []
    for event in events:
        agent = event.agent_extension
        if event.kind == AgentEventKind.LOGIN:
            for queue in _queues(event, dynamic_queues, wanted_queues):
                open_since.setdefault((queue, agent), event.at)
        elif event.kind == AgentEventKind.LOGOUT:
            ending = _queues(event, dynamic_queues, wanted_queues) if event.queue_number else [
                q for (q, a) in open_since if a == agent
            ]
            for queue in ending:
                login_at = open_since.pop((queue, agent), None)
                if login_at is not None:
                    sessions.append(LoginSession(queue, agent, login_at, event.at, whole_seconds(login_at, event.at)))
    for (queue, agent), login_at in open_since.items():
        sessions.append(LoginSession(queue, agent, login_at, None, whole_seconds(login_at, max(until, login_at))))
    return sorted(sessions, key=lambda s: (s.queue, s.agent, s.login_at))


def pause_spans(
    events: Iterable[AgentEventRecord],
    dynamic_queues: Mapping[str, Iterable[str]],
    wanted_queues: Collection[str],
    until: datetime,
) -> list[PauseSpan]:
    """Pause rows by queue, agent and pause time; ``events`` in time order."""
    open_spans: dict[tuple[str, str], tuple[datetime, str | None]] = {}
    spans: list[PauseSpan] = []

    def close(key: tuple[str, str], at: datetime | None, reason_changed: bool) -> None:
        started, reason = open_spans.pop(key)
        end = at if at is not None else max(until, started)
        spans.append(PauseSpan(*key, started, reason, at, reason_changed, whole_seconds(started, end)))

    for event in events:
        agent = event.agent_extension
        if event.queue_number is None and event.kind in ENDS_PAUSE:
            keys = [k for k in open_spans if k[1] == agent]
        else:
            keys = [(q, agent) for q in _queues(event, dynamic_queues, wanted_queues)]
        for key in keys:
            current = open_spans.get(key)
            if event.kind in ENDS_PAUSE:
                if current is not None:
                    close(key, event.at, reason_changed=False)
            elif event.kind in (AgentEventKind.PAUSE, AgentEventKind.PAUSE_REASON_CHANGE):
                if current is not None and current[1] != event.reason_code:
                    close(key, event.at, reason_changed=True)
                if current is None and event.kind == AgentEventKind.PAUSE_REASON_CHANGE:
                    continue  # a change with no pause seen: the pause began before the period
                open_spans.setdefault(key, (event.at, event.reason_code))
    for key in list(open_spans):
        close(key, None, reason_changed=False)
    return sorted(spans, key=lambda s: (s.queue, s.agent, s.paused_at))


class _Keyed(Protocol):
    @property
    def queue(self) -> str: ...

    @property
    def agent(self) -> str: ...


S = TypeVar("S", bound=_Keyed)


def _grouped(items: Iterable[S]) -> Iterator[tuple[tuple[str, str], list[S]]]:
    for key, group in groupby(items, key=lambda item: (item.queue, item.agent)):
        yield key, list(group)


def login_rows(
    sessions: list[LoginSession], queue_names: Mapping[str, str], agent_names: Mapping[str, str], zone: tzinfo
) -> Iterator[Row]:
    for (queue, agent), group in _grouped(sessions):
        q, a = queue_label(queue, queue_names), extension_label(agent, agent_names.get(agent))
        for s in group:
            logout = local_time(s.logout_at, zone) if s.logout_at else NONE_SHOWN
            yield q, a, local_time(s.login_at, zone), logout, hms(s.seconds)
        yield q, TOTAL, "", "", hms(sum(s.seconds for s in group))


def pause_rows(
    spans: list[PauseSpan],
    queue_names: Mapping[str, str],
    agent_names: Mapping[str, str],
    reason_names: Mapping[str, str],
    zone: tzinfo,
) -> Iterator[Row]:
    for (queue, agent), group in _grouped(spans):
        q, a = queue_label(queue, queue_names), extension_label(agent, agent_names.get(agent))
        for s in group:
            reason = reason_names.get(s.reason_code, s.reason_code) if s.reason_code else NONE_SHOWN
            if s.reason_changed:
                unpause = REASON_CHANGED
            else:
                unpause = local_time(s.ended_at, zone) if s.ended_at else NONE_SHOWN
            yield q, a, local_time(s.paused_at, zone), reason, unpause, hms(s.seconds), str(s.pauses or "")
        yield q, TOTAL, "", "", "", hms(sum(s.seconds for s in group)), str(sum(s.pauses for s in group))
