"""Which agent to ring next for the first queue-call path.

Pure: the caller passes the members with their current availability. The full ACD (ring
strategies, skills, priority weights) replaces this in the ACD issue; the shape stays the same:
members in, a decision out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence


@dataclass(frozen=True)
class MemberAvailability:
    extension: str
    kind: str  # "static" | "dynamic"
    position: int
    online: bool  # the phone is registered
    busy: bool  # ringing or talking already


def next_agent(members: Sequence[MemberAvailability], exclude: frozenset[str] = frozenset()) -> str | None:
    """The first static agent, in list order, whose phone is registered and free.

    Dynamic agents take calls only once logged in, which the agent-state issue adds; until then
    they are never picked.
    """
    for member in sorted(members, key=lambda m: (m.position, m.extension)):
        if member.kind != "static" or member.extension in exclude:
            continue
        if member.online and not member.busy:
            return member.extension
    return None
