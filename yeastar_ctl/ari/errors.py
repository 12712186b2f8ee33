"""Typed errors for ARI calls, one class per HTTP status family the callers act on."""

from __future__ import annotations


class AriError(Exception):
    """An ARI request failed; `status` is the HTTP status (0 when no response arrived)."""

    def __init__(self, status: int, message: str, method: str, path: str) -> None:
        super().__init__(f"{method} {path} -> {status}: {message}")
        self.status = status
        self.message = message
        self.method = method
        self.path = path


class AriBadRequest(AriError):
    """400: invalid or missing parameters."""


class AriNotFound(AriError):
    """404: the channel, bridge, playback, ... does not exist (often: it just hung up)."""


class AriConflict(AriError):
    """409: e.g. the channel is not in a Stasis application, or the id already exists."""


class AriUnprocessable(AriError):
    """422: e.g. a channel that is not in Stasis or not in this bridge."""


class AriServerError(AriError):
    """5xx from Asterisk."""


class AriConnectionError(AriError):
    """Asterisk could not be reached or did not answer in time (status is 0)."""

    def __init__(self, message: str, method: str, path: str) -> None:
        super().__init__(0, message, method, path)


_BY_STATUS: dict[int, type[AriError]] = {
    400: AriBadRequest,
    404: AriNotFound,
    409: AriConflict,
    422: AriUnprocessable,
}


def error_for_status(status: int, message: str, method: str, path: str) -> AriError:
    """The most specific error class for an HTTP error status."""
    if status >= 500:
        return AriServerError(status, message, method, path)
    return _BY_STATUS.get(status, AriError)(status, message, method, path)
