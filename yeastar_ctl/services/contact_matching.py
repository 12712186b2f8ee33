"""Caller-ID matching against company contacts (seed: Contacts > Company Contacts > Options).

Pure: no database, no I/O. The options decide how a caller's number is compared with each
number a contact has; ``best_match`` picks one contact when several match, deterministically:
a full-number match beats a last-N-digits match, then the contact added first (lowest id) wins.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum, auto
from typing import Final

MATCH_DIGITS_RANGE: Final = (4, 31)
DEFAULT_MATCH_DIGITS: Final = 7


class NumberMatch(StrEnum):
    DO_NOT_MATCH = auto()
    EXACT = auto()
    LAST_DIGITS = auto()


@dataclass(frozen=True)
class MatchOptions:
    mode: NumberMatch = NumberMatch.LAST_DIGITS
    digits: int = DEFAULT_MATCH_DIGITS
    ignore_symbols: bool = False


@dataclass(frozen=True)
class Candidate:
    """A contact as matching sees it: its id (the tie-break), name and numbers."""

    id: int
    name: str
    numbers: tuple[str, ...]


# How well a number matched: a larger value wins.
NONE: Final = 0
LAST_DIGITS: Final = 1
FULL: Final = 2


def normalise(number: str, ignore_symbols: bool) -> str:
    """The number as compared: with the option on, only its digits ("+1 (555) 010-7788" ->
    "15550107788"); otherwise the number as typed, without surrounding blanks."""
    if ignore_symbols:
        return "".join(ch for ch in number if ch.isascii() and ch.isdigit())
    return number.strip()


def strength(caller: str, stored: str, options: MatchOptions) -> int:
    """How ``caller`` (already normalised) matches ``stored`` (as typed) under ``options``.

    Seed, "Match the last N digits": a caller ID of at most N digits must equal the number;
    a longer one matches when its last N digits equal the number's last N.
    """
    number = normalise(stored, options.ignore_symbols)
    if not caller or not number or options.mode == NumberMatch.DO_NOT_MATCH:
        return NONE
    if caller == number:
        return FULL
    if options.mode == NumberMatch.LAST_DIGITS and len(caller) > options.digits and len(number) >= options.digits:
        if caller[-options.digits:] == number[-options.digits:]:
            return LAST_DIGITS
    return NONE


def best_match(caller_number: str, candidates: Iterable[Candidate], options: MatchOptions) -> Candidate | None:
    """The contact whose number matches the caller best (ties: lowest id), or None."""
    caller = normalise(caller_number, options.ignore_symbols)
    if options.mode == NumberMatch.DO_NOT_MATCH or not caller:
        return None
    best: tuple[int, int] | None = None
    chosen: Candidate | None = None
    for candidate in candidates:
        found = max((strength(caller, n, options) for n in candidate.numbers if n), default=NONE)
        if found == NONE:
            continue
        key = (found, -candidate.id)
        if best is None or key > best:
            best, chosen = key, candidate
    return chosen
