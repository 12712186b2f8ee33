"""Whether an agent may be rung for a queue's call right now, and in words why not."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Container, Iterable, Iterator, Mapping

from yeastar_ctl.acd.model import Agent, Membership, QueuePolicy
from yeastar_ctl.acd.vocabulary import DeviceStatus


def wrapup_ends(agent: Agent, queue: QueuePolicy, queues: Mapping[str, QueuePolicy], shared: bool) -> datetime | None:
    """When the agent's wrap-up ends for `queue` (None if there is none).

    Per queue, only the queue whose call ended blocks the agent. With the global shared wrap-up
    the agent's latest call blocks every queue, for the wrap-up of the queue that call came from.
    """
    if shared:
        return shared_wrapup_ends(agent, queues)
    return queue_wrapup_ends(agent.membership(queue.number), queue)


def shared_wrapup_ends(agent: Agent, queues: Mapping[str, QueuePolicy]) -> datetime | None:
    """`wrapup_ends` with the global shared wrap-up: the same for every queue."""
    ended = [m for m in agent.memberships if m.last_call_ended_at is not None and m.queue in queues]
    if not ended:
        return None
    last = max(ended, key=lambda m: (m.last_call_ended_at, queues[m.queue].wrapup))
    assert last.last_call_ended_at is not None
    return last.last_call_ended_at + timedelta(seconds=queues[last.queue].wrapup)


def queue_wrapup_ends(membership: Membership | None, queue: QueuePolicy) -> datetime | None:
    """`wrapup_ends` per queue, given the agent's membership of `queue`."""
    if membership is None or membership.last_call_ended_at is None:
        return None
    return membership.last_call_ended_at + timedelta(seconds=queue.wrapup)


# A phone in these states is busy: rung only by queues with Ring In Use on.
_ON_THE_PHONE = (DeviceStatus.IN_USE, DeviceStatus.RINGING)


def unavailable_reason(
    agent: Agent,
    membership: Membership,
    queue: QueuePolicy,
    *,
    now: datetime,
    queues: Mapping[str, QueuePolicy],
    shared_wrapup: bool,
    ringing_elsewhere: bool,
) -> str | None:
    """None when the agent can take the call; else the reason, as the routing trace shows it.
    `membership` is the agent's membership of `queue`."""
    ((reason, _),) = unavailable_reasons(
        queue, [(agent.extension, membership)], {agent.extension: agent}, now=now,
        wrapup_ends={agent.extension: wrapup_ends(agent, queue, queues, shared_wrapup)},
        ringing=(agent.extension,) if ringing_elsewhere else (),
    )
    return reason


def unavailable_reasons(
    queue: QueuePolicy,
    members: Iterable[tuple[str, Membership]],
    agents: Mapping[str, Agent],
    *,
    now: datetime,
    wrapup_ends: Mapping[str, datetime | None] | None,
    ringing: Container[str],
) -> Iterator[tuple[str | None, datetime | None]]:
    """`unavailable_reason` for several members of `queue`, each given as (extension, its
    membership of the queue): per member the reason (None if it can take the call) and, when
    the reason is the wrap-up, when that ends. `wrapup_ends`: each member's `wrapup_ends` by
    extension, if the caller has them (with the global shared wrap-up they are the same for all
    queues); None: each from the membership's last call and this queue's wrap-up. `ringing`:
    the agents ringing for another call.

    A decision pass asks this for every member of every queue, so the rule is one loop here
    rather than a call per member: in CPython the calls would cost more than the checks."""
    wrapup = timedelta(seconds=queue.wrapup)
    busy = () if queue.ring_in_use else _ON_THE_PHONE  # Ring In Use: a call does not stop the ring
    for extension, membership in members:
        agent = agents[extension]
        if not membership.static and not membership.logged_in:
            yield "not logged in", None
        elif agent.do_not_disturb:
            yield "presence is Do Not Disturb", None
        elif membership.paused:
            yield f"paused ({membership.pause_reason})" if membership.pause_reason else "paused", None
        elif agent.device == DeviceStatus.OFFLINE:
            yield "phone offline", None
        else:
            if wrapup_ends is not None:
                ends = wrapup_ends[extension]
            else:  # queue_wrapup_ends, with the timedelta made once per queue
                ended = membership.last_call_ended_at
                ends = None if ended is None else ended + wrapup
            if ends is not None and now < ends:
                yield f"in wrap-up until {ends:%H:%M:%S}", ends
            elif extension in ringing:
                yield "ringing for another call", None
            elif agent.device in busy:
                yield "on a call (Ring In Use is off)", None
            else:
                yield None, None
