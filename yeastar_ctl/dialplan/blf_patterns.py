"""BLF keys of agents as a handful of pattern hints instead of one hint per key.

One explicit hint per agent x queue x key was 40,200 hints at 200 agents x 40 queues x 3 pause
reasons, and reloading that dialplan took 11-194 s. A pattern hint such as

    exten => _*07XXXX*XXXX*XX,hint,Stasis:yc-pause-${EXTEN:3:4}-${EXTEN:8:4}-${EXTEN:13:2}

covers every key of that shape. Asterisk keeps it as a pattern until a phone subscribes to a
concrete key, then adds a concrete hint for it, evaluating `${...}` with a dummy channel whose
EXTEN is the concrete key (main/pbx.c, ast_add_extension2_lockopt). The concrete hints and their
subscribers survive a dialplan reload (ast_merge_contexts_and_delete remakes them from the
pattern). tests/integration/test_blf_pattern_hints.py shows both on a real Asterisk 22.

Numbers and reason codes are digits, so one pattern per distinct combination of lengths is
enough (usually one); the device names come from `agents.blf` itself, fed with `${EXTEN:o:n}`
slices in place of the numbers, so the lamps the control plane sets and the hints cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass

from yeastar_ctl.agents.blf import Hint, hints_for
from yeastar_ctl.db.enums import FeatureCodeKey
from yeastar_ctl.services.config_snapshot import ConfigSnapshot


@dataclass(frozen=True, order=True)
class KeyShape:
    """Digit counts of one family of keys: agent number, queue number."""

    agent: int
    queue: int


def _digits(count: int) -> str:
    return "X" * count


def _slice(offset: int, length: int) -> str:
    return f"${{EXTEN:{offset}:{length}}}"


def key_shapes(snapshot: ConfigSnapshot) -> list[KeyShape]:
    """The (agent, queue) number lengths of every queue membership, sorted."""
    shapes = {KeyShape(len(m.extension), len(q.number)) for q in snapshot.queues for m in q.members}
    return sorted(shapes)


def reason_lengths(snapshot: ConfigSnapshot) -> list[int]:
    """Digit counts of the pause reason codes (`*01` -> 2), sorted."""
    return sorted({len(r.code.lstrip("*")) for r in snapshot.pause_reasons})


def _code_patterns(code: str, shape: KeyShape, lengths: list[int], *, pause: bool) -> list[Hint]:
    """Pattern hints for one feature code's keys of one shape.

    The dial string is `<code><agent>*<queue>[*<reason>]`, so each part starts at a fixed
    offset; `hints_for` is called twice with the same arguments in the same order, once with
    `X` runs (the pattern) and once with `${EXTEN:o:n}` slices (the device), and zipped.
    """
    agent_at = len(code)
    queue_at = agent_at + shape.agent + 1
    reason_at = queue_at + shape.queue + 1
    login_code, pause_code = (None, code) if pause else (code, None)
    shapes = hints_for(
        _digits(shape.agent), _digits(shape.queue), login_code=login_code, pause_code=pause_code,
        reasons=[f"*{_digits(n)}" for n in lengths],
    )
    devices = hints_for(
        _slice(agent_at, shape.agent), _slice(queue_at, shape.queue), login_code=login_code,
        pause_code=pause_code, reasons=[f"*{_slice(reason_at, n)}" for n in lengths],
    )
    return [Hint(f"_{s.extension}", d.device) for s, d in zip(shapes, devices, strict=True)]


def agent_key_patterns(snapshot: ConfigSnapshot) -> list[Hint]:
    """Every pattern hint the agents' BLF keys need: login keys, pause keys and pause-reason keys,
    for the feature codes that are enabled, in a fixed order (code, then shape, then reason)."""
    login = snapshot.feature_code(FeatureCodeKey.LOGIN_TOGGLE)
    pause = snapshot.feature_code(FeatureCodeKey.PAUSE_TOGGLE)
    shapes = key_shapes(snapshot)
    lengths = reason_lengths(snapshot)
    patterns: list[Hint] = []
    for code, is_pause in ((login, False), (pause, True)):
        if code:
            for shape in shapes:
                patterns.extend(_code_patterns(code, shape, lengths, pause=is_pause))
    return patterns
