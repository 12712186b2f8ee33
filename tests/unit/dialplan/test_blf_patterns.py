"""The generated dialplan serves a BLF hint for every agent x queue x key, by pattern or explicitly,
pointing at the very device the control plane sets (`agents.blf`), and stays small at scale.

Asterisk's side is imitated here: extension pattern matching (`_`, X, Z, N, [..], literals; the
most specific pattern wins) and the `${EXTEN:offset:length}` expansion it does when a phone
subscribes to a key that matches a pattern hint. tests/integration/test_blf_pattern_hints.py
checks the same against a real Asterisk.
"""

from __future__ import annotations

import re

import pytest

from yeastar_ctl.agents.blf import Hint, hints_for
from yeastar_ctl.db.enums import DynamicAgentStatus, FeatureCodeKey, MemberKind
from yeastar_ctl.db.queue_settings import DEFAULT_QUEUE_SETTINGS
from yeastar_ctl.dialplan.generator import render_generated
from yeastar_ctl.services.config_snapshot import (
    ConfigSnapshot,
    ExtensionConfig,
    FeatureCodeConfig,
    MemberConfig,
    PauseReasonConfig,
    QueueConfig,
    QueueOptionsConfig,
)
from yeastar_ctl.services.feature_codes import DEFAULT_FEATURE_CODES

HINT_LINE = re.compile(r"^exten => ([^,]+),hint,(.+)$", re.MULTILINE)
EXTEN_VAR = re.compile(r"\$\{EXTEN(?::(\d+)(?::(\d+))?)?\}")
CLASSES = {"X": "0-9", "Z": "1-9", "N": "2-9"}


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    """An Asterisk extension pattern (without its `_`) as a regex."""
    out = []
    for part in re.findall(r"\[[^\]]*\]|.", pattern):
        if part.upper() in CLASSES:
            out.append(f"[{CLASSES[part.upper()]}]")
        elif part.startswith("["):
            out.append(part)
        elif part in ".!":
            out.append(".+" if part == "." else ".*")
        else:
            out.append(re.escape(part))
    return re.compile("".join(out))


def _expand(device: str, exten: str) -> str:
    def value(m: re.Match[str]) -> str:
        offset = int(m.group(1) or 0)
        length = int(m.group(2)) if m.group(2) else len(exten)
        return exten[offset:offset + length]

    return EXTEN_VAR.sub(value, device)


class ServedHints:
    """The hints of a generated dialplan, as Asterisk resolves a subscription against them."""

    def __init__(self, dialplan: str) -> None:
        hints = dict(HINT_LINE.findall(dialplan))
        self.explicit = {k: v for k, v in hints.items() if not k.startswith("_")}
        self.patterns = [(_pattern_regex(k[1:]), v) for k, v in hints.items() if k.startswith("_")]

    def device(self, exten: str) -> str | None:
        """The device a phone subscribed to `exten` watches: its explicit hint, else the device
        of the one pattern hint that matches (a tie would be Asterisk's choice: refused)."""
        if exten in self.explicit:
            return self.explicit[exten]
        matching = [device for regex, device in self.patterns if regex.fullmatch(exten)]
        assert len(matching) <= 1, f"{exten} matches several pattern hints: {matching}"
        return _expand(matching[0], exten) if matching else None


def served_device(dialplan: str, exten: str) -> str | None:
    return ServedHints(dialplan).device(exten)


def snapshot_of(
    members: dict[str, list[str]], reasons: list[str], codes: dict[FeatureCodeKey, str | None] | None = None,
) -> ConfigSnapshot:
    """A configuration in memory: queue -> its agents (the first static, the others dynamic)."""
    codes = {**DEFAULT_FEATURE_CODES, **(codes or {})}
    agents = sorted({a for agents in members.values() for a in agents}, key=lambda n: (len(n), n))
    queues = tuple(
        QueueConfig(queue, f"Queue {queue}", DEFAULT_QUEUE_SETTINGS, tuple(
            MemberConfig(a, MemberKind.STATIC if i == 0 else MemberKind.DYNAMIC, 1, i + 1)
            for i, a in enumerate(agents_of)
        ), ())
        for queue, agents_of in sorted(members.items())
    )
    return ConfigSnapshot(
        extensions=tuple(ExtensionConfig(a, f"Agent {a}", f"secret-{a}", None) for a in agents),
        queues=queues,
        feature_codes=tuple(
            FeatureCodeConfig(key, code or DEFAULT_FEATURE_CODES[key], code is not None) for key, code in codes.items()
        ),
        pause_reasons=tuple(PauseReasonConfig(code, f"Reason {code}", i + 1) for i, code in enumerate(reasons)),
        queue_options=QueueOptionsConfig(False, DynamicAgentStatus.LOGGED_IN, False, 24),
    )


