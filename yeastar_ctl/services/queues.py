"""Queues: numbers, settings, members (static and dynamic agents) and managers."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Final, Protocol, TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.config_models import NAME_LENGTH
from yeastar_ctl.db.enums import (
    AgentEventKind,
    AgentEventSource,
    DynamicAgentStatus,
    MemberKind,
)
from yeastar_ctl.db.models import Extension, Queue, QueueManager, QueueMember
from yeastar_ctl.db.queue_settings import DEFAULT_QUEUE_SETTINGS, QueueSettings
from yeastar_ctl.db.types import utcnow
from yeastar_ctl.services.call_events import record_agent_event
from yeastar_ctl.services.destinations import (
    QUEUE_DESTINATIONS,
    check_destination_targets,
    ensure_not_routed_to,
)
from yeastar_ctl.services.errors import NotFoundError
from yeastar_ctl.services.feature_codes import ensure_number_unambiguous
from yeastar_ctl.services.numbering import NumberRange, ensure_number_free, sort_key
from yeastar_ctl.services.queue_options import get_queue_options
from yeastar_ctl.services.queue_validation import check_queue_settings
from yeastar_ctl.services.validation import Problems

# The seed: "The default queue number range is from 6400 to 6499."
DEFAULT_QUEUE_NUMBER_RANGE: Final = NumberRange(6400, 6499)
SKILL_RANGE: Final = (1, 99)
DEFAULT_SKILL: Final = 1

MemberSpec = tuple[str, int]  # (extension number, skill level 1-99; 1 is the most skilled)
RowT = TypeVar("RowT", QueueMember, QueueManager)


@dataclass(frozen=True)
class QueueMemberInfo:
    extension: str
    name: str
    kind: MemberKind
    skill_level: int
    position: int


@dataclass(frozen=True)
class MembersChange:
    """Extension numbers whose membership ``set_members`` added, removed or altered."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()


@dataclass(frozen=True)
class ManagerSpec:
    """A queue manager and which notification emails they get (the seed's Members tab)."""

    extension: str
    notify_missed: bool = False
    notify_abandoned: bool = False
    notify_sla: bool = False
    notify_auto_pause: bool = False
    notify_callback_request: bool = False
    notify_callback_failed: bool = False


NOTIFY_FIELDS: Final = tuple(f.name for f in fields(ManagerSpec) if f.name != "extension")


async def list_queues(session: AsyncSession) -> list[Queue]:
    rows = await session.scalars(select(Queue).order_by(func.length(Queue.number), Queue.number))
    return list(rows)


async def get_by_number(session: AsyncSession, number: str) -> Queue | None:
    return await session.scalar(select(Queue).where(Queue.number == number))


async def get_queue(session: AsyncSession, number: str) -> Queue:
    queue = await get_by_number(session, number)
    if queue is None:
        raise NotFoundError("queue", number)
    return queue


async def _checked_input(
    session: AsyncSession,
    *,
    number: str | None,
    name: str | None,
    settings: QueueSettings,
    own_numbers: set[str],
    number_range: NumberRange,
) -> tuple[str | None, QueueSettings]:
    problems = Problems()
    if number is not None and number not in number_range:
        problems.add("number", f"must be a queue number within {number_range}, got {number!r}")
    cleaned_name = problems.text("name", name, NAME_LENGTH) if name is not None else None
    checked = check_queue_settings(problems, settings)
    if not problems:
        await check_destination_targets(session, checked, own_numbers, problems)
    problems.raise_if_any()
    return cleaned_name, checked


async def _claim_number(session: AsyncSession, number: str) -> None:
    await ensure_number_free(session, number)
    await ensure_number_unambiguous(session, number, "number")


async def create_queue(
    session: AsyncSession,
    number: str,
    name: str,
    settings: QueueSettings = DEFAULT_QUEUE_SETTINGS,
    *,
    number_range: NumberRange = DEFAULT_QUEUE_NUMBER_RANGE,
) -> Queue:
    cleaned_name, checked = await _checked_input(
        session,
        number=number,
        name=name,
        settings=settings,
        own_numbers={number},
        number_range=number_range,
    )
    await _claim_number(session, number)
    queue = Queue(number=number, name=cleaned_name)
    queue.apply_settings(checked)
    session.add(queue)
    await session.flush()
    return queue


