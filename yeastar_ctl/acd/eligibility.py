"""Whether an agent may be rung for a queue's call right now, and in words why not."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Mapping

from yeastar_ctl.acd.model import Agent, Membership, QueuePolicy
from yeastar_ctl.acd.vocabulary import DeviceStatus


def wrapup_ends(agent: Agent, queue: QueuePolicy, queues: Mapping[str, QueuePolicy], shared: bool) -> datetime | None:
    """When the agent's wrap-up ends for `queue` (None if there is none).

    Per queue, only the queue whose call ended blocks the agent. With the global shared wrap-up
    the agent's latest call blocks every queue, for the wrap-up of the queue that call came from.
    """
    if shared:
        ended = [m for m in agent.memberships if m.last_call_ended_at is not None and m.queue in queues]
        if not ended:
            return None
        last = max(ended, key=lambda m: (m.last_call_ended_at, queues[m.queue].wrapup))
        assert last.last_call_ended_at is not None
        return last.last_call_ended_at + timedelta(seconds=queues[last.queue].wrapup)
    membership = agent.membership(queue.number)
    if membership is None or membership.last_call_ended_at is None:
        return None
    return membership.last_call_ended_at + timedelta(seconds=queue.wrapup)


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
    """None when the agent can take the call; else the reason, as the routing trace shows it."""
    if not membership.static and not membership.logged_in:
        return "not logged in"
    if agent.do_not_disturb:
        return "presence is Do Not Disturb"
    if membership.paused:
        return f"paused ({membership.pause_reason})" if membership.pause_reason else "paused"
    if agent.device == DeviceStatus.OFFLINE:
        return "phone offline"
    ends = wrapup_ends(agent, queue, queues, shared_wrapup)
    if ends is not None and now < ends:
        return f"in wrap-up until {ends:%H:%M:%S}"
    if ringing_elsewhere:
        return "ringing for another call"
    if agent.device in (DeviceStatus.IN_USE, DeviceStatus.RINGING) and not queue.ring_in_use:
        return "on a call (Ring In Use is off)"
    return None
