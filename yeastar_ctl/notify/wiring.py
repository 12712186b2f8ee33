"""How the control plane switches notifications on: one object that wraps the call flows'
ports, owns the background email tasks and runs the timed jobs (SLA alarms, scheduled
reports), so ``runtime.py`` needs only a few lines."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from yeastar_ctl.config import Settings
from yeastar_ctl.notify.jobs import ControlPlaneJobs
from yeastar_ctl.notify.mailer import SmtpMailer
from yeastar_ctl.notify.notifier import BackgroundPublisher, EmailNotifier
from yeastar_ctl.notify.recorder import NotifyingAutoPause, NotifyingRecorder
from yeastar_ctl.telephony.distributor import AutoPause
from yeastar_ctl.telephony.ports import CallRecorder


def downloads_dir(settings: Settings) -> Path:
    return settings.var_path / "downloads"


class Notifications:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], settings: Settings) -> None:
        self.mailer = SmtpMailer(settings.smtp) if settings.smtp.enabled else None
        self.publisher = (
            BackgroundPublisher(EmailNotifier(sessions, self.mailer, settings.timezone)) if self.mailer else None
        )
        # Reports are written to the downloads directory even with email off.
        self.jobs = ControlPlaneJobs(sessions, zone=settings.timezone, downloads=downloads_dir(settings),
                                     mailer=self.mailer, publish=self.publisher)

    def recorder(self, inner: CallRecorder) -> CallRecorder:
        return NotifyingRecorder(inner, self.publisher) if self.publisher else inner

    def auto_pause(self, inner: AutoPause) -> AutoPause:
        return NotifyingAutoPause(inner, self.publisher) if self.publisher else inner

    async def start(self) -> None:
        await self.jobs.start()

    async def close(self) -> None:
        await self.jobs.close()
        if self.publisher:
            await self.publisher.drain()
