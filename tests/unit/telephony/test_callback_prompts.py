"""Seed, Queue Callback: the caller confirms the callback number; at least 5 digits."""

import asyncio
from typing import Any

from yeastar_ctl.telephony.callback_prompts import collect_number, confirm_media


class SilentPrompts:
    """Plays instantly; records what was played."""

    def __init__(self) -> None:
        self.played: list[str] = []

    async def play(self, channel_id: str, media: str, **kwargs: Any) -> bool:
        self.played.append(media)
        return True


async def collect(caller: str, keys: str) -> tuple[str | None, list[str]]:
    queue: asyncio.Queue[str] = asyncio.Queue()
    for key in keys:
        queue.put_nowait(key)
    prompts = SilentPrompts()
    # With the keys already queued the dialog stops talking and reads them; the last read
    # waits for the key timeout only when no pound ends the input.
    number = await collect_number(prompts, "c", caller, queue, lang="en")  # type: ignore[arg-type]
    return number, prompts.played


async def test_pound_alone_keeps_the_callers_own_number() -> None:
    assert (await collect("15880123456", "#"))[0] == "15880123456"


async def test_digits_then_pound_give_another_number() -> None:
    assert (await collect("15880123456", "13512345678#"))[0] == "13512345678"


async def test_fewer_than_five_digits_is_an_invalid_callback_number() -> None:
    assert (await collect("15880123456", "1234#"))[0] is None
    assert (await collect("1004", "#"))[0] is None  # an internal caller ID is too short too


def test_the_caller_hears_their_number_only_when_it_can_be_called_back() -> None:
    assert confirm_media("15880123456")[:2] == ["sound:vm-num-i-have", "digits:15880123456"]
    assert confirm_media("1004") == ["sound:vm-enter-num-to-call", "sound:vm-then-pound"]
