"""Small builders for decision-core tests: readable snapshots with a fixed clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from yeastar_ctl.acd.model import Agent, Membership, QueuePolicy, Snapshot, WaitingEntry
from yeastar_ctl.acd.vocabulary import DeviceStatus

T0 = datetime(2026, 1, 5, 9, 0, 0, tzinfo=timezone.utc)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def agent(extension: str, *memberships: Membership, device: DeviceStatus = DeviceStatus.IDLE) -> Agent:
    return Agent(extension, device, tuple(memberships))


def static(queue: str, position: int = 1, **kw: object) -> Membership:
    return Membership(queue, static=True, position=position, **kw)  # type: ignore[arg-type]


def dynamic(queue: str, login_s: float, **kw: object) -> Membership:
    return Membership(queue, static=False, logged_in=True, login_at=at(login_s), **kw)  # type: ignore[arg-type]


def entry(entry_id: str, queue: str, joined_s: float = 0, **kw: object) -> WaitingEntry:
    return WaitingEntry(entry_id, queue, at(joined_s), **kw)  # type: ignore[arg-type]


def snapshot(now_s: float, queues: list[QueuePolicy], agents: list[Agent], entries: list[WaitingEntry], **kw: object) -> Snapshot:
    return Snapshot(
        now=at(now_s), queues={q.number: q for q in queues}, agents={a.extension: a for a in agents},
        entries=tuple(entries), **kw,  # type: ignore[arg-type]
    )


def with_membership(a: Agent, queue: str, **changes: object) -> Agent:
    return replace(a, memberships=tuple(replace(m, **changes) if m.queue == queue else m for m in a.memberships))  # type: ignore[arg-type]
