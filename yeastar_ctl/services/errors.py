"""Typed errors the services raise; the portal, the JSON API and the CLI render them.

A service that raises leaves the session without pending changes of its own: every check
runs before the first row is touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence


class ServiceError(Exception):
    """Base class for errors a caller should show to the user rather than log as a bug."""


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


class ValidationError(ServiceError):
    """Input was refused. ``field``/``message`` name the first problem, ``problems`` all."""

    def __init__(self, field: str, message: str, *, problems: Sequence[Problem] = ()) -> None:
        self.field = field
        self.message = message
        self.problems: tuple[Problem, ...] = tuple(problems) or (Problem(field, message),)
        super().__init__(f"{field}: {message}")


class NotFoundError(ServiceError):
    """The object a call names (by number, code or key) does not exist."""

    def __init__(self, kind: str, key: str) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"{kind} {key} does not exist")
