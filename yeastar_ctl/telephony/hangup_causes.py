"""Q.850 hangup causes as the ring-attempt results the reports use."""

from __future__ import annotations

_BUSY = {17, 21}  # user busy, call rejected (a phone's "decline" key)
_NO_ANSWER = {16, 18, 19, 31}  # normal clearing before answer, no user response, no answer, unspecified


def ring_result(cause: int | None) -> str:
    if cause in _BUSY:
        return "busy"
    if cause in _NO_ANSWER:
        return "no_answer"
    return "failed"
