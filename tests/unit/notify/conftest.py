"""A real SMTP server (aiosmtpd) on 127.0.0.1 and a free port, collecting what it receives."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from smtp_inbox import Inbox, free_port

from yeastar_ctl.config import SmtpSettings


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    port = free_port()
    box = Inbox(SmtpSettings(host="127.0.0.1", port=port, from_address="pbx@example.com"))
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()
