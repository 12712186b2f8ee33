"""Decode a dialled queue feature code into the command it asks for.

Shapes, shown with the default codes (seed: "Allow Agents to Manage Their Status by Dialing a
Feature Code", "Monitor Specific Pause Status of an Agent by Function Key"):

    *77                      log in to all queues          (login_all, exact)
    *077                     log out of all queues         (logout_all, exact)
    *78                      log in to the last queues     (login_last, exact)
    *7<queue>                toggle login, e.g. *76400     (login_toggle, prefix)
    *07<queue>               toggle pause, e.g. *076400    (pause_toggle, prefix)
    *07<queue>*<reason>      pause for a reason, e.g. *076400*03 (Wrap up)
    *7<ext>*<queue>          BLF key: toggle login of agent <ext>
    *07<ext>*<queue>         BLF key: toggle pause of agent <ext>
    *07<ext>*<queue>*<reason>  BLF key: pause agent <ext> for a reason, e.g. *071001*6400*01

Resolution: an exact code is matched first and only as the whole string. Then each enabled
prefix code that starts the string is tried, longest first, and a parse is accepted only when
every number in it is known (queue in ``queues``, agent in ``extensions``, reason in
``reasons``). Queue and extension numbers never overlap, so ``*07<a>*<b>`` is told apart by
looking ``a`` up, never by length. The config-time rule in ``services.feature_codes`` makes at
most one parse succeed, so the order only decides which error is reported when none does.

Pause reasons match exactly: ``*076400*3`` does not mean ``*03``. The PBX lets an admin define
``*3`` and ``*03`` as two different reasons, and the dialplan would not see them as one either.

The module is pure and does not import the database: the caller passes the enabled codes and the
known numbers from its config snapshot.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Final


class Action(StrEnum):
    """Values equal the ``FeatureCodeKey`` of the code that asks for the action."""

    LOGIN_TOGGLE = "login_toggle"
    PAUSE_TOGGLE = "pause_toggle"
    LOGIN_ALL = "login_all"
    LOGOUT_ALL = "logout_all"
    LOGIN_LAST = "login_last"


@dataclass(frozen=True)
class Command:
    action: Action
    queue: str | None = None
    agent: str | None = None  # only set by the BLF shapes; None means the caller themself
    reason: str | None = None  # the pause reason code with its star, e.g. "*03"


@dataclass(frozen=True)
class DecodeError:
    """A value rather than an exception: a wrong code is an everyday dialling mistake."""

    message: str


@dataclass(frozen=True)
class FeatureCodeSet:
    """The queue feature codes; ``None`` is a disabled code. Field names are the keys."""

    login_toggle: str | None = "*7"
    pause_toggle: str | None = "*07"
    login_all: str | None = "*77"
    logout_all: str | None = "*077"
    login_last: str | None = "*78"

    def __post_init__(self) -> None:
        # The decoder relies on this: two equal codes would make one of them unreachable.
        seen: dict[str, str] = {}
        for key, code in self._enabled():
            if not code:
                raise ValueError(f"{key} is empty; disable it with None instead")
            if code in seen:
                raise ValueError(f"{seen[code]} and {key} both use {code}")
            seen[code] = key

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str, bool]]) -> FeatureCodeSet:
        """Build from (key, code, enabled) rows; a key left out keeps its default, as in the DB,
        which seeds every key with the same defaults."""
        known = {f.name for f in fields(cls)}
        given: dict[str, str | None] = {}
        for key, code, enabled in pairs:
            if key not in known:
                raise ValueError(f"unknown feature code key {key!r}")
            given[key] = code if enabled else None
        return cls(**given)

    def _enabled(self) -> list[tuple[str, str]]:
        return [(f.name, code) for f in fields(self) if (code := getattr(self, f.name)) is not None]

    def exact_codes(self) -> list[tuple[Action, str]]:
        pairs = [
            (Action.LOGIN_ALL, self.login_all),
            (Action.LOGOUT_ALL, self.logout_all),
            (Action.LOGIN_LAST, self.login_last),
        ]
        return [(action, code) for action, code in pairs if code is not None]

    def prefix_codes(self) -> list[tuple[Action, str]]:
        """Longest first: the order the decoder tries them in."""
        pairs = [(Action.LOGIN_TOGGLE, self.login_toggle), (Action.PAUSE_TOGGLE, self.pause_toggle)]
        enabled = [(action, code) for action, code in pairs if code is not None]
        return sorted(enabled, key=lambda pair: len(pair[1]), reverse=True)


_DIALABLE: Final = re.compile(r"[0-9*]+")
_REASON_DIGITS: Final = re.compile(r"[0-9]{1,2}")


@dataclass(frozen=True)
class _Known:
    queues: Collection[str]
    extensions: Collection[str]
    reasons: Collection[str]


@dataclass(frozen=True)
class _Failure:
    """How far a prefix's parse got (numbers resolved before the bad one), to pick the error."""

    progress: int
    error: DecodeError


