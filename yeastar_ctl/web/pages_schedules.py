"""Scheduled Reports (list, add, edit, delete) and Downloads (the CSV files the runs wrote).

Administrators only, as the seed's Scheduled Reports live in the PBX admin portal. The service
validates; this module turns the form into a ``ScheduleSpec`` and shows each problem next to its
field (``filters.queues`` next to Queues, ``recipients[2]`` next to Recipients). A weekday or a
day of the month the chosen frequency does not use is dropped rather than refused: the browser
sends every field, and switching a weekly schedule to daily should just work.

After every change the running scheduler is told (``WebContext.schedules_changed``), so an edit
takes effect at once instead of at the next once-a-minute sync.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Final

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from yeastar_ctl.db.account_models import Role
from yeastar_ctl.db.models import ScheduledReport
from yeastar_ctl.notify.schedule_times import Frequency
from yeastar_ctl.notify.wiring import downloads_dir
from yeastar_ctl.reports.filters import Granularity
from yeastar_ctl.services import scheduled_reports as schedules
from yeastar_ctl.services.errors import NotFoundError
from yeastar_ctl.web.auth import page
from yeastar_ctl.web.context import context_of
from yeastar_ctl.web.forms import PortalForm, bind, button_action, choices, flash, save
from yeastar_ctl.web.pages_reports import REPORT_CHOICES, FilterFields, words
from yeastar_ctl.web.render import render, render_form
from yeastar_ctl.web.report_files import delete_report_file, list_report_files, report_file

log = logging.getLogger(__name__)

SCHEDULES: Final = "/scheduled-reports"
DOWNLOADS: Final = "/scheduled-reports/downloads"
WEEKDAY_NAMES: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class ScheduleForm(PortalForm, FilterFields):
    name = StringField("Name")
    report_type = SelectField("Report", choices=REPORT_CHOICES)
    frequency = SelectField("Frequency", choices=choices((f.value, f.value.capitalize()) for f in Frequency),
                            default=Frequency.DAILY.value)
    time_of_day = StringField("Time (HH:MM, system time zone)", default="08:00")
    weekday = SelectField("Weekday (weekly)", default="", choices=choices(
        [("", "-"), *((str(i), name) for i, name in enumerate(WEEKDAY_NAMES))]))
    monthday = IntegerField("Day of the month (monthly, 1-31; past the month's end: its last day)",
                            validators=[Optional()])
    recipients = TextAreaField("Recipients (email addresses, one a line or separated by commas)")
    queues = StringField("Queues (numbers; empty: all)")
    granularity = SelectField("By (activity and average reports)", default="", choices=choices(
        [("", "-"), *((g.value, g.value.capitalize()) for g in Granularity)]))


def spec_of(form: ScheduleForm) -> schedules.ScheduleSpec:
    frequency = form.frequency.data
    weekday = form.weekday.data
    filters: dict[str, Any] = {
        "queues": list(words(form.queues.data)), "agents": list(words(form.agents.data)),
        "pause_reasons": list(words(form.pause_reasons.data)),
        "exclude_abandoned_within": form.exclude_abandoned_within.data,
        "exclude_talk_within": form.exclude_talk_within.data,
        "callback_result": form.callback_result.data or None, "granularity": form.granularity.data or None,
    }
    return schedules.ScheduleSpec(
        name=(form.name.data or "").strip(), report_type=form.report_type.data or "",
        frequency=frequency or "", time_of_day=(form.time_of_day.data or "").strip(),
        recipients=tuple(words(form.recipients.data)),
        weekday=int(weekday) if frequency == Frequency.WEEKLY and weekday else None,
        monthday=form.monthday.data if frequency == Frequency.MONTHLY else None,
        filters={k: v for k, v in filters.items() if v not in (None, [])},
    )


def form_data(row: ScheduledReport) -> dict[str, Any]:
    f = row.filters
    return {
        "name": row.name, "report_type": row.report_type, "frequency": row.frequency,
        "time_of_day": row.time_of_day, "weekday": "" if row.weekday is None else str(row.weekday),
        "monthday": row.monthday, "recipients": "\n".join(row.recipients),
        **{key: " ".join(f.get(key, [])) for key in schedules.LIST_FILTERS},
        **{key: f.get(key) for key in schedules.SECONDS_FILTERS},
        "callback_result": f.get("callback_result") or "", "granularity": f.get("granularity") or "",
    }


def when_text(row: ScheduledReport) -> str:
    """``weekly, Monday 08:00``"""
    day = {Frequency.WEEKLY.value: f" {WEEKDAY_NAMES[row.weekday or 0]}",
           Frequency.MONTHLY.value: f" day {row.monthday}"}.get(row.frequency, "")
    return f"{row.frequency},{day} {row.time_of_day}"


async def schedules_changed(request: web.Request) -> None:
    """Tell the running scheduler; if that fails the change is saved and the periodic sync
    picks it up, so the request still succeeds."""
    try:
        await context_of(request).schedules_changed()
    except Exception:
        log.exception("rescheduling after a scheduled-report change failed; the next sync retries")


def downloads_of(request: web.Request) -> Path:
    return downloads_dir(context_of(request).settings)


@page(Role.ADMINISTRATOR)
async def schedule_list(request: web.Request) -> web.StreamResponse:
    async with context_of(request).sessions() as session:
        rows = await schedules.list_schedules(session)
    return await render("schedules.html", request, {
        "schedules": rows, "when": when_text, "zone": context_of(request).zone})


async def _schedule_form(request: web.Request, key: int | None) -> web.StreamResponse:
    data: dict[str, Any] = {}
    if key is not None:
        async with context_of(request).sessions() as session:
            try:
                data = form_data(await schedules.get_schedule(session, key))
            except NotFoundError:
                raise web.HTTPNotFound(text=f"scheduled report {key} does not exist") from None
    form = await bind(request, ScheduleForm, **data)

    async def change(session: AsyncSession) -> None:
        spec = spec_of(form)
        if key is None:
            await schedules.create_schedule(session, spec)
        else:
            await schedules.update_schedule(session, key, spec)

    if await save(request, form, change):
        await schedules_changed(request)
        await flash(request, f"Scheduled report {form.name.data} saved.")
        raise web.HTTPFound(SCHEDULES)
    return await render_form("schedule_form.html", request, {"form": form, "editing": key is not None})


@page(Role.ADMINISTRATOR)
async def schedule_add(request: web.Request) -> web.StreamResponse:
    return await _schedule_form(request, None)


@page(Role.ADMINISTRATOR)
async def schedule_edit(request: web.Request) -> web.StreamResponse:
    return await _schedule_form(request, int(request.match_info["schedule_id"]))


@page(Role.ADMINISTRATOR)
async def schedule_delete(request: web.Request) -> web.StreamResponse:
    schedule_id = int(request.match_info["schedule_id"])

    async def change(session: AsyncSession) -> None:
        await schedules.delete_schedule(session, schedule_id)

    try:
        return await button_action(request, change, f"Delete scheduled report {schedule_id}", SCHEDULES)
    finally:
        await schedules_changed(request)


@page(Role.ADMINISTRATOR)
async def download_list(request: web.Request) -> web.StreamResponse:
    return await render("report_downloads.html", request, {
        "files": list_report_files(downloads_of(request)), "zone": context_of(request).zone})


def file_response(downloads: Path, name: str) -> web.FileResponse:
    try:
        path = report_file(downloads, name)
    except NotFoundError as exc:
        raise web.HTTPNotFound(text=str(exc)) from None
    return web.FileResponse(path, headers={
        "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": f'attachment; filename="{name}"'})


@page(Role.ADMINISTRATOR)
async def download_file(request: web.Request) -> web.StreamResponse:
    return file_response(downloads_of(request), request.match_info["name"])


@page(Role.ADMINISTRATOR)
async def download_delete(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    downloads = downloads_of(request)

    async def change(_: AsyncSession) -> None:
        delete_report_file(downloads, name)

    return await button_action(request, change, f"Delete {name}", DOWNLOADS)


def add_routes(app: web.Application) -> None:
    app.router.add_get(SCHEDULES, schedule_list)
    app.router.add_route("*", SCHEDULES + "/new", schedule_add)
    app.router.add_route("*", SCHEDULES + r"/{schedule_id:\d+}/edit", schedule_edit)
    app.router.add_post(SCHEDULES + r"/{schedule_id:\d+}/delete", schedule_delete)
    app.router.add_get(DOWNLOADS, download_list)
    app.router.add_get(DOWNLOADS + "/{name}", download_file)
    app.router.add_post(DOWNLOADS + "/{name}/delete", download_delete)
