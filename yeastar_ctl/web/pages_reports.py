"""Reports: pick a type, a period and queues; see the table or download it as CSV.

Administrators see every queue; a queue manager only the queues they manage (their choice is
narrowed to those, and "all" means all of theirs); agents have no reports page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from aiohttp import web
from wtforms import DateField, Form, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import Optional

from yeastar_ctl.db.account_models import Role
from yeastar_ctl.db.enums import CallbackResult
from yeastar_ctl.reports.catalog import ReportKind, build_report
from yeastar_ctl.reports.csv_export import csv_chunks
from yeastar_ctl.reports.filters import Granularity, ReportFilter, parse_local
from yeastar_ctl.reports.table import Row
from yeastar_ctl.services import users
from yeastar_ctl.services.errors import ServiceError, ValidationError
from yeastar_ctl.web.auth import Account, current_account, page
from yeastar_ctl.web.context import context_of
from yeastar_ctl.web.forms import choices
from yeastar_ctl.web.render import render
from yeastar_ctl.web.report_charts import chart_for
from yeastar_ctl.web.svg_chart import render_svg

ROWS_SHOWN: Final = 500  # the page shows the first rows; the CSV has them all
REPORT_CHOICES: Final = choices((k.value, k.value.replace("-", " ").capitalize()) for k in ReportKind)


class FilterFields(Form):
    """The report filters besides the period, queues and granularity (shared with the
    Scheduled Reports form)."""

    agents = StringField("Agents (extensions; empty: all)")
    pause_reasons = StringField("Pause reasons (codes like *01; empty: all)")
    exclude_abandoned_within = IntegerField("Exclude calls abandoned within (s)", validators=[Optional()])
    exclude_talk_within = IntegerField("Exclude calls talked within (s)", validators=[Optional()])
    callback_result = SelectField("Callback result", default="", choices=choices(
        [("", "All"), *((r.value, r.value.capitalize()) for r in CallbackResult)]))


class ReportForm(FilterFields):
    # A GET form that changes nothing, so it carries no CSRF token (and its URL can be shared).
    type = SelectField("Report", choices=REPORT_CHOICES, default=ReportKind.QUEUE_PERFORMANCE.value)
    start = DateField("From")
    end = DateField("To (whole day)")
    queues = SelectMultipleField("Queues (none selected: all you may see)", choices=[])
    by = SelectField("By", choices=choices((g.value, g.value.capitalize()) for g in Granularity),
                     default=Granularity.DAY.value)


@dataclass(frozen=True)
class Shown:
    title: str
    columns: tuple[str, ...]
    rows: list[Row]
    truncated: bool
    chart: str = ""  # inline SVG markup (its texts escaped by svg_chart), or nothing

    @classmethod
    def of(cls, kind: str, title: str, columns: tuple[str, ...], rows: list[Row], truncated: bool) -> Shown:
        chart = chart_for(kind, title, columns, rows)
        return cls(title, columns, rows, truncated, render_svg(chart, element_id="report-chart") if chart else "")


class NoQueues(ServiceError):
    """A queue manager who manages no queue has no report to see."""


async def _allowed_queues(request: web.Request, account: Account) -> tuple[str, ...]:
    async with context_of(request).sessions() as session:
        user = await users.get_user(session, account.id)
        return await users.managed_queue_numbers(session, user)


def _bind(request: web.Request, allowed: tuple[str, ...], formdata: Any = None) -> ReportForm:
    today = context_of(request).clock().astimezone(context_of(request).zone).date()
    form = ReportForm(request.query if formdata is None else formdata, start=today, end=today)
    form.queues.choices = choices((q, q) for q in allowed)
    return form


def report_filter(form: ReportForm, account: Account, allowed: tuple[str, ...], request: web.Request) -> ReportFilter:
    zone = context_of(request).zone
    start: date | None = form.start.data
    end: date | None = form.end.data
    if start is None or end is None:
        raise ValidationError("start" if start is None else "end", "must be a date")
    chosen = tuple(form.queues.data or ())
    if account.is_admin:
        queues = chosen
    else:
        # "All" must not widen to every queue for a manager: an empty tuple means all in a filter.
        queues = tuple(q for q in chosen if q in allowed) or allowed
        if not queues:
            raise NoQueues("you manage no queue, so there is no report to show")
    return ReportFilter(start=parse_local("start", start.isoformat(), zone),
                        end=parse_local("end", end.isoformat(), zone, end=True),
                        queues=queues, granularity=Granularity(form.by.data),
                        agents=words(form.agents.data), pause_reasons=words(form.pause_reasons.data),
                        exclude_abandoned_within=form.exclude_abandoned_within.data,
                        exclude_talk_within=form.exclude_talk_within.data,
                        callback_result=CallbackResult(form.callback_result.data) if form.callback_result.data else None)


def words(text: str | None) -> tuple[str, ...]:
    """Numbers or codes typed in one box, separated by spaces, commas or semicolons."""
    return tuple(word for word in re.split(r"[\s,;]+", text or "") if word)


async def _show(request: web.Request, form: ReportForm, filter_: ReportFilter) -> Shown:
    ctx = context_of(request)
    async with ctx.sessions() as session:
        kind = form.type.data or ""
        table = await build_report(session, kind, filter_, ctx.zone, ctx.clock())
        rows: list[Row] = []
        async for row in table.rows:
            if len(rows) == ROWS_SHOWN:
                return Shown.of(kind, table.title, table.columns, rows, truncated=True)
            rows.append(row)
    return Shown.of(kind, table.title, table.columns, rows, truncated=False)


def _problem(form: ReportForm, error: ServiceError) -> str:
    if isinstance(error, ValidationError):
        field = getattr(form, error.field, None)
        if field is not None:
            field.errors = [*field.errors, error.message]
            return ""
        return f"{error.field}: {error.message}"
    return str(error)


@page(Role.ADMINISTRATOR, Role.QUEUE_MANAGER)
async def reports_page(request: web.Request) -> web.StreamResponse:
    account = current_account(request)
    allowed = await _allowed_queues(request, account)
    form = _bind(request, allowed)
    shown, message = None, ""
    if "type" in request.query and form.validate():
        try:
            shown = await _show(request, form, report_filter(form, account, allowed, request))
        except ServiceError as exc:
            message = _problem(form, exc)
    response = await render(
        "reports.html", request, {"form": form, "shown": shown, "message": message,
                                  "csv_query": request.query_string})
    if form.errors or message:
        response.set_status(400)
    return response


@dataclass(frozen=True)
class ReportQuery:
    type: str
    name: str  # for a download: type and period
    filter: ReportFilter


async def report_query(request: web.Request, formdata: Any) -> ReportQuery:
    """The report asked for by ``formdata``, within what the account may see; a refused value
    raises ``ValidationError`` naming its field, a manager of no queue ``NoQueues``."""
    account = current_account(request)
    allowed = await _allowed_queues(request, account)
    form = _bind(request, allowed, formdata)
    if not form.validate():
        field, messages = next(iter(form.errors.items()))
        raise ValidationError(field, messages[0])
    kind = form.type.data or ""
    return ReportQuery(kind, f"{kind}-{form.start.data}-{form.end.data}",
                       report_filter(form, account, allowed, request))


async def stream_csv(request: web.Request, query: ReportQuery) -> web.StreamResponse:
    """The report as a CSV download, streamed from the database cursor."""
    ctx = context_of(request)
    async with ctx.sessions() as session:
        table = await build_report(session, query.type, query.filter, ctx.zone, ctx.clock())
        response = web.StreamResponse(headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{query.name}.csv"'})
        await response.prepare(request)
        async for chunk in csv_chunks(table):
            await response.write(chunk)
        await response.write_eof()
    return response


@page(Role.ADMINISTRATOR, Role.QUEUE_MANAGER)
async def report_csv(request: web.Request) -> web.StreamResponse:
    try:
        return await stream_csv(request, await report_query(request, request.query))
    except ServiceError as exc:
        raise web.HTTPBadRequest(text=str(exc)) from None


def add_routes(app: web.Application) -> None:
    app.router.add_get("/reports", reports_page)
    app.router.add_get("/reports/csv", report_csv)