def decode(
    dialed: str,
    codes: FeatureCodeSet,
    *,
    queues: Collection[str],
    extensions: Collection[str],
    reasons: Collection[str],
) -> Command | DecodeError:
    if not dialed:
        return DecodeError("nothing dialled")
    if not _DIALABLE.fullmatch(dialed):
        return DecodeError(f"{dialed!r} is not a feature code: only digits and * are used")
    for action, code in codes.exact_codes():
        if dialed == code:
            return Command(action)
    known = _Known(queues, extensions, reasons)
    failures: list[_Failure] = []
    for action, prefix in codes.prefix_codes():
        if not dialed.startswith(prefix):
            continue
        parsed = _parse_after_prefix(action, prefix, dialed, known)
        if isinstance(parsed, Command):
            return parsed
        failures.append(parsed)
    if not failures:
        return DecodeError(f"no feature code {dialed}")
    # max() keeps the first of equals, so on a tie the longer prefix's error is reported.
    return max(failures, key=lambda failure: failure.progress).error


def _parse_after_prefix(
    action: Action, prefix: str, dialed: str, known: _Known
) -> Command | _Failure:
    rest = dialed[len(prefix) :]
    if not rest:
        return _Failure(0, DecodeError(f"{prefix} needs a queue number"))
    parts = rest.split("*")
    most = 3 if action is Action.PAUSE_TOGGLE else 2
    if "" in parts or len(parts) > most:
        return _Failure(0, DecodeError(f"malformed {dialed}: expected {_shapes(action, prefix)}"))
    first, more = parts[0], parts[1:]
    if first in known.extensions:
        return _agent_shape(action, prefix, first, more, known)
    if first in known.queues:
        return _own_shape(action, prefix, first, more, known)
    return _Failure(1, DecodeError(_unknown_first(action, first, more, known)))


def _own_shape(
    action: Action, prefix: str, queue: str, more: list[str], known: _Known
) -> Command | _Failure:
    """``<prefix><queue>`` or ``<prefix><queue>*<reason>``: the caller acts for themself."""
    if not more:
        return Command(action, queue=queue)
    if len(more) > 1:
        return _Failure(
            1, DecodeError(f"{queue} is a queue, not an agent: expected {_shapes(action, prefix)}")
        )
    if action is not Action.PAUSE_TOGGLE:
        return _Failure(1, DecodeError(f"{prefix}{queue} (log in/out) takes no pause reason"))
    reason = f"*{more[0]}"
    if reason not in known.reasons:
        return _Failure(2, DecodeError(f"unknown pause reason {reason}"))
    return Command(action, queue=queue, reason=reason)


def _agent_shape(
    action: Action, prefix: str, agent: str, more: list[str], known: _Known
) -> Command | _Failure:
    """``<prefix><ext>*<queue>[*<reason>]``: a BLF key acting on agent ``<ext>``."""
    if not more:
        return _Failure(1, DecodeError(f"agent {agent} needs a queue: {prefix}{agent}*<queue>"))
    queue = more[0]
    if queue not in known.queues:
        return _Failure(2, DecodeError(f"unknown queue {queue}"))
    if len(more) == 1:
        return Command(action, queue=queue, agent=agent)
    reason = f"*{more[1]}"
    if reason not in known.reasons:
        return _Failure(3, DecodeError(f"unknown pause reason {reason}"))
    return Command(action, queue=queue, agent=agent, reason=reason)


def _unknown_first(action: Action, first: str, more: list[str], known: _Known) -> str:
    """Name the unknown first number by the shape the rest of the string fits best."""
    if not more:
        return f"unknown queue {first}"
    if len(more) == 2 or action is not Action.PAUSE_TOGGLE:
        return f"unknown agent {first}"  # only the BLF shape has these parts
    second = more[0]
    then_queue = second in known.queues
    then_reason = f"*{second}" in known.reasons
    if then_queue and then_reason:
        return f"unknown queue or agent {first}"
    if then_queue:
        return f"unknown agent {first}"
    if then_reason or _REASON_DIGITS.fullmatch(second):
        return f"unknown queue {first}"
    return f"unknown agent {first}"


def _shapes(action: Action, prefix: str) -> str:
    if action is Action.PAUSE_TOGGLE:
        return f"{prefix}<queue>[*<reason>] or {prefix}<extension>*<queue>[*<reason>]"
    return f"{prefix}<queue> or {prefix}<extension>*<queue>"
