"""JSON API for reports: every report type with the portal's filters, as JSON or streamed CSV.

Queue managers get the queues they manage, as on the Reports page.
"""

from __future__ import annotations

from typing import Any, Final

from aiohttp import web
from multidict import MultiDict

from yeastar_ctl.reports.catalog import build_report
from yeastar_ctl.services.errors import ServiceError, ValidationError
from yeastar_ctl.web.api_common import SUPERVISORS, ApiRoute, error
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


REPORT_ROUTES: Final = (
    ApiRoute("GET", "/api/v1/reports/{type}", get_report, SUPERVISORS, response_schema="Report"),
)
