"""The control plane's wiring: with email off the call flows keep their plain ports."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from yeastar_ctl.config import Settings, SmtpSettings
from yeastar_ctl.notify.recorder import NotifyingAutoPause, NotifyingRecorder
from yeastar_ctl.notify.wiring import Notifications, downloads_dir


# Nothing here reaches the database; the wiring only needs something to open sessions with.
NO_DATABASE: async_sessionmaker[AsyncSession] = async_sessionmaker()


class Inner:
    async def __call__(self, agent: str, queue: str, at: datetime) -> None:
        return None


def test_email_off_leaves_the_ports_alone(tmp_path: Path) -> None:
    settings = Settings(var_dir=str(tmp_path), smtp=SmtpSettings(host=""))
    wiring = Notifications(NO_DATABASE, settings)
    inner = Inner()
    assert wiring.publisher is None
    assert wiring.auto_pause(inner) is inner
    assert wiring.recorder(inner) is inner  # type: ignore[arg-type]
    assert downloads_dir(settings) == tmp_path.resolve() / "downloads"


def test_email_on_wraps_the_ports(tmp_path: Path) -> None:
    wiring = Notifications(NO_DATABASE, Settings(var_dir=str(tmp_path)))
    inner = Inner()
    assert isinstance(wiring.auto_pause(inner), NotifyingAutoPause)
    assert isinstance(wiring.recorder(inner), NotifyingRecorder)  # type: ignore[arg-type]
