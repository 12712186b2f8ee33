"""How the control plane switches notifications on: one object that wraps the call flows'
ports and owns the background email tasks, so ``runtime.py`` needs only a few lines."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from yeastar_ctl.config import Settings
from yeastar_ctl.notify.mailer import SmtpMailer
from yeastar_ctl.notify.notifier import BackgroundPublisher, EmailNotifier
from yeastar_ctl.notify.recorder import NotifyingAutoPause, NotifyingRecorder
from yeastar_ctl.telephony.distributor import AutoPause
from yeastar_ctl.telephony.ports import CallRecorder


class Notifications:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], settings: Settings) -> None:
        self.mailer = SmtpMailer(settings.smtp) if settings.smtp.enabled else None
        self.publisher = (
            BackgroundPublisher(EmailNotifier(sessions, self.mailer, settings.timezone)) if self.mailer else None
        )

    def recorder(self, inner: CallRecorder) -> CallRecorder:
        return NotifyingRecorder(inner, self.publisher) if self.publisher else inner

    def auto_pause(self, inner: AutoPause) -> AutoPause:
        return NotifyingAutoPause(inner, self.publisher) if self.publisher else inner

    async def close(self) -> None:
        if self.publisher:
            await self.publisher.drain()