async def update_queue(
    session: AsyncSession,
    number: str,
    *,
    new_number: str | None = None,
    name: str | None = None,
    settings: QueueSettings | None = None,
    number_range: NumberRange = DEFAULT_QUEUE_NUMBER_RANGE,
) -> Queue:
    """Change the name, number and/or settings (``settings`` replaces all of them).

    Build a changed copy with ``dataclasses.replace(queue.settings, weight=5)``.
    """
    queue = await get_queue(session, number)
    renumber_to = new_number if new_number != number else None
    cleaned_name, checked = await _checked_input(
        session,
        number=renumber_to,
        name=name,
        settings=queue.settings if settings is None else settings,
        own_numbers={number, new_number or number},
        number_range=number_range,
    )
    if renumber_to is not None:
        await ensure_not_routed_to(session, QUEUE_DESTINATIONS, "queue", number)
        await _claim_number(session, renumber_to)
        queue.number = renumber_to
    if cleaned_name is not None:
        queue.name = cleaned_name
    queue.apply_settings(checked)
    await session.flush()
    return queue


async def delete_queue(session: AsyncSession, number: str) -> None:
    """Delete a queue with its members and managers; its call history keeps the number."""
    queue = await get_queue(session, number)
    await ensure_not_routed_to(session, QUEUE_DESTINATIONS, "queue", number)
    await session.delete(queue)
    await session.flush()


async def _extension_ids(
    session: AsyncSession, numbers: Sequence[object], field: str, problems: Problems
) -> dict[str, int]:
    wanted = [n for n in numbers if isinstance(n, str)]
    rows = await session.execute(
        select(Extension.number, Extension.id).where(Extension.number.in_(wanted))
    )
    found: dict[str, int] = {number: id_ for number, id_ in rows}
    for number in wanted:
        if number not in found:
            problems.add(field, f"extension {number} does not exist")
    return found


async def _sync_rows(
    session: AsyncSession,
    existing: Mapping[int, RowT],
    desired: Mapping[int, Mapping[str, object]],
    create: Callable[[int], RowT],
) -> tuple[list[int], list[int], list[int]]:
    """Make the rows keyed by extension id match ``desired``; (added, removed, changed) ids.

    Rows are updated in place rather than replaced, so an unchanged member is not touched.
    """
    removed = [ext_id for ext_id in existing if ext_id not in desired]
    for ext_id in removed:
        await session.delete(existing[ext_id])
    added: list[int] = []
    changed: list[int] = []
    for ext_id, values in desired.items():
        row = existing.get(ext_id)
        if row is None:
            row = create(ext_id)
            session.add(row)
            added.append(ext_id)
        elif any(getattr(row, key) != value for key, value in values.items()):
            changed.append(ext_id)
        for key, value in values.items():
            if getattr(row, key) != value:
                setattr(row, key, value)
    return added, removed, changed


async def set_members(
    session: AsyncSession,
    queue_number: str,
    static: Sequence[MemberSpec] = (),
    dynamic: Sequence[MemberSpec] = (),
) -> MembersChange:
    """Replace the queue's agents; list order is kept as each kind's position (from 1).

    Newly added dynamic agents are logged in when the queue options say new dynamic agents
    start logged in (an ``agent_events`` login row, source ``system``).
    """
    queue = await get_queue(session, queue_number)
    problems = Problems()
    desired_numbers: dict[str, dict[str, object]] = {}
    for kind, specs in ((MemberKind.STATIC, static), (MemberKind.DYNAMIC, dynamic)):
        for index, spec in enumerate(specs):
            field = f"{kind.value}[{index}]"
            if not (isinstance(spec, (tuple, list)) and len(spec) == 2):
                problems.add(field, f"must be (extension number, skill level), got {spec!r}")
                continue
            number, skill = spec
            if not isinstance(number, str):
                problems.add(field, f"extension number must be text, got {number!r}")
                continue
            problems.integer(f"{field}.skill_level", skill, *SKILL_RANGE)
            if number in desired_numbers:
                problems.add(field, f"extension {number} is listed more than once")
                continue
            desired_numbers[number] = {"kind": kind, "skill_level": skill, "position": index + 1}
    ids = await _extension_ids(session, list(desired_numbers), "members", problems)
    problems.raise_if_any()

    rows = await session.scalars(select(QueueMember).where(QueueMember.queue_id == queue.id))
    existing = {row.extension_id: row for row in rows}
    number_of = {ext_id: number for number, ext_id in ids.items()}
    number_of.update(await _numbers_of(session, existing))
    desired = {ids[number]: values for number, values in desired_numbers.items()}
    added, removed, changed = await _sync_rows(
        session,
        existing,
        desired,
        lambda ext_id: QueueMember(queue_id=queue.id, extension_id=ext_id),
    )
    new_dynamic = [number_of[e] for e in added if desired[e]["kind"] == MemberKind.DYNAMIC]
    await _log_in_new_dynamic_agents(session, queue.number, new_dynamic)
    await session.flush()
    return MembersChange(
        added=tuple(number_of[e] for e in added),
        removed=tuple(number_of[e] for e in removed),
        changed=tuple(number_of[e] for e in changed),
    )


async def _numbers_of(session: AsyncSession, rows: Mapping[int, object]) -> dict[int, str]:
    result = await session.execute(
        select(Extension.id, Extension.number).where(Extension.id.in_(list(rows)))
    )
    return {ext_id: number for ext_id, number in result}


