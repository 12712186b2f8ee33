"""Send a caller out of a queue to a destination (failover, key press, outside hours, holiday).

Destinations that are other parts of the PBX (an extension, its voicemail, another queue, an
external number) are reached by continuing the caller's channel in the generated dialplan, so they
behave exactly as if the caller had dialed them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from yeastar_ctl.ari import AriClient, AriError
from yeastar_ctl.db.enums import DestinationType
from yeastar_ctl.dialplan.contexts import INTERNAL_CONTEXT, VOICEMAIL_CONTEXT
from yeastar_ctl.telephony.media import Prompts, media_uri

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Destination:
    kind: DestinationType
    target: str | None = None

    def describe(self) -> str:
        """As the reports show it, e.g. "extension 1002"."""
        labels = {
            DestinationType.HANGUP: "hang up",
            DestinationType.EXTENSION: "extension",
            DestinationType.EXTENSION_VOICEMAIL: "voicemail of extension",
            DestinationType.GROUP_VOICEMAIL: "group voicemail",
            DestinationType.QUEUE: "queue",
            DestinationType.EXTERNAL_NUMBER: "external number",
            DestinationType.PLAY_PROMPT_AND_EXIT: "prompt",
        }
        label = labels.get(self.kind, self.kind.value)
        return f"{label} {self.target}" if self.target else label


async def send_to(ari: AriClient, prompts: Prompts, channel_id: str, destination: Destination, *, lang: str) -> bool:
    """Returns True when the channel went on in the dialplan (it is no longer ours to hang up)."""
    kind, target = destination.kind, destination.target
    try:
        if kind in (DestinationType.EXTENSION, DestinationType.QUEUE, DestinationType.EXTERNAL_NUMBER) and target:
            await ari.channels.continue_in_dialplan(channel_id, context=INTERNAL_CONTEXT, extension=target, priority=1)
            return True
        if kind in (DestinationType.EXTENSION_VOICEMAIL, DestinationType.GROUP_VOICEMAIL) and target:
            await ari.channels.continue_in_dialplan(channel_id, context=VOICEMAIL_CONTEXT, extension=target, priority=1)
            return True
        if kind == DestinationType.PLAY_PROMPT_AND_EXIT and target:
            await prompts.play(channel_id, media_uri(target), lang=lang, timeout=120)
    except AriError as exc:
        log.warning("cannot send %s to %s: %s", channel_id, destination.describe(), exc)
    return False
