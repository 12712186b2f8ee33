"""JSON API for reports: every report type with the portal's filters, as JSON or streamed CSV.

Queue managers get the queues they manage, as on the Reports page.
"""

from __future__ import annotations

from typing import Any, Final

from aiohttp import web
from multidict import MultiDict

from yeastar_ctl.db.enums import CallbackResult
from yeastar_ctl.reports.catalog import build_report
from yeastar_ctl.reports.filters import Granularity
from yeastar_ctl.services.errors import ServiceError, ValidationError
from yeastar_ctl.web.api_common import SUPERVISORS, ApiRoute, QueryParam, error
from yeastar_ctl.web.context import context_of
from yeastar_ctl.web.pages_reports import report_query, stream_csv


async def get_report(request: web.Request) -> web.StreamResponse:
    """A report: query start, end (YYYY-MM-DD), queues, agents, by, ...; format=csv streams CSV."""
    formdata: MultiDict[Any] = MultiDict(request.query)
    formdata.popall("type", None)
    formdata.add("type", request.match_info["type"])
    try:
        query = await report_query(request, formdata)
        if request.query.get("format") == "csv":
            return await stream_csv(request, query)
        ctx = context_of(request)
        async with ctx.sessions() as session:
            table = await build_report(session, query.type, query.filter, ctx.zone, ctx.clock())
            rows = [list(row) async for row in table.rows]
    except ValidationError as exc:
        return error(400, exc.message, exc.field)
    except ServiceError as exc:
        return error(400, str(exc), "queues")
    return web.json_response({"title": table.title, "columns": list(table.columns), "rows": rows})


# The Reports page's filters (pages_reports.ReportForm), as the query string takes them.
REPORT_FILTERS: Final = (
    QueryParam("start", "the first day, YYYY-MM-DD, in the system's time zone (default: today)"),
    QueryParam("end", "the last day, YYYY-MM-DD, whole day (default: today)"),
    QueryParam("queues", "a queue number; repeat for several (none: every queue you may see)"),
    QueryParam("agents", "extensions, separated by commas or spaces (empty: all)"),
    QueryParam("pause_reasons", "pause reason codes like *01, separated by commas (empty: all)"),
    QueryParam("exclude_abandoned_within", "leave out calls abandoned within this many seconds", "integer"),
    QueryParam("exclude_talk_within", "leave out calls talked for less than this many seconds", "integer"),
    QueryParam("callback_result", "callback reports: only this result",
               choices=tuple(r.value for r in CallbackResult)),
    QueryParam("by", "activity and average reports: the period of a row", choices=tuple(g.value for g in Granularity)),
    QueryParam("format", "csv: the report as streamed CSV instead of JSON", choices=("json", "csv")),
)

REPORT_ROUTES: Final = (
    ApiRoute("GET", "/api/v1/reports/{type}", get_report, SUPERVISORS, response_schema="Report",
             query_params=REPORT_FILTERS),
)
