from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from yeastar_ctl.ari import (
    Application,
    AsteriskInfo,
    AsteriskPing,
    Bridge,
    Channel,
    DeviceState,
    LiveRecording,
    Playback,
)

# Shapes as Asterisk 22 sends them (trimmed).
CHANNEL_JSON = {
    "id": "1700000000.12",
    "name": "PJSIP/1001-00000003",
    "state": "Up",
    "protocol_id": "abc@127.0.0.1",
    "caller": {"name": "Alice", "number": "1001"},
    "connected": {"name": "", "number": "5000"},
    "accountcode": "",
    "dialplan": {
        "context": "from-internal",
        "exten": "5000",
        "priority": 2,
        "app_name": "Stasis",
        "app_data": "yeastar_ctl",
    },
    "creationtime": "2024-01-01T10:00:00.000+0000",
    "language": "en",
}


def test_channel_from_json() -> None:
    assert Channel.from_json(CHANNEL_JSON) == Channel(
        id="1700000000.12",
        name="PJSIP/1001-00000003",
        state="Up",
        caller_number="1001",
        caller_name="Alice",
        connected_number="5000",
        exten="5000",
        context="from-internal",
        creationtime="2024-01-01T10:00:00.000+0000",
        language="en",
        app_name="Stasis",
        app_data="yeastar_ctl",
    )


def test_channel_tolerates_missing_and_null_keys() -> None:
    channel = Channel.from_json({"id": "c1", "caller": None})
    assert channel.id == "c1"
    assert channel.caller_number == "" and channel.exten == "" and channel.language == ""


def test_bridge_from_json() -> None:
    data = {
        "id": "b1",
        "technology": "simple_bridge",
        "bridge_type": "mixing",
        "bridge_class": "stasis",
        "creator": "Stasis",
        "name": "queue-support",
        "channels": ["c1", "c2"],
        "creationtime": "2024-01-01T10:00:00.000+0000",
    }
    assert Bridge.from_json(data) == Bridge(
        id="b1",
        technology="simple_bridge",
        bridge_type="mixing",
        channels=("c1", "c2"),
        name="queue-support",
    )
    assert Bridge.from_json({"id": "b2"}).channels == ()


def test_playback_recording_device_state() -> None:
    playback = Playback.from_json(
        {
            "id": "p1",
            "media_uri": "sound:queue-thankyou",
            "target_uri": "channel:c1",
            "language": "en",
            "state": "queued",
        }
    )
    assert playback == Playback("p1", "sound:queue-thankyou", "channel:c1", "queued")
    recording = LiveRecording.from_json(
        {"name": "r1", "format": "wav", "state": "recording", "target_uri": "bridge:b1"}
    )
    assert recording == LiveRecording("r1", "wav", "recording", "bridge:b1")
    assert DeviceState.from_json({"name": "Stasis:agent-1", "state": "BUSY"}) == DeviceState(
        "Stasis:agent-1", "BUSY"
    )


def test_application_from_json() -> None:
    app = Application.from_json(
        {
            "name": "yeastar_ctl",
            "channel_ids": ["c1"],
            "bridge_ids": [],
            "endpoint_ids": [],
            "device_names": ["Stasis:agent-1"],
            "events_allowed": [],
            "events_disallowed": [],
        }
    )
    assert app.channel_ids == ("c1",) and app.device_names == ("Stasis:agent-1",)


def test_asterisk_info_and_ping() -> None:
    info = AsteriskInfo.from_json(
        {
            "build": {"os": "Linux", "kernel": "6.1", "machine": "x86_64"},
            "system": {"version": "22.10.1", "entity_id": "aa:bb:cc:dd:ee:ff"},
        }
    )
    assert info == AsteriskInfo(version="22.10.1", entity_id="aa:bb:cc:dd:ee:ff")
    assert AsteriskInfo.from_json({}).version == ""
    ping = AsteriskPing.from_json(
        {"asterisk_id": "x", "ping": "pong", "timestamp": "2024-01-01T10:00:00.000+0000"}
    )
    assert ping.ping == "pong"


@pytest.mark.parametrize(
    "model",
    [Channel, Bridge, Playback, LiveRecording, DeviceState, Application, AsteriskInfo],
)
def test_models_are_frozen(model: Any) -> None:
    instance = model.from_json({})
    field = dataclasses.fields(instance)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(instance, field, "changed")
