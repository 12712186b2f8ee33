"""Frozen values parsed from ARI JSON.

Only the fields the control plane uses are kept. Every parser tolerates missing keys
because ARI omits optional ones and events sometimes carry partial snapshots; the full
JSON stays available to callers that need more (events are delivered as dicts).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

JsonObject = Mapping[str, Any]


def _str(data: JsonObject, key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value)


def _obj(data: JsonObject, key: str) -> JsonObject:
    value = data.get(key)
    return value if isinstance(value, Mapping) else {}


def _str_tuple(data: JsonObject, key: str) -> tuple[str, ...]:
    value = data.get(key)
    return tuple(str(item) for item in value) if isinstance(value, list) else ()


@dataclass(frozen=True)
class Channel:
    id: str
    name: str
    state: str
    caller_number: str
    caller_name: str
    connected_number: str
    exten: str
    context: str
    creationtime: str
    language: str
    # The dialplan application the channel is in and its arguments, e.g. "Stasis" and
    # "yeastar_ctl,queue,6400": what a restarted app reads to know a channel is its own.
    app_name: str = ""
    app_data: str = ""

    @classmethod
    def from_json(cls, data: JsonObject) -> Channel:
        caller = _obj(data, "caller")
        dialplan = _obj(data, "dialplan")
        return cls(
            id=_str(data, "id"),
            name=_str(data, "name"),
            state=_str(data, "state"),
            caller_number=_str(caller, "number"),
            caller_name=_str(caller, "name"),
            connected_number=_str(_obj(data, "connected"), "number"),
            exten=_str(dialplan, "exten"),
            context=_str(dialplan, "context"),
            creationtime=_str(data, "creationtime"),
            language=_str(data, "language"),
            app_name=_str(dialplan, "app_name"),
            app_data=_str(dialplan, "app_data"),
        )


@dataclass(frozen=True)
class Bridge:
    id: str
    technology: str
    bridge_type: str
    channels: tuple[str, ...]
    name: str

    @classmethod
    def from_json(cls, data: JsonObject) -> Bridge:
        return cls(
            id=_str(data, "id"),
            technology=_str(data, "technology"),
            bridge_type=_str(data, "bridge_type"),
            channels=_str_tuple(data, "channels"),
            name=_str(data, "name"),
        )


@dataclass(frozen=True)
class Playback:
    id: str
    media_uri: str
    target_uri: str
    state: str

    @classmethod
    def from_json(cls, data: JsonObject) -> Playback:
        return cls(
            id=_str(data, "id"),
            media_uri=_str(data, "media_uri"),
            target_uri=_str(data, "target_uri"),
            state=_str(data, "state"),
        )


@dataclass(frozen=True)
class LiveRecording:
    name: str
    format: str
    state: str
    target_uri: str

    @classmethod
    def from_json(cls, data: JsonObject) -> LiveRecording:
        return cls(
            name=_str(data, "name"),
            format=_str(data, "format"),
            state=_str(data, "state"),
            target_uri=_str(data, "target_uri"),
        )


@dataclass(frozen=True)
class DeviceState:
    name: str
    state: str

    @classmethod
    def from_json(cls, data: JsonObject) -> DeviceState:
        return cls(name=_str(data, "name"), state=_str(data, "state"))


@dataclass(frozen=True)
class EndpointState:
    """A phone or trunk as ARI sees it: `state` is "online" while a contact is registered."""

    technology: str
    resource: str
    state: str
    channel_ids: tuple[str, ...]

    @property
    def online(self) -> bool:
        return self.state == "online"

    @classmethod
    def from_json(cls, data: JsonObject) -> EndpointState:
        return cls(
            technology=_str(data, "technology"),
            resource=_str(data, "resource"),
            state=_str(data, "state"),
            channel_ids=tuple(str(c) for c in data.get("channel_ids") or ()),
        )


@dataclass(frozen=True)
class Application:
    name: str
    channel_ids: tuple[str, ...]
    bridge_ids: tuple[str, ...]
    endpoint_ids: tuple[str, ...]
    device_names: tuple[str, ...]

    @classmethod
    def from_json(cls, data: JsonObject) -> Application:
        return cls(
            name=_str(data, "name"),
            channel_ids=_str_tuple(data, "channel_ids"),
            bridge_ids=_str_tuple(data, "bridge_ids"),
            endpoint_ids=_str_tuple(data, "endpoint_ids"),
            device_names=_str_tuple(data, "device_names"),
        )


@dataclass(frozen=True)
class AsteriskInfo:
    version: str
    entity_id: str
    startup_time: str = ""  # changes when Asterisk restarts (a reload leaves it)

    @classmethod
    def from_json(cls, data: JsonObject) -> AsteriskInfo:
        # The version lives under "system"; "build" holds OS/compiler details only.
        system = _obj(data, "system")
        return cls(version=_str(system, "version"), entity_id=_str(system, "entity_id"),
                   startup_time=_str(_obj(data, "status"), "startup_time"))


@dataclass(frozen=True)
class AsteriskPing:
    asterisk_id: str
    ping: str
    timestamp: str

    @classmethod
    def from_json(cls, data: JsonObject) -> AsteriskPing:
        return cls(
            asterisk_id=_str(data, "asterisk_id"),
            ping=_str(data, "ping"),
            timestamp=_str(data, "timestamp"),
        )
