"""Notifications end to end: events -> the queue's managers -> a real SMTP server."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from smtp_inbox import Inbox
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from yeastar_ctl.db.engine import session_factory
from yeastar_ctl.db.models import QueueCall
from yeastar_ctl.db.queue_settings import QueueSettings
from yeastar_ctl.notify.events import (
    AgentAutoPaused,
    CallAbandoned,
    CallbackFailed,
    CallbackRequested,
    CallMissed,
    SlaBelowThreshold,
)
from yeastar_ctl.notify.mailer import SmtpMailer
from yeastar_ctl.notify.notifier import BackgroundPublisher, EmailNotifier
from yeastar_ctl.notify.recorder import NotifyingRecorder
from yeastar_ctl.services import extensions, queues
from yeastar_ctl.services.queues import ManagerSpec
from yeastar_ctl.telephony.ports import CallerInfo, QueueRoute
from yeastar_ctl.db.row_writer import RowWriter
from yeastar_ctl.telephony.service_ports import DbCallRecorder

AT = datetime(2025, 6, 24, 11, 8, 9, tzinfo=UTC)  # 13:08:09 in Berlin (summer time)


async def _center(session: AsyncSession) -> None:
    await extensions.create_extension(session, "1000", "Leo Ball", email="leo@example.com")
    await extensions.create_extension(session, "1001", "Kristin Hale", email="kristin@example.com")
    await extensions.create_extension(session, "1002", "No Mail")
    await extensions.create_extension(session, "1003", "Terrell Smith", email="terrell@example.com")
    await queues.create_queue(session, "6400", "Support", settings=QueueSettings(time_zone="Europe/Berlin"))
    await queues.set_managers(session, "6400", [
        ManagerSpec("1000", notify_missed=True, notify_sla=True, notify_callback_request=True),
        ManagerSpec("1001", notify_missed=True, notify_abandoned=True, notify_auto_pause=True,
                    notify_callback_failed=True),
        ManagerSpec("1002", notify_missed=True),  # no address: skipped
        ManagerSpec("1003"),  # every switch off
    ])
    await session.commit()


def _notifier(engine: AsyncEngine, inbox: Inbox) -> EmailNotifier:
    return EmailNotifier(session_factory(engine), SmtpMailer(inbox.settings), "UTC")


async def test_a_missed_call_mails_each_manager_with_the_switch_on(
    session: AsyncSession, engine: AsyncEngine, inbox: Inbox
) -> None:
    await _center(session)
    sent = await _notifier(engine, inbox).notify(
        CallMissed("6400", "15880123456", "Naomi Nichols", AT, "timed out: extension 1002"))
    assert sent == 2
    assert [r.recipients for r in inbox.received] == [["leo@example.com"], ["kristin@example.com"]]
    message = inbox.received[0].message
    assert inbox.received[0].sender == "pbx@example.com"
    assert inbox.received[0].subject == "Missed queue call in 6400-Support from 15880123456"
    assert message["To"] == "leo@example.com"
    assert inbox.received[0].text == (
        "Queue: 6400-Support\n"
        "Caller: Naomi Nichols<15880123456>\n"
        "Time: 06/24/2025 13:08:09\n"
        "Reason: timed out: extension 1002\n"
    )


async def test_each_event_goes_to_its_own_switch(session: AsyncSession, engine: AsyncEngine, inbox: Inbox) -> None:
    await _center(session)
    notifier = _notifier(engine, inbox)
    window_start = datetime(2025, 6, 24, 10, 58, tzinfo=UTC)
    events = [
        CallAbandoned("6400", "15880123456", None, AT, waited_seconds=75),
        AgentAutoPaused("6400", "1003", AT),
        CallbackRequested("6400", "15880123456", AT),
        CallbackFailed("6400", "15880123456", AT, "Customer no answer"),
        SlaBelowThreshold("6400", AT, window_start, "66.67%", 80, calls=3, within_sla=2),
    ]
    for event in events:
        assert await notifier.notify(event) == 1
    got = [(r.recipients[0], r.subject) for r in inbox.received]
    assert got == [
        ("kristin@example.com", "Abandoned queue call in 6400-Support from 15880123456"),
        ("kristin@example.com", "Agent 1003 was paused automatically in 6400-Support"),
        ("leo@example.com", "Callback requested in 6400-Support by 15880123456"),
        ("kristin@example.com", "Callback to 15880123456 failed in 6400-Support"),
        ("leo@example.com", "SLA of 6400-Support is 66.67%, below 80%"),
    ]
    abandoned = inbox.received[0].text
    assert "Waiting time: 00:01:15\n" in abandoned
    assert inbox.received[4].text == (
        "Queue: 6400-Support\n"
        "Period: 06/24/2025 12:58:00 - 06/24/2025 13:08:09\n"
        "SLA: 66.67%\n"
        "Alarm threshold: 80%\n"
        "Calls: 2 of 3 answered within the SLA time\n"
    )


async def test_unknown_queue_or_nobody_subscribed_sends_nothing(
    session: AsyncSession, engine: AsyncEngine, inbox: Inbox
) -> None:
    await _center(session)
    notifier = _notifier(engine, inbox)
    assert await notifier.notify(CallMissed("6499", "100", None, AT, None)) == 0
    await queues.set_managers(session, "6400", [ManagerSpec("1003")])
    await session.commit()
    assert await notifier.notify(CallMissed("6400", "100", None, AT, None)) == 0
    assert inbox.received == []


async def test_the_queue_without_a_time_zone_uses_the_system_one(
    session: AsyncSession, engine: AsyncEngine, inbox: Inbox
) -> None:
    await _center(session)
    await queues.update_queue(session, "6400", settings=QueueSettings())
    await session.commit()
    await _notifier(engine, inbox).notify(CallMissed("6400", "100", None, AT, None))
    assert "Time: 06/24/2025 11:08:09\n" in inbox.received[0].text


async def test_a_dead_mail_server_is_logged_not_raised(
    session: AsyncSession, engine: AsyncEngine, inbox: Inbox, caplog: object
) -> None:
    await _center(session)
    settings = inbox.settings
    dead = type(settings)(host="127.0.0.1", port=1, from_address=settings.from_address)
    publish = BackgroundPublisher(EmailNotifier(session_factory(engine), SmtpMailer(dead), "UTC"))
    publish(CallMissed("6400", "100", None, AT, None))  # returns at once
    await asyncio.wait_for(publish.drain(), 30)
    assert "not sent" in caplog.text  # type: ignore[attr-defined]


async def test_a_real_call_recorder_chain_writes_the_row_and_mails(
    session: AsyncSession, engine: AsyncEngine, inbox: Inbox
) -> None:
    await _center(session)
    sessions = session_factory(engine)
    publish = BackgroundPublisher(EmailNotifier(sessions, SmtpMailer(inbox.settings), "UTC"))
    writer = RowWriter(sessions)
    recorder = NotifyingRecorder(DbCallRecorder(sessions, writer), publish)
    route = QueueRoute("6400", "Support", QueueSettings(time_zone="Europe/Berlin"))
    await recorder.joined("c1", route, CallerInfo("15880123456", "Naomi Nichols"), "ch1", AT)
    await recorder.ended("c1", "abandoned", AT + timedelta(seconds=42), None)
    await asyncio.wait_for(publish.drain(), 30)
    await writer.close()
    async with sessions() as check:
        call = await check.get(QueueCall, "c1")
        assert call is not None and call.status == "abandoned"
    [mail] = inbox.received
    assert mail.recipients == ["kristin@example.com"]
    assert "Waiting time: 00:00:42\n" in mail.text
