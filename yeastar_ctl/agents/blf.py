"""BLF keys for agents: the hint a phone subscribes to, the device behind it, and its lamp.

Seed (IP-phone keys): a login key is solid green when the agent is logged in and solid red when
logged out; a pause key is green while the agent takes calls and flashing red while paused; a
reason key flashes red only while the agent is paused for that reason. Phones light dialog-info
states, so we choose device states that common phones (Yealink, Fanvil, Grandstream) show that
way: NOT_INUSE -> idle (green), INUSE -> confirmed (solid red), RINGING -> early (flashing red).

The hint's extension is the dial string itself (`*071001*6400*01`), so pressing the key dials the
code that toggles what the lamp shows. The devices are ARI-controlled `Stasis:` devices.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

LOGGED_IN = "NOT_INUSE"
LOGGED_OUT = "INUSE"
TAKING_CALLS = "NOT_INUSE"
PAUSED = "RINGING"


def _digits(reason: str) -> str:
    return reason.lstrip("*")


def login_device(agent: str, queue: str) -> str:
    return f"Stasis:yc-login-{agent}-{queue}"


def pause_device(agent: str, queue: str, reason: str | None = None) -> str:
    suffix = f"-{_digits(reason)}" if reason else ""
    return f"Stasis:yc-pause-{agent}-{queue}{suffix}"


@dataclass(frozen=True)
class Hint:
    extension: str  # the dial string the key dials and subscribes to
    device: str


def hints_for(
    agent: str, queue: str, *, login_code: str | None, pause_code: str | None, reasons: Iterable[str]
) -> list[Hint]:
    """The keys of one agent in one queue, for the codes that are enabled."""
    hints: list[Hint] = []
    if login_code:
        hints.append(Hint(f"{login_code}{agent}*{queue}", login_device(agent, queue)))
    if pause_code:
        hints.append(Hint(f"{pause_code}{agent}*{queue}", pause_device(agent, queue)))
        hints.extend(
            Hint(f"{pause_code}{agent}*{queue}{reason}", pause_device(agent, queue, reason)) for reason in reasons
        )
    return hints


def lamps(
    agent: str, queue: str, *, logged_in: bool, paused: bool, reason: str | None, reasons: Iterable[str]
) -> dict[str, str]:
    """Device state for every key of one agent in one queue."""
    states = {
        login_device(agent, queue): LOGGED_IN if logged_in else LOGGED_OUT,
        pause_device(agent, queue): PAUSED if paused else TAKING_CALLS,
    }
    for code in reasons:
        states[pause_device(agent, queue, code)] = PAUSED if paused and reason == code else TAKING_CALLS
    return states