async def _log_in_new_dynamic_agents(
    session: AsyncSession, queue_number: str, agents: Sequence[str]
) -> None:
    if not agents:
        return
    options = await get_queue_options(session)
    if options.default_dynamic_status != DynamicAgentStatus.LOGGED_IN:
        return
    now = utcnow()
    for agent in agents:
        await record_agent_event(
            session,
            at=now,
            agent_extension=agent,
            queue_number=queue_number,
            kind=AgentEventKind.LOGIN,
            source=AgentEventSource.SYSTEM,
        )


async def list_members(session: AsyncSession, queue_number: str) -> list[QueueMemberInfo]:
    """Static agents first, then dynamic, each in list order."""
    queue = await get_queue(session, queue_number)
    rows = await session.execute(
        select(QueueMember, Extension.number, Extension.name)
        .join(Extension, QueueMember.extension_id == Extension.id)
        .where(QueueMember.queue_id == queue.id)
    )
    members = [
        QueueMemberInfo(number, name, member.kind, member.skill_level, member.position)
        for member, number, name in rows
    ]
    return sorted(members, key=member_order)


class _Listed(Protocol):
    @property
    def extension(self) -> str: ...
    @property
    def kind(self) -> MemberKind: ...
    @property
    def position(self) -> int: ...


def member_order(member: _Listed) -> tuple[int, int, tuple[int, str]]:
    """Static agents first, then dynamic ones, each in list order."""
    kind_rank = 0 if member.kind == MemberKind.STATIC else 1
    return (kind_rank, member.position, sort_key(member.extension))


async def set_managers(
    session: AsyncSession, queue_number: str, managers: Sequence[ManagerSpec]
) -> None:
    queue = await get_queue(session, queue_number)
    problems = Problems()
    seen: set[str] = set()
    for index, spec in enumerate(managers):
        if spec.extension in seen:
            problems.add(f"managers[{index}]", f"extension {spec.extension} is listed twice")
        seen.add(spec.extension)
        for name in NOTIFY_FIELDS:
            problems.flag(f"managers[{index}].{name}", getattr(spec, name))
    ids = await _extension_ids(session, [m.extension for m in managers], "managers", problems)
    problems.raise_if_any()
    rows = await session.scalars(select(QueueManager).where(QueueManager.queue_id == queue.id))
    existing = {row.extension_id: row for row in rows}
    desired = {
        ids[spec.extension]: {k: v for k, v in asdict(spec).items() if k != "extension"}
        for spec in managers
    }
    await _sync_rows(
        session,
        existing,
        desired,
        lambda ext_id: QueueManager(queue_id=queue.id, extension_id=ext_id),
    )
    await session.flush()


async def list_managers(session: AsyncSession, queue_number: str) -> list[ManagerSpec]:
    queue = await get_queue(session, queue_number)
    rows = await session.execute(
        select(QueueManager, Extension.number)
        .join(Extension, QueueManager.extension_id == Extension.id)
        .where(QueueManager.queue_id == queue.id)
    )
    managers = [
        ManagerSpec(number, **{name: getattr(row, name) for name in NOTIFY_FIELDS})
        for row, number in rows
    ]
    return sorted(managers, key=lambda m: sort_key(m.extension))


async def queues_managed_by(session: AsyncSession, extension: str) -> tuple[str, ...]:
    """The numbers of the queues whose manager list holds ``extension``, in queue order."""
    rows = await session.scalars(
        select(Queue.number)
        .join(QueueManager, QueueManager.queue_id == Queue.id)
        .join(Extension, QueueManager.extension_id == Extension.id)
        .where(Extension.number == extension)
        .order_by(func.length(Queue.number), Queue.number)
    )
    return tuple(rows)


async def set_queues_managed_by(
    session: AsyncSession, extension: str, queue_numbers: Sequence[str], field: str = "managed_queues"
) -> None:
    """Make ``extension`` a manager of exactly these queues (the user page's view of the
    Members tab): a queue it newly manages starts with every switch off, the others keep theirs."""
    problems = Problems()
    ids = await _extension_ids(session, [extension], field, problems)
    queues = {q.number: q for q in await list_queues(session)}
    for number in queue_numbers:
        if number not in queues:
            problems.add(field, f"queue {number} does not exist")
    problems.raise_if_any()
    ext_id = ids[extension]
    rows = await session.scalars(select(QueueManager).where(QueueManager.extension_id == ext_id))
    existing = {row.queue_id: row for row in rows}
    wanted = {queues[number].id for number in queue_numbers}
    for queue_id, row in existing.items():
        if queue_id not in wanted:
            await session.delete(row)
    session.add_all(QueueManager(queue_id=q, extension_id=ext_id) for q in wanted - set(existing))
    await session.flush()
