"""The callback dialog (seed, "Queue Callback Example"): the caller confirms the number to be
called back at — their caller ID by default, or another number of at least 5 digits — and then
hangs up keeping their place in line.

The caller hears "the number I have is <caller ID>; enter the number to call, then press pound":
pound alone keeps the caller ID, digits then pound give another number (a number may start with
any digit, so no digit can mean "confirm")."""

from __future__ import annotations

import asyncio
import re

from yeastar_ctl.telephony.media import Prompts

MIN_DIGITS = 5
KEY_TIMEOUT_S = 8.0
END_KEY = "#"


def confirm_media(caller_number: str) -> list[str]:
    """Core sounds until custom prompts are uploaded."""
    media = ["sound:vm-num-i-have", f"digits:{caller_number}"] if valid(caller_number) else []
    return media + ["sound:vm-enter-num-to-call", "sound:vm-then-pound"]


OFFER_MEDIA = ["sound:vm-press", "digits:{digit}", "sound:vm-tocallback"]
ACCEPTED_MEDIA = "sound:auth-thankyou"
INVALID_MEDIA = "sound:invalid"


def valid(number: str) -> bool:
    return bool(re.fullmatch(r"\d{%d,}" % MIN_DIGITS, number))


async def collect_number(
    prompts: Prompts, channel_id: str, caller_number: str, keys: asyncio.Queue[str], *, lang: str,
) -> str | None:
    """The confirmed callback number, or None when the caller gave no valid number."""
    for item in confirm_media(caller_number):
        if not keys.empty():
            break  # the caller already answers: stop talking
        if not await prompts.play(channel_id, item, lang=lang, timeout=30):
            return None
    digits = ""
    while True:
        try:
            key = await asyncio.wait_for(keys.get(), KEY_TIMEOUT_S)
        except asyncio.TimeoutError:
            break
        if key == END_KEY:
            break
        digits += key
    number = digits or caller_number
    return number if valid(number) else None
