"""A scheduled report's run: the CSV in the downloads directory and an email carrying it."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from smtp_inbox import Inbox
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from yeastar_ctl.config import SmtpSettings
from yeastar_ctl.db.engine import session_factory
from yeastar_ctl.notify.mailer import SmtpMailer
from yeastar_ctl.notify.report_delivery import file_name, run_scheduled_report
from yeastar_ctl.reports.catalog import build_report
from yeastar_ctl.reports.csv_export import write_csv
from yeastar_ctl.services import call_events, extensions, queues
from yeastar_ctl.services.scheduled_reports import ScheduleSpec, create_schedule, get_schedule, report_filter_of

BERLIN = ZoneInfo("Europe/Berlin")
DAILY = ScheduleSpec("Support daily", "queue-performance", "daily", "08:00", ("boss@example.com",),
                     filters={"queues": ["6400"], "exclude_abandoned_within": 3})


def test_file_names_carry_the_first_and_last_day() -> None:
    start, end = datetime(2025, 6, 23, tzinfo=BERLIN), datetime(2025, 6, 24, tzinfo=BERLIN)
    assert file_name("Support daily", start, end) == "Support-daily_20250623-20250623.csv"
    assert file_name("../../etc", start, end + timedelta(days=6)) == "etc_20250623-20250629.csv"


async def test_a_run_writes_the_csv_and_emails_it(
    session: AsyncSession, engine: AsyncEngine, inbox: Inbox, tmp_path: Path
) -> None:
    await extensions.create_extension(session, "1001", "Leo Ball")
    await queues.create_queue(session, "6400", "Support")
    joined = datetime(2025, 6, 23, 9, 0, tzinfo=BERLIN)
    await call_events.record_call_joined(session, call_id="a", queue_number="6400", caller_number="100",
                                         joined_at=joined)
    await call_events.record_call_answered(session, "a", agent_extension="1001", answered_at=joined + timedelta(seconds=10))
    await call_events.record_call_ended(session, "a", ended_at=joined + timedelta(seconds=70))
    await call_events.record_call_joined(session, call_id="b", queue_number="6400", caller_number="200",
                                         joined_at=joined + timedelta(hours=1))
    await call_events.record_call_ended(session, "b", ended_at=joined + timedelta(hours=1, seconds=30), status="missed",
                                        reason="timed out")
    row = await create_schedule(session, DAILY)
    await session.commit()
    sessions = session_factory(engine)
    due = datetime(2025, 6, 24, 8, 0, tzinfo=BERLIN)
    now = due + timedelta(seconds=2)
    run = await run_scheduled_report(sessions, SmtpMailer(inbox.settings), row.id, due, zone=BERLIN,
                                     downloads=tmp_path / "downloads", now=now)
    assert run.path == tmp_path / "downloads" / "Support-daily_20250623-20250623.csv"
    csv_bytes = run.path.read_bytes()
    expected = tmp_path / "expected.csv"
    async with sessions() as check:
        f = report_filter_of(await get_schedule(check, row.id), datetime(2025, 6, 23, tzinfo=BERLIN), due.replace(hour=0))
        with expected.open("wb") as out:
            await write_csv(await build_report(check, "queue-performance", f, BERLIN, now), out)
        assert (await get_schedule(check, row.id)).last_run_at == now
    assert csv_bytes == expected.read_bytes()
    lines = csv_bytes.decode().split("\r\n")
    assert lines[0].startswith("Queue,Total Calls,Answered,Missed,Abandoned,")
    assert lines[1].startswith("6400-Support,2,1,1,0,")
    [mail] = inbox.received
    assert mail.recipients == ["boss@example.com"]
    assert mail.subject == "Queue Performance (Support daily): 06/23/2025 00:00:00 - 06/24/2025 00:00:00"
    assert "Period: 06/23/2025 00:00:00 - 06/24/2025 00:00:00\n" in mail.text
    [attachment] = list(mail.message.iter_attachments())
    assert attachment.get_filename() == "Support-daily_20250623-20250623.csv"
    assert attachment.get_content_type() == "text/csv"
    assert attachment.get_payload(decode=True) == csv_bytes


async def test_a_dead_mail_server_loses_the_email_not_the_report(
    session: AsyncSession, engine: AsyncEngine, tmp_path: Path
) -> None:
    row = await create_schedule(session, DAILY)
    await session.commit()
    sessions = session_factory(engine)
    dead = SmtpMailer(SmtpSettings(host="127.0.0.1", port=1))
    due = datetime(2025, 6, 24, 8, 0, tzinfo=BERLIN)
    run = await run_scheduled_report(sessions, dead, row.id, due, zone=BERLIN, downloads=tmp_path, now=due)
    assert run.email_error
    assert run.path.read_bytes().startswith(b"Queue,Total Calls,")
    async with sessions() as check:
        assert (await get_schedule(check, row.id)).last_run_at == due
