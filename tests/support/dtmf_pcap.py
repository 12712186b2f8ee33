"""Write a pcap of RFC 2833 (RFC 4733) telephone-events that SIPp replays with play_pcap_audio.

Debian's sip-tester ships one capture per digit, but every capture carries the same RTP
timestamp, so Asterisk takes a second digit in the same call for a retransmission of the first.
Here each digit is its own event with its own timestamp and sequence numbers, and the gaps
between digits are the packets' capture times, which SIPp honours.
"""

from __future__ import annotations

import struct
from pathlib import Path

EVENTS = {**{str(d): d for d in range(10)}, "*": 10, "#": 11}
PAYLOAD_TYPE = 101
PACKET_MS = 20
EVENT_MS = 200
SAMPLES_PER_MS = 8


def _udp_frame(payload: bytes) -> bytes:
    udp = struct.pack("!HHHH", 40000, 40002, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                     bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1]))
    ethernet = b"\x00" * 12 + b"\x08\x00"
    return ethernet + ip + udp


def dtmf_packets(presses: list[tuple[int, str]]) -> list[tuple[int, bytes]]:
    """(capture time in ms, RTP packet) for each (pause ms before it, digit)."""
    packets: list[tuple[int, bytes]] = []
    clock_ms, seq, ssrc = 0, 1000, 0x1234ABCD
    for index, (pause_ms, digit) in enumerate(presses):
        clock_ms += pause_ms if index else 0
        timestamp = (clock_ms * SAMPLES_PER_MS) & 0xFFFFFFFF
        steps = EVENT_MS // PACKET_MS
        for step in range(1, steps + 4):  # the last three packets repeat the end (E bit)
            end = step >= steps
            duration = min(step, steps) * PACKET_MS * SAMPLES_PER_MS
            header = struct.pack("!BBHII", 0x80, (0x80 if step == 1 else 0) | PAYLOAD_TYPE, seq & 0xFFFF, timestamp, ssrc)
            payload = struct.pack("!BBH", EVENTS[digit], (0x80 if end else 0) | 10, duration)
            packets.append((clock_ms + min(step, steps) * PACKET_MS, header + payload))
            seq += 1
        clock_ms += EVENT_MS
    return packets


def write_dtmf_pcap(path: Path, presses: list[tuple[int, str]]) -> None:
    out = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for at_ms, packet in dtmf_packets(presses):
        frame = _udp_frame(packet)
        out += struct.pack("<IIII", at_ms // 1000, (at_ms % 1000) * 1000, len(frame), len(frame)) + frame
    path.write_bytes(bytes(out))
