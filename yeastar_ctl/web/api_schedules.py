"""JSON API for scheduled reports (CRUD) and the CSV files their runs wrote (list, get, delete);
administrators, as on the portal pages. A change tells the running scheduler at once."""

from __future__ import annotations

from typing import Any, Final

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.models import ScheduledReport
from yeastar_ctl.services import scheduled_reports as schedules
from yeastar_ctl.services.errors import NotFoundError, ValidationError
from yeastar_ctl.web.api_common import ADMIN, ApiRoute, body_of, error, run
from yeastar_ctl.web.pages_schedules import downloads_of, file_response, schedules_changed
from yeastar_ctl.web.report_files import delete_report_file, list_report_files

SCHEDULE_FIELDS: Final = ("name", "report_type", "frequency", "time_of_day", "weekday", "monthday", "recipients",
                          "filters")
SCHEDULES: Final = "/api/v1/scheduled-reports"
DOWNLOADS: Final = "/api/v1/report-downloads"


def schedule_json(row: ScheduledReport) -> dict[str, Any]:
    return {
        "id": row.id, "name": row.name, "report_type": row.report_type, "frequency": row.frequency,
        "time_of_day": row.time_of_day, "weekday": row.weekday, "monthday": row.monthday,
        "recipients": list(row.recipients), "filters": dict(row.filters),
        "last_run_at": row.last_run_at.isoformat() if row.last_run_at else None,
    }


def _spec(body: dict[str, Any], base: dict[str, Any]) -> schedules.ScheduleSpec:
    merged = {**base, **body}
    recipients, filters = merged.get("recipients", []), merged.get("filters", {})
    if not isinstance(recipients, list):
        raise ValidationError("recipients", "must be a list of email addresses")
    if not isinstance(filters, dict):
        raise ValidationError("filters", "must be an object")
    for key in ("name", "report_type", "frequency", "time_of_day"):
        if not isinstance(merged.get(key, ""), str):
            raise ValidationError(key, "must be text")
    return schedules.ScheduleSpec(
        name=merged.get("name", ""), report_type=merged.get("report_type", ""),
        frequency=merged.get("frequency", ""), time_of_day=merged.get("time_of_day", ""),
        recipients=tuple(recipients), weekday=merged.get("weekday"), monthday=merged.get("monthday"),
        filters=filters,
    )


async def _changed(request: web.Request, response: web.Response) -> web.Response:
    if response.status < 300:
        await schedules_changed(request)
    return response


async def list_scheduled_reports(request: web.Request) -> web.Response:
    """All scheduled reports."""
    async def read(session: AsyncSession) -> Any:
        return [schedule_json(row) for row in await schedules.list_schedules(session)]
    return await run(request, read)


async def get_scheduled_report(request: web.Request) -> web.Response:
    """One scheduled report, by id or name."""
    async def read(session: AsyncSession) -> Any:
        return schedule_json(await schedules.get_schedule(session, request.match_info["key"]))
    return await run(request, read)


async def create_scheduled_report(request: web.Request) -> web.Response:
    """Add a scheduled report: weekday (0 Monday-6 Sunday) for weekly, monthday (1-31) for monthly."""
    async def create(session: AsyncSession) -> Any:
        spec = _spec(await body_of(request, SCHEDULE_FIELDS), {})
        return schedule_json(await schedules.create_schedule(session, spec))
    return await _changed(request, await run(request, create, status=201))


async def update_scheduled_report(request: web.Request) -> web.Response:
    """Change the given fields (the others keep their values; the run history is kept)."""
    async def update(session: AsyncSession) -> Any:
        row = await schedules.get_schedule(session, request.match_info["key"])
        current = {k: v for k, v in schedule_json(row).items() if k in SCHEDULE_FIELDS}
        body = await body_of(request, SCHEDULE_FIELDS)
        # A new frequency drops the stored day it does not use (weekly -> daily: no weekday).
        if body.get("frequency", row.frequency) != "weekly":
            current["weekday"] = None
        if body.get("frequency", row.frequency) != "monthly":
            current["monthday"] = None
        spec = _spec(body, current)
        return schedule_json(await schedules.update_schedule(session, row.id, spec))
    return await _changed(request, await run(request, update))


async def delete_scheduled_report(request: web.Request) -> web.Response:
    """Delete a scheduled report (its files stay in the downloads)."""
    async def delete(session: AsyncSession) -> None:
        await schedules.delete_schedule(session, request.match_info["key"])
    return await _changed(request, await run(request, delete))


async def list_report_downloads(request: web.Request) -> web.Response:
    """The CSV files the scheduled reports wrote, newest first."""
    return web.json_response([
        {"name": f.name, "size": f.size, "modified_at": f.modified_at.isoformat()}
        for f in list_report_files(downloads_of(request))])


async def get_report_download(request: web.Request) -> web.StreamResponse:
    """One CSV file (text/csv)."""
    try:
        return file_response(downloads_of(request), request.match_info["name"])
    except web.HTTPNotFound as exc:
        return error(404, exc.text or "no such file")


async def delete_report_download(request: web.Request) -> web.Response:
    """Delete one CSV file."""
    try:
        delete_report_file(downloads_of(request), request.match_info["name"])
    except NotFoundError as exc:
        return error(404, str(exc))
    return web.Response(status=204)


SCHEDULE_ROUTES: Final = (
    ApiRoute("GET", SCHEDULES, list_scheduled_reports, ADMIN, response_schema="ScheduledReport",
             list_response=True),
    ApiRoute("POST", SCHEDULES, create_scheduled_report, ADMIN, "ScheduledReportInput", "ScheduledReport", 201),
    ApiRoute("GET", SCHEDULES + "/{key}", get_scheduled_report, ADMIN, response_schema="ScheduledReport"),
    ApiRoute("PATCH", SCHEDULES + "/{key}", update_scheduled_report, ADMIN, "ScheduledReportInput",
             "ScheduledReport"),
    ApiRoute("DELETE", SCHEDULES + "/{key}", delete_scheduled_report, ADMIN, status=204),
    ApiRoute("GET", DOWNLOADS, list_report_downloads, ADMIN, response_schema="ReportDownload", list_response=True),
    ApiRoute("GET", DOWNLOADS + "/{name}", get_report_download, ADMIN, response_schema="ReportCsv"),
    ApiRoute("DELETE", DOWNLOADS + "/{name}", delete_report_download, ADMIN, status=204),
)
