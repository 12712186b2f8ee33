"""Dialplan context names shared by the generator and the call flows."""

INTERNAL_CONTEXT = "yc-internal"  # extensions, queues, feature codes; where phones dial from
VOICEMAIL_CONTEXT = "yc-voicemail"  # <mailbox> -> VoiceMail(<mailbox>@default)
