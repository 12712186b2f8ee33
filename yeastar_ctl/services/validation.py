"""Small checks shared by the services, collected so one call reports every problem."""

from __future__ import annotations

import enum
import re
from typing import Final, TypeVar

from yeastar_ctl.services.errors import Problem, ValidationError

E = TypeVar("E", bound=enum.Enum)

# Names for prompts, music-on-hold classes and ringtones end up in Asterisk config and ARI
# media URIs ("sound:custom/welcome"), so they are kept to a path-like, quote-free alphabet.
PROMPT_NAME: Final = re.compile(r"^[A-Za-z0-9_.\-]+(/[A-Za-z0-9_.\-]+)*$")
PROMPT_NAME_MAX: Final = 128
DTMF_KEY: Final = re.compile(r"^[0-9*#]$")


class Unset(enum.Enum):
    """Marks an optional argument the caller left alone, where None is a real value."""

    UNSET = "unset"


UNSET: Final = Unset.UNSET


def _member(value: object, enum_cls: type[E]) -> E | None:
    # Accepts the member itself or its stored value, so form strings work as well as enums.
    for member in enum_cls:
        if value is member or value == member.value:
            return member
    return None


def _not_a_member(enum_cls: type[enum.Enum], value: object) -> str:
    allowed = ", ".join(str(m.value) for m in enum_cls)
    return f"must be one of {allowed}, got {value!r}"


def parse_choice(field: str, value: object, enum_cls: type[E]) -> E:
    """The enum member ``value`` names, raising at once when it names none."""
    member = _member(value, enum_cls)
    if member is None:
        raise ValidationError(field, _not_a_member(enum_cls, value))
    return member


class Problems:
    """Collects problems; ``raise_if_any`` raises one ValidationError carrying them all."""

    def __init__(self) -> None:
        self._items: list[Problem] = []

    def __bool__(self) -> bool:
        return bool(self._items)

    def add(self, field: str, message: str) -> None:
        self._items.append(Problem(field, message))

    def raise_if_any(self) -> None:
        if self._items:
            first = self._items[0]
            raise ValidationError(first.field, first.message, problems=self._items)

    def integer(self, field: str, value: object, low: int, high: int | None = None) -> None:
        # bool is an int subclass; True must not pass as 1.
        if not isinstance(value, int) or isinstance(value, bool):
            self.add(field, f"must be a whole number, got {value!r}")
        elif value < low or (high is not None and value > high):
            bound = f"between {low} and {high}" if high is not None else f"at least {low}"
            self.add(field, f"must be {bound}, got {value}")

    def flag(self, field: str, value: object) -> None:
        if not isinstance(value, bool):
            self.add(field, f"must be true or false, got {value!r}")

    def choice(self, field: str, value: object, enum_cls: type[E]) -> E | None:
        """The enum member ``value`` names, or None after recording a problem."""
        member = _member(value, enum_cls)
        if member is None:
            self.add(field, _not_a_member(enum_cls, value))
        return member

    def text(self, field: str, value: object, max_length: int) -> str | None:
        """A required one-line text, stripped; None after recording a problem."""
        if not isinstance(value, str) or not value.strip():
            self.add(field, "must not be empty")
            return None
        cleaned = value.strip()
        if len(cleaned) > max_length:
            self.add(field, f"must be at most {max_length} characters")
            return None
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in cleaned):
            self.add(field, "must not contain control characters")
            return None
        return cleaned

    def pattern(self, field: str, value: object, regex: re.Pattern[str], description: str) -> bool:
        if isinstance(value, str) and regex.fullmatch(value):
            return True
        self.add(field, f"must be {description}, got {value!r}")
        return False

    def prompt_name(self, field: str, value: object) -> None:
        """An optional prompt name (None allowed)."""
        if value is None:
            return
        if (
            not isinstance(value, str)
            or len(value) > PROMPT_NAME_MAX
            or not PROMPT_NAME.fullmatch(value)
            or ".." in value.split("/")
        ):
            self.add(field, f"must be a prompt name like 'custom/welcome', got {value!r}")
