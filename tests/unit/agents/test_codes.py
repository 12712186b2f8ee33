"""Decoding dialled queue feature codes (seed: "Allow Agents to Manage Their Status by Dialing a
Feature Code", "Monitor Specific Pause Status of an Agent by Function Key", "Allow Agents to
Manage Their Status via IP Phones").

The seed's PBX: queue 6400, agents 1000-1003, the default pause reasons *01 Lunch, *02 Break and
*03 Wrap up, and the default codes *7, *07, *77, *077, *78.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import fields

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from yeastar_ctl.agents.codes import Action, Command, DecodeError, FeatureCodeSet, decode
from yeastar_ctl.db.enums import FeatureCodeKey
from yeastar_ctl.services.feature_codes import (
    DEFAULT_FEATURE_CODES,
    FeatureCodeSetting,
    find_ambiguities,
)

QUEUES = {"6400", "6401"}
AGENTS = {"1000", "1001", "1002", "1003"}
REASONS = {"*01", "*02", "*03"}
PAUSE_SHAPES = "*07<queue>[*<reason>] or *07<extension>*<queue>[*<reason>]"
DEFAULTS = FeatureCodeSet()


def dial(
    dialed: str,
    codes: FeatureCodeSet = DEFAULTS,
    *,
    queues: Collection[str] = QUEUES,
    agents: Collection[str] = AGENTS,
    reasons: Collection[str] = REASONS,
) -> Command | DecodeError:
    return decode(dialed, codes, queues=queues, extensions=agents, reasons=reasons)


def login(queue: str, agent: str | None = None) -> Command:
    return Command(Action.LOGIN_TOGGLE, queue=queue, agent=agent)


def pause(queue: str, agent: str | None = None, reason: str | None = None) -> Command:
    return Command(Action.PAUSE_TOGGLE, queue=queue, agent=agent, reason=reason)


def error(message: str) -> DecodeError:
    return DecodeError(message)


# --- The code set ------------------------------------------------------------------------------


def test_the_defaults_and_keys_are_those_of_the_config() -> None:
    keys = {key.value for key in FeatureCodeKey}
    assert {f.name for f in fields(FeatureCodeSet)} == keys
    assert {action.value for action in Action} == keys
    assert DEFAULTS == FeatureCodeSet.from_pairs(
        (key.value, code, True) for key, code in DEFAULT_FEATURE_CODES.items()
    )


def test_from_pairs_takes_config_rows_and_disabled_codes_become_none() -> None:
    codes = FeatureCodeSet.from_pairs(
        [("login_toggle", "*70", True), ("login_all", "*77", False), ("pause_toggle", "*7", True)]
    )
    assert codes == FeatureCodeSet(
        login_toggle="*70", pause_toggle="*7", login_all=None, logout_all="*077", login_last="*78"
    )


def test_from_pairs_refuses_an_unknown_key() -> None:
    with pytest.raises(ValueError, match="unknown feature code key 'login'"):
        FeatureCodeSet.from_pairs([("login", "*7", True)])


def test_two_enabled_codes_may_not_be_equal_but_a_disabled_one_may() -> None:
    with pytest.raises(ValueError, match="login_all and login_last both use \\*77"):
        FeatureCodeSet(login_last="*77")
    with pytest.raises(ValueError, match="empty"):
        FeatureCodeSet(login_toggle="")
    assert FeatureCodeSet(login_all=None, login_last="*77").login_last == "*77"


# --- The seed's examples -----------------------------------------------------------------------


def test_the_exact_codes() -> None:
    assert dial("*77") == Command(Action.LOGIN_ALL)
    assert dial("*077") == Command(Action.LOGOUT_ALL)
    assert dial("*78") == Command(Action.LOGIN_LAST)


def test_a_dynamic_agent_dials_star_7_6400_to_log_in_or_out_of_queue_6400() -> None:
    assert dial("*76400") == login("6400")


def test_an_agent_dials_star_07_6400_to_pause_or_unpause_queue_6400() -> None:
    assert dial("*076400") == pause("6400")


def test_an_agent_dials_star_07_6400_star_03_to_pause_for_wrap_up() -> None:
    assert dial("*076400*03") == pause("6400", reason="*03")


def test_the_blf_keys_watching_agents_1001_to_1003_in_queue_6400() -> None:
    assert dial("*071001*6400*01") == pause("6400", agent="1001", reason="*01")
    assert dial("*071002*6400*02") == pause("6400", agent="1002", reason="*02")
    assert dial("*071003*6400*03") == pause("6400", agent="1003", reason="*03")


def test_the_ip_phone_login_and_pause_keys_carry_the_agent() -> None:
    assert dial("*71001*6400") == login("6400", agent="1001")
    assert dial("*071001*6400") == pause("6400", agent="1001")


# --- Ambiguous pairs ---------------------------------------------------------------------------


def test_star_77_is_log_in_to_all_and_star_7_77_is_queue_77() -> None:
    assert find_ambiguities(_settings(DEFAULTS), {"77"}) == []
    assert dial("*77", queues={"77"}) == Command(Action.LOGIN_ALL)
    assert dial("*777", queues={"77"}) == login("77")


def test_the_exact_code_wins_even_when_the_config_check_would_refuse_the_queue() -> None:
    assert find_ambiguities(_settings(DEFAULTS), {"7"}) != []
    assert dial("*77", queues={"7"}) == Command(Action.LOGIN_ALL)
    assert dial("*077", queues={"7"}) == Command(Action.LOGOUT_ALL)


def test_star_077_is_log_out_of_all_and_star_07_77_is_queue_77() -> None:
    assert dial("*077", queues={"77"}) == Command(Action.LOGOUT_ALL)
    assert dial("*0777", queues={"77"}) == pause("77")


def test_star_78_is_log_in_to_last_and_star_7_88_is_queue_88() -> None:
    assert find_ambiguities(_settings(DEFAULTS), {"88"}) == []
    assert dial("*78", queues={"88"}) == Command(Action.LOGIN_LAST)
    assert dial("*788", queues={"88"}) == login("88")


def test_queue_then_reason_and_agent_then_queue_are_told_apart_by_lookup() -> None:
    assert dial("*076400*03") == pause("6400", reason="*03")
    assert dial("*071001*6400") == pause("6400", agent="1001")
    assert dial("*071001*6400*01") == pause("6400", agent="1001", reason="*01")


def test_a_queue_number_that_looks_like_a_reason_code() -> None:
    queues = {"03", "6400"}
    assert find_ambiguities(_settings(DEFAULTS), queues | AGENTS) == []
    assert dial("*0703", queues=queues) == pause("03")
    assert dial("*0703*03", queues=queues) == pause("03", reason="*03")
    assert dial("*076400*03", queues=queues) == pause("6400", reason="*03")
    assert dial("*071001*03", queues=queues) == pause("03", agent="1001")
    assert dial("*071001*03*03", queues=queues) == pause("03", agent="1001", reason="*03")


def test_reason_codes_match_exactly_so_star_3_is_not_star_03() -> None:
    # The PBX accepts *3 and *03 as two different reasons, so neither may stand for the other.
    assert dial("*076400*3") == error("unknown pause reason *3")
    both = REASONS | {"*3"}
    assert dial("*076400*3", reasons=both) == pause("6400", reason="*3")
    assert dial("*076400*03", reasons=both) == pause("6400", reason="*03")


# --- Disabled codes ----------------------------------------------------------------------------


def test_a_disabled_exact_code_is_read_as_a_prefix_code_and_a_number() -> None:
    codes = FeatureCodeSet(login_all=None)
    assert dial("*77", codes) == error("unknown queue 7")
    assert dial("*77", codes, queues={"7"}) == login("7")


def test_disabled_codes_never_match() -> None:
    nothing = FeatureCodeSet(None, None, None, None, None)
    for dialed in ("*7", "*77", "*076400", "*076400*03", "*071001*6400*01"):
        assert dial(dialed, nothing) == error(f"no feature code {dialed}")
    assert dial("*076400", FeatureCodeSet(pause_toggle=None)) == error("no feature code *076400")
    assert dial("*76400", FeatureCodeSet(login_toggle=None)) == error("no feature code *76400")
    assert dial("*78", FeatureCodeSet(login_toggle=None, login_last=None)) == error(
        "no feature code *78"
    )


# --- Reconfigured codes ------------------------------------------------------------------------


def test_swapped_prefix_codes() -> None:
    codes = FeatureCodeSet(login_toggle="*07", pause_toggle="*7")
    assert dial("*76400", codes) == pause("6400")
    assert dial("*76400*03", codes) == pause("6400", reason="*03")
    assert dial("*076400", codes) == login("6400")
    assert dial("*071001*6400", codes) == login("6400", agent="1001")
    # Log in/out has no reason, so the pause key's shape is not a login shape.
    assert dial("*071001*6400*01", codes) == error(
        "malformed *071001*6400*01: expected *07<queue> or *07<extension>*<queue>"
    )


def test_nested_prefix_codes_are_resolved_by_the_numbers_that_exist() -> None:
    codes = FeatureCodeSet(login_toggle="*7", pause_toggle="*70")
    assert dial("*706400", codes) == pause("6400")
    assert dial("*706400*03", codes) == pause("6400", reason="*03")
    assert dial("*76400", codes) == login("6400")
    # With a queue 06400 and no 6400, *706400 can only be *7 + 06400.
    assert find_ambiguities(_settings(codes), {"06400"} | AGENTS) == []
    assert dial("*706400", codes, queues={"06400"}) == login("06400")


def test_a_longer_prefix_inside_a_shorter_one() -> None:
    codes = FeatureCodeSet(login_toggle="*70", pause_toggle="*7")
    assert dial("*706400", codes) == login("6400")
    assert dial("*76400", codes) == pause("6400")
    assert dial("*71001*6400*01", codes) == pause("6400", agent="1001", reason="*01")


def test_longer_custom_codes() -> None:
    codes = FeatureCodeSet(
        login_toggle="*991",
        pause_toggle="*9911",
        login_all="*99",
        logout_all="*990",
        login_last="*123456",
    )
    assert dial("*99", codes) == Command(Action.LOGIN_ALL)
    assert dial("*990", codes) == Command(Action.LOGOUT_ALL)
    assert dial("*123456", codes) == Command(Action.LOGIN_LAST)
    assert dial("*9916400", codes) == login("6400")
    assert dial("*99116400*03", codes) == pause("6400", reason="*03")
    assert dial("*99111001*6400*02", codes) == pause("6400", agent="1001", reason="*02")
    assert dial("*77", codes) == error("no feature code *77")


# --- Garbage and unknown numbers ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("dialed", "message"),
    [
        ("", "nothing dialled"),
        ("*", "no feature code *"),
        ("#", "'#' is not a feature code: only digits and * are used"),
        ("*76400#", "'*76400#' is not a feature code: only digits and * are used"),
        ("*07abc", "'*07abc' is not a feature code: only digits and * are used"),
        ("**76400", "no feature code **76400"),
        ("*9", "no feature code *9"),
        ("*7", "*7 needs a queue number"),
        ("*07", "*07 needs a queue number"),
        ("*07*", "malformed *07*: expected " + PAUSE_SHAPES),
        ("*076400*", "malformed *076400*: expected " + PAUSE_SHAPES),
        ("*076400**03", "malformed *076400**03: expected " + PAUSE_SHAPES),
        ("*071001*6400*01*02", "malformed *071001*6400*01*02: expected " + PAUSE_SHAPES),
        ("*71001*6400*01", "malformed *71001*6400*01: expected *7<queue> or *7<extension>*<queue>"),
    ],
)
def test_garbage(dialed: str, message: str) -> None:
    assert dial(dialed) == error(message)


@pytest.mark.parametrize(
    ("dialed", "message"),
    [
        ("*76499", "unknown queue 6499"),
        ("*076499", "unknown queue 6499"),
        ("*076499*03", "unknown queue 6499"),
        ("*076400*09", "unknown pause reason *09"),
        ("*076400*003", "unknown pause reason *003"),
        ("*79999*6400", "unknown agent 9999"),
        ("*071009*6400", "unknown agent 1009"),
        ("*071009*6400*01", "unknown agent 1009"),
        ("*071001*6499", "unknown queue 6499"),
        ("*071001*6499*01", "unknown queue 6499"),
        ("*071001*6400*09", "unknown pause reason *09"),
        ("*71001", "agent 1001 needs a queue: *71001*<queue>"),
        ("*071001", "agent 1001 needs a queue: *071001*<queue>"),
        ("*76400*03", "*76400 (log in/out) takes no pause reason"),
        ("*076400*6400*01", "6400 is a queue, not an agent: expected " + PAUSE_SHAPES),
    ],
)
def test_unknown_numbers_are_named(dialed: str, message: str) -> None:
    assert dial(dialed) == error(message)


def test_an_unknown_first_number_is_named_by_what_follows_it() -> None:
    assert dial("*079999*6400") == error("unknown agent 9999")
    assert dial("*079999*03") == error("unknown queue 9999")
    assert dial("*079999*88888") == error("unknown agent 9999")
    assert dial("*079999*03", queues={"03"}) == error("unknown queue or agent 9999")


def test_the_error_of_the_parse_that_got_furthest_is_reported() -> None:
    codes = FeatureCodeSet(login_toggle="*7", pause_toggle="*70")
    # *70 + 6400 + *09 got to the reason; *7 + 06400 failed at the queue.
    assert dial("*706400*09", codes) == error("unknown pause reason *09")
    # Both fail at their first number: the longer prefix's reading is reported.
    assert dial("*706499", codes) == error("unknown queue 6499")


# --- Round trip --------------------------------------------------------------------------------


def _settings(codes: FeatureCodeSet) -> dict[FeatureCodeKey, FeatureCodeSetting]:
    return {
        FeatureCodeKey(f.name): FeatureCodeSetting(code or "*", enabled=code is not None)
        for f in fields(codes)
        for code in [getattr(codes, f.name)]
    }


def encode(command: Command, codes: FeatureCodeSet) -> str:
    """The documented shapes, written out independently of the decoder."""
    code = {
        Action.LOGIN_TOGGLE: codes.login_toggle,
        Action.PAUSE_TOGGLE: codes.pause_toggle,
        Action.LOGIN_ALL: codes.login_all,
        Action.LOGOUT_ALL: codes.logout_all,
        Action.LOGIN_LAST: codes.login_last,
    }[command.action]
    assert code is not None
    if command.queue is None:
        return code
    agent = "" if command.agent is None else f"{command.agent}*"
    return f"{code}{agent}{command.queue}{command.reason or ''}"


# Few digits in codes and numbers so that codes nest and numbers start with codes' digits.
_codes = st.text("0789", min_size=1, max_size=3).map(lambda digits: f"*{digits}")
_numbers = st.text("0123789", min_size=1, max_size=4)


@st.composite
def _configurations(draw: st.DrawFn) -> tuple[FeatureCodeSet, set[str], set[str], set[str]]:
    keys = [key.value for key in FeatureCodeKey]
    rows = [(key, draw(_codes), draw(st.booleans() | st.just(True))) for key in keys]
    enabled = [code for _, code, on in rows if on]
    assume(len(enabled) == len(set(enabled)))
    codes = FeatureCodeSet.from_pairs(rows)
    numbers = draw(st.lists(_numbers, min_size=1, max_size=8, unique=True))
    split = draw(st.integers(1, len(numbers)))
    queues, agents = set(numbers[:split]), set(numbers[split:])
    reasons = draw(st.sets(st.text("0123", min_size=1, max_size=2).map(lambda d: f"*{d}")))
    # The decoder is only promised to work for configurations the config check accepts.
    assume(find_ambiguities(_settings(codes), queues | agents) == [])
    return codes, queues, agents, reasons


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(_configurations(), st.data())
def test_every_command_decodes_back_from_its_dial_string(
    configuration: tuple[FeatureCodeSet, set[str], set[str], set[str]], data: st.DataObject
) -> None:
    codes, queues, agents, reasons = configuration
    enabled = [Action(f.name) for f in fields(codes) if getattr(codes, f.name) is not None]
    assume(enabled)
    action = data.draw(st.sampled_from(enabled))
    if action in (Action.LOGIN_ALL, Action.LOGOUT_ALL, Action.LOGIN_LAST):
        command = Command(action)
    else:
        queue = data.draw(st.sampled_from(sorted(queues)))
        agent = data.draw(st.none() | st.sampled_from(sorted(agents))) if agents else None
        reason = None
        if action is Action.PAUSE_TOGGLE and reasons:
            reason = data.draw(st.none() | st.sampled_from(sorted(reasons)))
        command = Command(action, queue=queue, agent=agent, reason=reason)
    dialed = encode(command, codes)
    assert decode(dialed, codes, queues=queues, extensions=agents, reasons=reasons) == command


@settings(max_examples=300, deadline=None)
@given(st.text("0123456789*#a", max_size=14))
def test_anything_dialled_decodes_to_a_command_or_an_error(dialed: str) -> None:
    assert isinstance(dial(dialed), Command | DecodeError)
