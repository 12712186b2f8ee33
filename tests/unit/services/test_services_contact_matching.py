"""Caller-ID matching rules (seed: Company Contacts > Options), pure."""

from __future__ import annotations

import pytest

from yeastar_ctl.services.contact_matching import Candidate, MatchOptions, NumberMatch, best_match, normalise

LAST_7 = MatchOptions(NumberMatch.LAST_DIGITS, 7, ignore_symbols=False)
EXACT = MatchOptions(NumberMatch.EXACT, 7, ignore_symbols=False)


def names(caller: str, options: MatchOptions, *contacts: tuple[int, str, tuple[str, ...]]) -> str | None:
    found = best_match(caller, [Candidate(*c) for c in contacts], options)
    return found.name if found else None


@pytest.mark.parametrize(("number", "ignore", "expected"), [
    ("+1 (555) 010-7788", True, "15550107788"),
    ("555-CALL-NOW 12", True, "55512"),
    ("  +1 555 0107  ", False, "+1 555 0107"),
    ("٣٤٥", True, ""),  # non-ASCII digits are not dialable digits
])
def test_normalise(number: str, ignore: bool, expected: str) -> None:
    assert normalise(number, ignore) == expected


def test_do_not_match_never_matches() -> None:
    options = MatchOptions(NumberMatch.DO_NOT_MATCH, 7, True)
    assert names("5550107", options, (1, "Ann", ("5550107",))) is None


def test_exact_needs_the_whole_number() -> None:
    assert names("15550107788", EXACT, (1, "Ann", ("15550107788",))) == "Ann"
    assert names("5550107788", EXACT, (1, "Ann", ("15550107788",))) is None


@pytest.mark.parametrize(("caller", "stored", "matched"), [
    ("0015550107788", "5550107788", True),    # longer than 7: the last 7 digits decide
    ("0015550107788", "9990107788", True),
    ("0015550107788", "0107789", False),
    ("0107788", "15550107788", False),        # at most 7 digits: only an exact match counts
    ("0107788", "0107788", True),
    ("12345678", "345678", False),            # the stored number has fewer than 7 digits
])
def test_last_digits(caller: str, stored: str, matched: bool) -> None:
    assert (names(caller, LAST_7, (1, "Ann", (stored,))) == "Ann") is matched


@pytest.mark.parametrize("digits", [4, 31])
def test_last_digits_bounds(digits: int) -> None:
    options = MatchOptions(NumberMatch.LAST_DIGITS, digits, False)
    stored = "9" * (31 - digits) + "1" * digits if digits < 31 else "1" * 31
    caller = "8" + "1" * digits
    assert names(caller, options, (1, "Ann", (stored,))) == "Ann"


def test_symbols_and_letters_count_unless_ignored() -> None:
    contact = (1, "Ann", ("+1 (555) 010-7788",))
    assert names("15550107788", MatchOptions(NumberMatch.EXACT, 7, False), contact) is None
    assert names("15550107788", MatchOptions(NumberMatch.EXACT, 7, True), contact) == "Ann"
    assert names("+1-555-010-7788", MatchOptions(NumberMatch.LAST_DIGITS, 7, True), contact) == "Ann"


def test_every_number_of_a_contact_is_tried() -> None:
    assert names("5550002222", LAST_7, (1, "Ann", ("1111111", "5550002222", "3333333"))) == "Ann"


def test_a_full_match_beats_a_last_digits_match_then_the_oldest_contact_wins() -> None:
    later_full = (9, "Full", ("15550107788",))
    earlier_suffix = (2, "Suffix", ("9990107788",))
    assert names("15550107788", LAST_7, earlier_suffix, later_full) == "Full"
    assert names("15550107788", LAST_7, later_full, earlier_suffix) == "Full"
    twin_a, twin_b = (5, "B", ("0107788",)), (3, "A", ("0107788",))
    assert names("0107788", LAST_7, twin_a, twin_b) == "A"
    assert names("0107788", LAST_7, twin_b, twin_a) == "A"


@pytest.mark.parametrize("caller", ["", "   ", "anonymous"])
def test_an_empty_caller_id_matches_nothing(caller: str) -> None:
    options = MatchOptions(NumberMatch.LAST_DIGITS, 7, True)
    assert names(caller, options, (1, "Ann", ("abc 12",)), (2, "Bob", ("anonymous 1",))) is None