def every_key(snapshot: ConfigSnapshot) -> list[Hint]:
    """What one explicit hint per key would be: the keys and devices the control plane uses."""
    login = snapshot.feature_code(FeatureCodeKey.LOGIN_TOGGLE)
    pause = snapshot.feature_code(FeatureCodeKey.PAUSE_TOGGLE)
    reasons = [r.code for r in snapshot.pause_reasons]
    return [
        hint
        for queue in snapshot.queues
        for member in queue.members
        for hint in hints_for(member.extension, queue.number, login_code=login, pause_code=pause, reasons=reasons)
    ]


def assert_every_key_is_served(snapshot: ConfigSnapshot) -> str:
    dialplan = render_generated(snapshot, "yeastar_ctl")["extensions.conf"]
    keys = every_key(snapshot)
    assert keys, "the configuration has no BLF keys at all"
    served = ServedHints(dialplan)
    wrong = [(k.extension, k.device, served.device(k.extension)) for k in keys
             if served.device(k.extension) != k.device]
    assert not wrong, f"{len(wrong)} of {len(keys)} keys are not served right, e.g. {wrong[:3]}"
    return dialplan


def test_200_agents_x_40_queues_x_3_reasons_every_key_served_by_a_few_pattern_hints() -> None:
    agents = [str(1000 + i) for i in range(200)]
    snapshot = snapshot_of({str(6400 + q): agents for q in range(40)}, ["*01", "*02", "*03"])
    dialplan = assert_every_key_is_served(snapshot)  # 40,000 keys
    hints = HINT_LINE.findall(dialplan)
    # 200 extension hints (PJSIP/<n>) and 5 patterns: login, pause, pause with a reason of 2 digits.
    assert len([h for h in hints if not h[0].startswith("_")]) == 200
    assert [h[0] for h in hints if h[0].startswith("_")] == ["_*7XXXX*XXXX", "_*07XXXX*XXXX", "_*07XXXX*XXXX*XX"]
    assert len(dialplan.encode()) < 50_000


def test_the_seed_key_is_served_by_its_pattern() -> None:
    dialplan = assert_every_key_is_served(snapshot_of({"6400": ["1001", "1002"]}, ["*01", "*02", "*03"]))
    assert "exten => _*07XXXX*XXXX*XX,hint,Stasis:yc-pause-${EXTEN:3:4}-${EXTEN:8:4}-${EXTEN:13:2}" in dialplan
    assert served_device(dialplan, "*071001*6400*01") == "Stasis:yc-pause-1001-6400-01"


def test_numbers_and_reasons_of_different_lengths_each_get_their_pattern() -> None:
    snapshot = snapshot_of(
        {"6400": ["101", "1001", "20001"], "6401": ["1002"], "64": ["101", "1001"]}, ["*1", "*02", "*9", "*33"],
    )
    dialplan = assert_every_key_is_served(snapshot)
    assert served_device(dialplan, "*0720001*6400*9") == "Stasis:yc-pause-20001-6400-9"
    assert served_device(dialplan, "*7101*64") == "Stasis:yc-login-101-64"


@pytest.mark.parametrize(
    ("codes", "absent"),
    [
        ({FeatureCodeKey.LOGIN_TOGGLE: "*50", FeatureCodeKey.PAUSE_TOGGLE: "*51"}, "_*7"),
        ({FeatureCodeKey.LOGIN_TOGGLE: None}, "_*7X"),  # login keys disabled: no login hints
        ({FeatureCodeKey.PAUSE_TOGGLE: None}, "_*07"),
    ],
)
def test_configured_and_disabled_codes(codes: dict[FeatureCodeKey, str | None], absent: str) -> None:
    dialplan = assert_every_key_is_served(snapshot_of({"6400": ["1001", "1003"]}, ["*01"], codes))
    assert f"exten => {absent}" not in dialplan


def test_no_reasons_no_members() -> None:
    dialplan = assert_every_key_is_served(snapshot_of({"6400": ["1001"]}, []))
    assert "*XX," not in dialplan
    empty = render_generated(snapshot_of({"6400": []}, ["*01"]), "yeastar_ctl")["extensions.conf"]
    assert ",hint,Stasis:" not in empty


def test_a_key_of_no_agent_is_still_a_pattern_match_and_watches_a_device_nobody_sets() -> None:
    # Pattern hints serve a key for a combination that is not (yet) a membership; its lamp is a
    # Stasis device the control plane never sets, which phones show as unknown/idle.
    dialplan = render_generated(snapshot_of({"6400": ["1001"]}, ["*01"]), "yeastar_ctl")["extensions.conf"]
    assert served_device(dialplan, "*071999*6400*01") == "Stasis:yc-pause-1999-6400-01"
