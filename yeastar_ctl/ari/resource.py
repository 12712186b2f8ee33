"""What resource classes share: the caller they talk through and common parameter sets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from .endpoints import Endpoint

# A query value before rendering: None is dropped, bools become "true"/"false" and
# sequences are comma-joined (ARI's convention for allowMultiple parameters).
QueryValue = str | int | float | bool | Sequence[str] | None
QueryParams = Mapping[str, QueryValue]


class EndpointCaller(Protocol):
    """The part of AriClient that resources use; lets them live in their own modules."""

    @property
    def app(self) -> str: ...

    async def call(
        self,
        endpoint: Endpoint,
        path_params: Mapping[str, str] | None = None,
        *,
        params: QueryParams | None = None,
        json: Mapping[str, Any] | None = None,
    ) -> Any: ...


class Resource:
    def __init__(self, api: EndpointCaller) -> None:
        self._api = api


def variables_body(variables: Mapping[str, str] | None) -> dict[str, Any] | None:
    # ARI takes channel variables only in the JSON body, never in the query string.
    return {"variables": dict(variables)} if variables else None


def play_params(
    media: str | Sequence[str], playback_id: str | None, lang: str | None
) -> dict[str, QueryValue]:
    return {"media": media, "playbackId": playback_id, "lang": lang}


def record_params(
    name: str,
    format: str,
    max_duration_seconds: int | None,
    max_silence_seconds: int | None,
    if_exists: str | None,
    beep: bool | None,
    terminate_on: str | None,
) -> dict[str, QueryValue]:
    return {
        "name": name,
        "format": format,
        "maxDurationSeconds": max_duration_seconds,
        "maxSilenceSeconds": max_silence_seconds,
        "ifExists": if_exists,
        "beep": beep,
        "terminateOn": terminate_on,
    }
