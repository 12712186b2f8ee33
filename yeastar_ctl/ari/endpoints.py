"""Every ARI endpoint the client calls, declared once.

Resource methods may only reach Asterisk through one of these declarations, and the
client refuses query or body keys an endpoint does not declare. That makes `ENDPOINTS`
an exact, testable statement of what we send, which a unit test checks against the
Swagger files Asterisk ships (so a typo in a path or parameter name fails in CI rather
than as a 404/400 on a live call).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote


@dataclass(frozen=True)
class Endpoint:
    method: str
    template: str
    query: frozenset[str] = frozenset()
    body: frozenset[str] = frozenset()

    def render_path(self, path_params: Mapping[str, str]) -> str:
        # Ids are user-controlled strings; quote them whole so a '/' or '?' cannot
        # change which endpoint we hit.
        quoted = {key: quote(str(value), safe="") for key, value in path_params.items()}
        return self.template.format_map(quoted)


ENDPOINTS: set[Endpoint] = set()


def _endpoint(
    method: str, template: str, *query: str, body: tuple[str, ...] = ()
) -> Endpoint:
    endpoint = Endpoint(method, template, frozenset(query), frozenset(body))
    ENDPOINTS.add(endpoint)
    return endpoint


_PLAY = ("media", "lang", "playbackId")
_RECORD = (
    "name",
    "format",
    "maxDurationSeconds",
    "maxSilenceSeconds",
    "ifExists",
    "beep",
    "terminateOn",
)

# /channels
CHANNELS_LIST = _endpoint("GET", "/channels")
CHANNELS_ORIGINATE = _endpoint(
    "POST",
    "/channels",
    "endpoint",
    "extension",
    "context",
    "priority",
    "app",
    "appArgs",
    "callerId",
    "timeout",
    "channelId",
    "otherChannelId",
    "originator",
    body=("variables",),
)
CHANNELS_CREATE = _endpoint(
    "POST",
    "/channels/create",
    "endpoint",
    "app",
    "appArgs",
    "channelId",
    "otherChannelId",
    "originator",
    body=("variables",),
)
CHANNEL_GET = _endpoint("GET", "/channels/{channelId}")
CHANNEL_HANGUP = _endpoint("DELETE", "/channels/{channelId}", "reason")
CHANNEL_ANSWER = _endpoint("POST", "/channels/{channelId}/answer")
CHANNEL_RING = _endpoint("POST", "/channels/{channelId}/ring")
CHANNEL_RING_STOP = _endpoint("DELETE", "/channels/{channelId}/ring")
CHANNEL_MOH_START = _endpoint("POST", "/channels/{channelId}/moh", "mohClass")
CHANNEL_MOH_STOP = _endpoint("DELETE", "/channels/{channelId}/moh")
CHANNEL_SILENCE_START = _endpoint("POST", "/channels/{channelId}/silence")
CHANNEL_SILENCE_STOP = _endpoint("DELETE", "/channels/{channelId}/silence")
CHANNEL_PLAY = _endpoint("POST", "/channels/{channelId}/play", *_PLAY)
CHANNEL_DTMF = _endpoint(
    "POST", "/channels/{channelId}/dtmf", "dtmf", "before", "between", "duration", "after"
)
CHANNEL_HOLD = _endpoint("POST", "/channels/{channelId}/hold")
CHANNEL_UNHOLD = _endpoint("DELETE", "/channels/{channelId}/hold")
CHANNEL_MUTE = _endpoint("POST", "/channels/{channelId}/mute", "direction")
CHANNEL_UNMUTE = _endpoint("DELETE", "/channels/{channelId}/mute", "direction")
CHANNEL_VAR_GET = _endpoint("GET", "/channels/{channelId}/variable", "variable")
CHANNEL_VAR_SET = _endpoint("POST", "/channels/{channelId}/variable", "variable", "value")
CHANNEL_SNOOP = _endpoint(
    "POST", "/channels/{channelId}/snoop", "spy", "whisper", "app", "appArgs", "snoopId"
)
CHANNEL_RECORD = _endpoint("POST", "/channels/{channelId}/record", *_RECORD)
CHANNEL_CONTINUE = _endpoint(
    "POST", "/channels/{channelId}/continue", "context", "extension", "priority", "label"
)
CHANNEL_MOVE = _endpoint("POST", "/channels/{channelId}/move", "app", "appArgs")
CHANNEL_REDIRECT = _endpoint("POST", "/channels/{channelId}/redirect", "endpoint")
CHANNEL_DIAL = _endpoint("POST", "/channels/{channelId}/dial", "caller", "timeout")

# /bridges
BRIDGES_LIST = _endpoint("GET", "/bridges")
BRIDGES_CREATE = _endpoint("POST", "/bridges", "type", "bridgeId", "name")
BRIDGE_GET = _endpoint("GET", "/bridges/{bridgeId}")
BRIDGE_DESTROY = _endpoint("DELETE", "/bridges/{bridgeId}")
BRIDGE_ADD_CHANNEL = _endpoint(
    "POST", "/bridges/{bridgeId}/addChannel", "channel", "role", "absorbDTMF", "mute"
)
BRIDGE_REMOVE_CHANNEL = _endpoint("POST", "/bridges/{bridgeId}/removeChannel", "channel")
BRIDGE_MOH_START = _endpoint("POST", "/bridges/{bridgeId}/moh", "mohClass")
BRIDGE_MOH_STOP = _endpoint("DELETE", "/bridges/{bridgeId}/moh")
BRIDGE_PLAY = _endpoint("POST", "/bridges/{bridgeId}/play", *_PLAY)
BRIDGE_RECORD = _endpoint("POST", "/bridges/{bridgeId}/record", *_RECORD)

# /playbacks
PLAYBACK_GET = _endpoint("GET", "/playbacks/{playbackId}")
PLAYBACK_STOP = _endpoint("DELETE", "/playbacks/{playbackId}")
PLAYBACK_CONTROL = _endpoint("POST", "/playbacks/{playbackId}/control", "operation")

# /deviceStates
DEVICE_STATES_LIST = _endpoint("GET", "/deviceStates")
DEVICE_STATE_GET = _endpoint("GET", "/deviceStates/{deviceName}")
DEVICE_STATE_UPDATE = _endpoint("PUT", "/deviceStates/{deviceName}", "deviceState")
DEVICE_STATE_DELETE = _endpoint("DELETE", "/deviceStates/{deviceName}")

# /endpoints (SIP phones and trunks: registration state and their channels)
ENDPOINTS_LIST = _endpoint("GET", "/endpoints")
ENDPOINT_GET = _endpoint("GET", "/endpoints/{tech}/{resource}")

# /applications
APPLICATION_GET = _endpoint("GET", "/applications/{applicationName}")
APPLICATION_SUBSCRIBE = _endpoint(
    "POST", "/applications/{applicationName}/subscription", "eventSource"
)
APPLICATION_UNSUBSCRIBE = _endpoint(
    "DELETE", "/applications/{applicationName}/subscription", "eventSource"
)

# /asterisk
ASTERISK_INFO = _endpoint("GET", "/asterisk/info")
ASTERISK_PING = _endpoint("GET", "/asterisk/ping")
ASTERISK_VAR_GET = _endpoint("GET", "/asterisk/variable", "variable")
ASTERISK_VAR_SET = _endpoint("POST", "/asterisk/variable", "variable", "value")
