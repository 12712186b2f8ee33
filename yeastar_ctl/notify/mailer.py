"""Sending email over SMTP with aiosmtplib, as the ``[smtp]`` settings say."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Protocol

import aiosmtplib

from yeastar_ctl.config import SmtpSettings

SEND_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str = "application/octet-stream"

    @classmethod
    def of_file(cls, path: Path) -> Attachment:
        guessed = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return cls(path.name, path.read_bytes(), guessed)


class Mailer(Protocol):
    async def send(self, to: list[str], subject: str, body: str, attachments: tuple[Attachment, ...] = ()) -> None: ...


def build_message(sender: str, to: list[str], subject: str, body: str,
                  attachments: tuple[Attachment, ...] = ()) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(body)
    for attachment in attachments:
        main, _, sub = attachment.mime_type.partition("/")
        message.add_attachment(attachment.content, maintype=main, subtype=sub, filename=attachment.filename)
    return message


class SmtpMailer:
    def __init__(self, settings: SmtpSettings) -> None:
        self._settings = settings

    async def send(self, to: list[str], subject: str, body: str, attachments: tuple[Attachment, ...] = ()) -> None:
        s = self._settings
        message = build_message(s.from_address, to, subject, body, attachments)
        await aiosmtplib.send(
            message, hostname=s.host, port=s.port, username=s.username or None,
            password=s.password or None, start_tls=s.starttls, timeout=SEND_TIMEOUT_S,
        )
