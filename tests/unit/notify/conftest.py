"""A real SMTP server (aiosmtpd) on 127.0.0.1 and a free port, collecting what it receives."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from yeastar_ctl.config import SmtpSettings


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def text(self) -> str:
        """The plain-text body with SMTP's CRLF line ends turned back into newlines."""
        body = self.message.get_body(("plain",))
        assert isinstance(body, EmailMessage)
        content: str = body.get_content()
        return content.replace("\r\n", "\n")


@dataclass
class Inbox:
    settings: SmtpSettings
    received: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        assert isinstance(message, EmailMessage)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    port = _free_port()
    box = Inbox(SmtpSettings(host="127.0.0.1", port=port, from_address="pbx@example.com"))
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()
