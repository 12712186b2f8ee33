"""What the test SMTP server received (the ``inbox`` fixture is in this directory's conftest)."""

from __future__ import annotations

import email
import socket
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

from yeastar_ctl.config import SmtpSettings


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        # A long subject is folded right after "Subject:"; unfolding leaves the space.
        return str(self.message["Subject"]).strip()

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
