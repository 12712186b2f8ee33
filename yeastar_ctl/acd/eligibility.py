"""Whether an agent may be rung for a queue's call right now, and in words why not."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Container, Iterable, Mapping

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
_OFFLINE = DeviceStatus.OFFLINE  # a module global is looked up faster than an enum member


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
    (reason,) = unavailable_reasons(
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
    wrapup_until: list[datetime] | None = None,
) -> list[str | None]:
    """`unavailable_reason` for several members of `queue`, each given as (extension, its
    membership of the queue): per member the reason, None if it can take the call. When the
    reason is the wrap-up, its end is added to `wrapup_until` if given (no event says that a
    wrap-up is over). `wrapup_ends`: each member's `wrapup_ends` by extension, if the caller has
    them (with the global shared wrap-up they are the same for all queues); None: each from the
    membership's last call and this queue's wrap-up. `ringing`: the agents ringing for another
    call.

    A decision pass asks this for every member of every queue, so the rule is one loop here
    rather than a call per member: in CPython the calls would cost more than the checks."""
    wrapup = timedelta(seconds=queue.wrapup)
    ended_after = now - wrapup  # a call that ended after this is still in its wrap-up
    busy = () if queue.ring_in_use else _ON_THE_PHONE  # Ring In Use: a call does not stop the ring
    reasons: list[str | None] = []
    add = reasons.append
    for extension, membership in members:
        agent = agents[extension]
        if not membership.static and not membership.logged_in:
            add("not logged in")
        elif agent.do_not_disturb:
            add("presence is Do Not Disturb")
        elif membership.paused:
            add(f"paused ({membership.pause_reason})" if membership.pause_reason else "paused")
        elif agent.device == _OFFLINE:
            add("phone offline")
        else:
            # `ends`: when the wrap-up the agent is in now ends; None if it is in none
            if wrapup_ends is not None:
                ends = wrapup_ends[extension]
                if ends is not None and now >= ends:
                    ends = None
            else:  # queue_wrapup_ends, compared without working out each end
                ended = membership.last_call_ended_at
                ends = ended + wrapup if ended is not None and ended > ended_after else None
            if ends is not None:
                add(f"in wrap-up until {ends:%H:%M:%S}")
                if wrapup_until is not None:
                    wrapup_until.append(ends)
            elif extension in ringing:
                add("ringing for another call")
            elif agent.device in busy:
                add("on a call (Ring In Use is off)")
            else:
                add(None)
    return reasons
