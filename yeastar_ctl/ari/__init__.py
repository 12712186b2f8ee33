"""A thin, typed client for the Asterisk REST Interface (REST calls + events WebSocket).

Protocol only: nothing here imports the rest of yeastar_ctl.
"""

from .client import AriClient
from .endpoints import ENDPOINTS, Endpoint
from .errors import (
    AriBadRequest,
    AriConflict,
    AriConnectionError,
    AriError,
    AriNotFound,
    AriServerError,
    AriUnprocessable,
)
from .events import Event, EventHandler, EventStream
from .models import (
    Application,
    AsteriskInfo,
    AsteriskPing,
    Bridge,
    Channel,
    DeviceState,
    EndpointState,
    LiveRecording,
    Playback,
)

__all__ = [
    "ENDPOINTS",
    "Application",
    "AriBadRequest",
    "AriClient",
    "AriConflict",
    "AriConnectionError",
    "AriError",
    "AriNotFound",
    "AriServerError",
    "AriUnprocessable",
    "AsteriskInfo",
    "AsteriskPing",
    "Bridge",
    "Channel",
    "DeviceState",
    "EndpointState",
    "Endpoint",
    "Event",
    "EventHandler",
    "EventStream",
    "LiveRecording",
    "Playback",
]
