"""BLF keys for agents (seed: "Allow Agents to Manage Their Status via IP Phones", "Monitor
Specific Pause Status of an Agent by Function Key").

Seed LEDs: Log in/Log out key solid green when logged in, solid red when logged out; Pause/unpause
key solid green while taking calls, flashing red while paused; a pause reason key
(``*071001*6400*01``, label Agent1001_Lunch) solid green unless the agent is paused for that
reason, then flashing red. Phones show NOT_INUSE green, INUSE solid red, RINGING flashing red.
"""

from __future__ import annotations

import pytest

from yeastar_ctl.agents import blf
from yeastar_ctl.agents.blf import Hint, hints_for, lamps, login_device, pause_device

REASONS = ("*01", "*02", "*03")
GREEN, SOLID_RED, FLASHING_RED = "NOT_INUSE", "INUSE", "RINGING"


def test_device_names() -> None:
    assert login_device("1001", "6400") == "Stasis:yc-login-1001-6400"
    assert pause_device("1001", "6400") == "Stasis:yc-pause-1001-6400"
    assert pause_device("1001", "6400", "*01") == "Stasis:yc-pause-1001-6400-01"
    assert pause_device("1001", "6400", "*7") == "Stasis:yc-pause-1001-6400-7"


def test_the_seeds_led_colours() -> None:
    assert (blf.LOGGED_IN, blf.LOGGED_OUT) == (GREEN, SOLID_RED)
    assert (blf.TAKING_CALLS, blf.PAUSED) == (GREEN, FLASHING_RED)


def test_hints_with_the_default_codes() -> None:
    """Each key dials what it shows: pressing Agent1001_Lunch dials *071001*6400*01."""
    assert hints_for("1001", "6400", login_code="*7", pause_code="*07", reasons=REASONS) == [
        Hint("*71001*6400", "Stasis:yc-login-1001-6400"),
        Hint("*071001*6400", "Stasis:yc-pause-1001-6400"),
        Hint("*071001*6400*01", "Stasis:yc-pause-1001-6400-01"),
        Hint("*071001*6400*02", "Stasis:yc-pause-1001-6400-02"),
        Hint("*071001*6400*03", "Stasis:yc-pause-1001-6400-03"),
    ]


def test_changed_codes_change_the_dial_strings_not_the_devices() -> None:
    hints = hints_for("1002", "6401", login_code="*50", pause_code="*51", reasons=["*9"])
    assert hints == [
        Hint("*501002*6401", "Stasis:yc-login-1002-6401"),
        Hint("*511002*6401", "Stasis:yc-pause-1002-6401"),
        Hint("*511002*6401*9", "Stasis:yc-pause-1002-6401-9"),
    ]


def test_no_login_code_means_no_login_key() -> None:
    hints = hints_for("1001", "6400", login_code=None, pause_code="*07", reasons=REASONS)
    assert [h.extension for h in hints] == ["*071001*6400", "*071001*6400*01", "*071001*6400*02", "*071001*6400*03"]


def test_no_pause_code_means_no_pause_or_reason_keys() -> None:
    hints = hints_for("1001", "6400", login_code="*7", pause_code=None, reasons=REASONS)
    assert hints == [Hint("*71001*6400", "Stasis:yc-login-1001-6400")]
    assert hints_for("1001", "6400", login_code=None, pause_code=None, reasons=REASONS) == []


def test_no_reasons_leaves_the_plain_pause_key() -> None:
    hints = hints_for("1001", "6400", login_code="*7", pause_code="*07", reasons=[])
    assert [h.extension for h in hints] == ["*71001*6400", "*071001*6400"]


def test_reasons_may_be_any_iterable() -> None:
    hints = hints_for("1001", "6400", login_code=None, pause_code="*07", reasons=iter(REASONS))
    assert len(hints) == 4


def _lamps(*, logged_in: bool, paused: bool = False, reason: str | None = None) -> dict[str, str]:
    return lamps("1001", "6400", logged_in=logged_in, paused=paused, reason=reason, reasons=REASONS)


def test_logged_in_and_taking_calls_is_all_green() -> None:
    assert _lamps(logged_in=True) == {
        "Stasis:yc-login-1001-6400": GREEN,
        "Stasis:yc-pause-1001-6400": GREEN,
        "Stasis:yc-pause-1001-6400-01": GREEN,
        "Stasis:yc-pause-1001-6400-02": GREEN,
        "Stasis:yc-pause-1001-6400-03": GREEN,
    }


def test_logged_out_turns_the_login_key_solid_red() -> None:
    states = _lamps(logged_in=False)
    assert states["Stasis:yc-login-1001-6400"] == SOLID_RED
    assert states["Stasis:yc-pause-1001-6400"] == GREEN


@pytest.mark.parametrize("reason", REASONS)
def test_a_reason_key_flashes_only_for_the_reason_in_force(reason: str) -> None:
    states = _lamps(logged_in=True, paused=True, reason=reason)
    assert states["Stasis:yc-login-1001-6400"] == GREEN
    assert states["Stasis:yc-pause-1001-6400"] == FLASHING_RED
    for code in REASONS:
        expected = FLASHING_RED if code == reason else GREEN
        assert states[pause_device("1001", "6400", code)] == expected, code


def test_a_pause_without_reason_flashes_the_pause_key_only() -> None:
    states = _lamps(logged_in=True, paused=True)
    assert states["Stasis:yc-pause-1001-6400"] == FLASHING_RED
    assert [states[pause_device("1001", "6400", code)] for code in REASONS] == [GREEN] * 3


def test_a_stale_reason_without_a_pause_shows_no_pause() -> None:
    states = _lamps(logged_in=True, paused=False, reason="*01")
    assert set(states.values()) == {GREEN}


def test_every_hint_has_a_lamp() -> None:
    hints = hints_for("1001", "6400", login_code="*7", pause_code="*07", reasons=REASONS)
    assert {h.device for h in hints} == set(_lamps(logged_in=True))
