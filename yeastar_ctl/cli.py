"""`yeastar-ctl`: database, config apply, the control plane, the Asterisk lab and demo data."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable, Coroutine
from typing import Any, Sequence

from yeastar_ctl.config import ConfigError, Settings, load_settings


def _sessions(settings: Settings):  # type: ignore[no-untyped-def]
    from yeastar_ctl.db.engine import make_engine, session_factory

    engine = make_engine(settings.db_url)
    return engine, session_factory(engine)


def cmd_db_upgrade(settings: Settings, args: argparse.Namespace) -> int:
    from yeastar_ctl.db.migrate import upgrade

    upgrade(settings.db_url, args.revision)
    print(f"database at {settings.db_url} is at {args.revision}")
    return 0


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    from yeastar_ctl.services.demo import load_demo

    async def main() -> None:
        engine, sessions = _sessions(settings)
        try:
            async with sessions.begin() as session:
                await load_demo(session)
        finally:
            await engine.dispose()

    asyncio.run(main())
    print("demo data loaded: extensions 1000-1009, queue 6400 Support")
    return 0


def cmd_apply(settings: Settings, args: argparse.Namespace) -> int:
    from yeastar_ctl.ami.client import AmiClient
    from yeastar_ctl.dialplan.apply import apply_config
    from yeastar_ctl.lab.paths import generated_config_dir
    from yeastar_ctl.telephony.config_signal import announce_config_change

    async def main() -> int:
        engine, sessions = _sessions(settings)
        a = settings.asterisk
        ami = AmiClient(a.host, a.ami_port, a.ami_user, a.ami_secret)
        try:
            result = await apply_config(
                sessions, generated_config_dir(settings), a.app_name, ami, force_reload=args.force_reload,
            )
            told = None if result.error else await announce_config_change(ami, a.app_name)
        finally:
            await ami.close()
            await engine.dispose()
        print(result.describe())
        if told:
            print(told)
        return 1 if result.error else 0

    return asyncio.run(main())


def cmd_extensions(settings: Settings, args: argparse.Namespace) -> int:
    from yeastar_ctl.services.extensions import list_extensions

    async def main() -> None:
        engine, sessions = _sessions(settings)
        try:
            async with sessions() as session:
                rows = await list_extensions(session)
        finally:
            await engine.dispose()
        print(f"{'number':<8} {'name':<24} sip secret (username = number, server {settings.asterisk.host}:{settings.asterisk.sip_port})")
        for ext in rows:
            print(f"{ext.number:<8} {ext.name:<24} {ext.sip_secret}")

    asyncio.run(main())
    return 0


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    from yeastar_ctl.runtime import run_forever

    run_forever(settings)
    return 0


def cmd_lab(settings: Settings, args: argparse.Namespace) -> int:
    from yeastar_ctl.lab import control

    try:
        if args.action == "provision":
            control.provision_root(settings, control.LabPaths.from_settings(settings))
            print(f"lab root ready at {settings.lab.root}")
        elif args.action == "up":
            print(control.up(settings).describe(settings))
        elif args.action == "down":
            print(f"lab {settings.lab.instance}: {'stopped' if control.down(settings) else 'was not running'}")
        elif args.action == "status":
            status = control.status(settings)
            print(status.describe(settings))
            return 0 if status.running else 3
        else:
            return control.cli(settings, " ".join(args.command) or None)
    except control.LabError as exc:
        print(f"lab: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_report(settings: Settings, args: argparse.Namespace) -> int:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from yeastar_ctl.db.enums import CallbackResult
    from yeastar_ctl.reports.catalog import build_report
    from yeastar_ctl.reports.csv_export import write_csv
    from yeastar_ctl.reports.filters import Granularity, ReportFilter, parse_local
    from yeastar_ctl.reports.text_table import render
    from yeastar_ctl.services.errors import ServiceError

    try:
        zone = ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        print(f"configuration: unknown time zone {settings.timezone!r}", file=sys.stderr)
        return 2

    async def main() -> None:
        report_filter = ReportFilter(
            start=parse_local("--from", args.start, zone),
            end=parse_local("--to", args.end, zone, end=True),
            queues=tuple(args.queue), agents=tuple(args.agent), pause_reasons=tuple(args.pause_reason),
            exclude_abandoned_within=args.exclude_abandoned_within,
            exclude_talk_within=args.exclude_talk_within,
            callback_result=CallbackResult(args.callback_result) if args.callback_result else None,
            granularity=Granularity(args.by),
        )
        engine, sessions = _sessions(settings)
        try:
            async with sessions() as session:
                table = await build_report(session, args.type, report_filter, zone, datetime.now(UTC))
                if args.csv:
                    with open(args.csv, "wb") as out:
                        written = await write_csv(table, out)
                    print(f"{table.title}: {written} bytes written to {args.csv}")
                else:
                    print(render(table.title, table.columns, [row async for row in table.rows]))
        finally:
            await engine.dispose()

    return _service_errors_exit("report", main, ServiceError)


def cmd_user(settings: Settings, args: argparse.Namespace) -> int:
    from yeastar_ctl.services import api_tokens, users
    from yeastar_ctl.services.errors import ServiceError

    password = sys.stdin.readline().rstrip("\r\n") if getattr(args, "password_stdin", False) else None

    async def main() -> None:
        engine, sessions = _sessions(settings)
        try:
            async with sessions.begin() as session:
                if args.user_command == "create":
                    created = await users.create_user(
                        session, args.username, args.role, password=password,
                        email=args.email, extension_number=args.extension,
                    )
                    print(f"user {created.user.username} ({created.user.role}) created")
                    if created.generated_password:
                        print(f"one-time password (shown only now): {created.generated_password}")
                elif args.user_command == "token":
                    user = next((u for u in await users.list_users(session) if u.username == args.username), None)
                    if user is None:
                        raise ServiceError(f"user {args.username} does not exist")
                    issued = await api_tokens.create_token(session, user.id)
                    print(issued.token)
                else:
                    for user in await users.list_users(session):
                        state = " disabled" if users.is_disabled(user) else ""
                        print(f"{user.username:<24} {user.role:<14} {user.extension_number or '-'}{state}".rstrip())
        finally:
            await engine.dispose()

    return _service_errors_exit("user", main, ServiceError)


def cmd_schedule(settings: Settings, args: argparse.Namespace) -> int:
    import json
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from yeastar_ctl.notify.mailer import SmtpMailer
    from yeastar_ctl.notify.report_delivery import run_scheduled_report
    from yeastar_ctl.notify.wiring import downloads_dir
    from yeastar_ctl.services import scheduled_reports as schedules
    from yeastar_ctl.services.errors import ServiceError, ValidationError

    def spec() -> schedules.ScheduleSpec:
        try:
            filters = json.loads(args.filters) if args.filters else {}
        except json.JSONDecodeError as exc:
            raise ValidationError("--filters", f"not JSON: {exc}") from None
        if not isinstance(filters, dict):
            raise ValidationError("--filters", "must be a JSON object")
        filters.update({k: v for k, v in (("queues", args.queue), ("agents", args.agent)) if v})
        weekday = schedules.WEEKDAYS.index(args.weekday) if args.weekday else None
        return schedules.ScheduleSpec(args.name, args.type, args.frequency, args.time, tuple(args.to),
                                      weekday=weekday, monthday=args.monthday, filters=filters)

    async def main() -> None:
        engine, sessions = _sessions(settings)
        try:
            if args.schedule_command == "run-now":
                async with sessions() as session:
                    schedule_id = (await schedules.get_schedule(session, args.key)).id
                now = datetime.now(UTC)
                mailer = SmtpMailer(settings.smtp) if settings.smtp.enabled else None
                run = await run_scheduled_report(sessions, mailer, schedule_id, now, zone=ZoneInfo(settings.timezone),
                                                 downloads=downloads_dir(settings), now=now)
                sent = (" (email is off)" if mailer is None else f", not emailed: {run.email_error}" if run.email_error
                        else f", emailed to {', '.join(run.recipients)}")
                print(f"{run.title}: {run.path}{sent}")
                return
            async with sessions.begin() as session:
                if args.schedule_command == "add":
                    row = await schedules.create_schedule(session, spec())
                    print(f"scheduled report {row.id} ({row.name}) added")
                elif args.schedule_command == "delete":
                    await schedules.delete_schedule(session, args.key)
                    print(f"scheduled report {args.key} deleted")
                else:
                    for row in await schedules.list_schedules(session):
                        when = {"weekly": f" {schedules.WEEKDAYS[row.weekday or 0]}",
                                "monthly": f" day {row.monthday}"}.get(row.frequency, "")
                        last = row.last_run_at.isoformat(timespec="seconds") if row.last_run_at else "never"
                        print(f"{row.id:<4} {row.name:<24} {row.report_type:<28} {row.frequency}{when} {row.time_of_day}"
                              f"  to {', '.join(row.recipients)}  last run {last}")
        finally:
            await engine.dispose()

    return _service_errors_exit("schedule", main, ServiceError)


def _service_errors_exit(label: str, main: Callable[[], Coroutine[Any, Any, None]], error: type[Exception]) -> int:
    """Run ``main``; a refused request prints ``label: reason`` and exits 2 instead of a traceback."""
    try:
        asyncio.run(main())
    except error as exc:
        print(f"{label}: {exc}", file=sys.stderr)
        return 2
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="yeastar-ctl", description=__doc__)
    parser.add_argument("--config", help="TOML settings file (default: $YEASTAR_CTL_CONFIG or ./yeastar_ctl.toml)")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)

    db = sub.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    upgrade = db_sub.add_parser("upgrade", help="apply migrations")
    upgrade.add_argument("revision", nargs="?", default="head")
    upgrade.set_defaults(func=cmd_db_upgrade)

    apply = sub.add_parser("apply", help="render Asterisk config from the database and reload Asterisk")
    apply.add_argument("--force-reload", action="store_true", help="reload even if no file changed")
    apply.set_defaults(func=cmd_apply)

    sub.add_parser("run", help="run the control plane (ARI, AMI, web)").set_defaults(func=cmd_run)
    sub.add_parser("demo", help="load the demo data set").set_defaults(func=cmd_demo)
    sub.add_parser("extensions", help="list extensions and their SIP secrets").set_defaults(func=cmd_extensions)

    lab = sub.add_parser("lab", help="the Asterisk lab (a real Asterisk 22 in a Debian root)")
    lab.add_argument("action", choices=["provision", "up", "down", "status", "cli"])
    lab.add_argument("command", nargs="*", help="for `cli`: a CLI command to run (else interactive)")
    lab.set_defaults(func=cmd_lab)

    from yeastar_ctl.db.enums import CallbackResult
    from yeastar_ctl.reports.catalog import ReportKind
    from yeastar_ctl.reports.filters import Granularity

    report = sub.add_parser("report", help="print a call-center report, or write it as CSV")
    report.add_argument("type", choices=[kind.value for kind in ReportKind])
    report.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD[THH:MM], local time")
    report.add_argument("--to", dest="end", required=True, help="YYYY-MM-DD (whole day) or YYYY-MM-DDTHH:MM")
    report.add_argument("--queue", action="append", default=[], help="queue number (repeatable)")
    report.add_argument("--agent", action="append", default=[], help="agent extension (repeatable)")
    report.add_argument("--pause-reason", action="append", default=[], help="pause reason code, e.g. '*01'")
    report.add_argument("--exclude-abandoned-within", type=int, metavar="SECONDS")
    report.add_argument("--exclude-talk-within", type=int, metavar="SECONDS")
    report.add_argument("--callback-result", choices=[r.value for r in CallbackResult])
    report.add_argument("--by", choices=[g.value for g in Granularity], default=Granularity.DAY.value)
    report.add_argument("--csv", metavar="FILE", help="write CSV (UTF-8, header row) instead of printing")
    report.set_defaults(func=cmd_report)

    from yeastar_ctl.db.account_models import Role

    user = sub.add_parser("user", help="portal accounts and API tokens")
    user_sub = user.add_subparsers(dest="user_command", required=True)
    create = user_sub.add_parser("create", help="add an account; prints a one-time password unless one is given")
    create.add_argument("username")
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--email")
    create.add_argument("--extension", help="the extension a queue manager or agent is")
    create.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    token = user_sub.add_parser("token", help="issue an API token for the user (printed once)")
    token.add_argument("username")
    user_sub.add_parser("list", help="list accounts")
    user.set_defaults(func=cmd_user)

    from yeastar_ctl.notify.schedule_times import Frequency
    from yeastar_ctl.services.scheduled_reports import WEEKDAYS

    schedule = sub.add_parser("schedule", help="scheduled reports: CSV into var/downloads, emailed to recipients")
    schedule_sub = schedule.add_subparsers(dest="schedule_command", required=True)
    add = schedule_sub.add_parser("add", help="add a scheduled report")
    add.add_argument("name")
    add.add_argument("--type", required=True, choices=[kind.value for kind in ReportKind])
    add.add_argument("--frequency", required=True, choices=[f.value for f in Frequency])
    add.add_argument("--time", required=True, help="HH:MM, local (settings.timezone)")
    add.add_argument("--weekday", choices=WEEKDAYS, help="for weekly schedules")
    add.add_argument("--monthday", type=int, help="for monthly schedules, 1-31 (past the month's end: its last day)")
    add.add_argument("--to", action="append", required=True, metavar="EMAIL", help="recipient (repeatable)")
    add.add_argument("--queue", action="append", default=[], help="queue number (repeatable)")
    add.add_argument("--agent", action="append", default=[], help="agent extension (repeatable)")
    add.add_argument("--filters", help='other report filters as JSON, e.g. \'{"exclude_abandoned_within": 5}\'')
    schedule_sub.add_parser("list", help="list scheduled reports")
    for action, text in (("delete", "delete a scheduled report"), ("run-now", "run it now (the period before today)")):
        schedule_sub.add_parser(action, help=text).add_argument("key", metavar="ID|NAME")
    schedule.set_defaults(func=cmd_schedule)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Alembic announces every plugin it sets up at INFO; only its warnings matter here.
    logging.getLogger("alembic").setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        print(f"configuration: {exc}", file=sys.stderr)
        return 2
    return int(args.func(settings, args) or 0)


if __name__ == "__main__":
    sys.exit(main())
