"""Wallboard and Queue Panel: live queue metrics, waiting and active calls, agents' status.

Each page renders once in full, then htmx's SSE extension keeps it current: ``.../events`` is a
``text/event-stream`` that pushes the page's body as an HTML fragment (event ``board``) at once,
then every second when it changed. The live half comes from the distributor through
``WebContext.live_snapshot`` (read-only, the web layer never imports telephony); the period's
figures from the event tables, re-read every ``STORED_REFRESH`` (they change only when a call
ends, and a wall of screens should not query the database every second each).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import partial
from typing import Any, Final

import aiohttp_jinja2
from aiohttp import web

from yeastar_ctl.reports.filters import ONE_DAY
from yeastar_ctl.reports.formatting import hms
from yeastar_ctl.services import users
from yeastar_ctl.services.wallboard import Console, StoredFigures, stored_figures, visible_queues
from yeastar_ctl.services.wallboard_metrics import (
    BoardInputs,
    active_calls,
    agent_rows,
    queue_boards,
    waiting_calls,
)
from yeastar_ctl.web.auth import current_account, page
from yeastar_ctl.web.context import WebContext, context_of
from yeastar_ctl.web.forms import choices
from yeastar_ctl.web.render import render

log = logging.getLogger(__name__)

TICK_S: Final = 1.0
STORED_REFRESH: Final = timedelta(seconds=5)
EVENT: Final = "board"
STOPPING: Final = web.AppKey("console_feeds_stopping", asyncio.Event)


class Period(StrEnum):
    TODAY = "today"
    WEEK = "week"
    MONTH = "month"


PERIOD_LABELS: Final = {Period.TODAY: "Today", Period.WEEK: "This week", Period.MONTH: "This month"}


@dataclass(frozen=True)
class Selection:
    console: Console
    queues: tuple[str, ...]  # chosen and allowed
    allowed: tuple[str, ...]
    period: Period

    def bounds(self, now: datetime, ctx: WebContext) -> tuple[datetime, datetime]:
        """``[start, end)`` of the period in the system time zone; end is the next midnight."""
        local = now.astimezone(ctx.zone)
        day = local.date()
        if self.period == Period.WEEK:
            day -= day.weekday() * ONE_DAY
        elif self.period == Period.MONTH:
            day = day.replace(day=1)
        start = datetime.combine(day, datetime.min.time(), tzinfo=ctx.zone)
        end = datetime.combine(local.date() + ONE_DAY, datetime.min.time(), tzinfo=ctx.zone)
        return start, end


async def selection(request: web.Request, console: Console) -> Selection:
    """The queues asked for (``?queues=6400&queues=6401``; none: all the account may see) and
    the period; 403 when the account may see no queue on this console."""
    ctx = context_of(request)
    async with ctx.sessions() as session:
        user = await users.get_user(session, current_account(request).id)
        allowed = await visible_queues(session, user, console)
    if not allowed:
        raise web.HTTPForbidden(text=f"You have no access to the {console.value.replace('_', ' ')} of any queue.")
    asked = request.query.getall("queues", [])
    chosen = tuple(q for q in allowed if q in asked) or allowed
    try:
        period = Period(request.query.get("period", Period.TODAY))
    except ValueError:
        raise web.HTTPBadRequest(text="period must be today, week or month") from None
    return Selection(console, chosen, allowed, period)


async def load_stored(ctx: WebContext, chosen: Selection, now: datetime) -> StoredFigures:
    start, end = chosen.bounds(now, ctx)
    async with ctx.sessions() as session:
        return await stored_figures(session, chosen.queues, start, end, open_since=now - ONE_DAY)


def board_context(ctx: WebContext, chosen: Selection, stored: StoredFigures, now: datetime) -> dict[str, Any]:
    inputs = BoardInputs(
        now=now, queues=chosen.queues, queue_names=stored.queue_names, members=stored.members,
        agent_names=stored.agent_names, period=stored.period, callbacks=stored.callbacks,
        agent_period=stored.agent_period, open_calls=stored.open_calls, live=ctx.live_snapshot(),
    )
    context: dict[str, Any] = {
        "now": now.astimezone(ctx.zone), "period_label": PERIOD_LABELS[chosen.period],
        "boards": queue_boards(inputs), "agents": agent_rows(inputs), "live": inputs.live is not None,
        "names": stored.queue_names, "hms": hms,
        "seconds_since": lambda at: max(0, int((now - at).total_seconds())),
    }
    if chosen.console == Console.QUEUE_PANEL:
        context["waiting"] = waiting_calls(inputs)
        context["active"] = active_calls(inputs)
        context["traces"] = _traces(ctx.routing_view())
    return context


def _traces(view: Mapping[str, Any]) -> dict[str, list[str]]:
    """The distributor's routing trace per waiting call id."""
    return {str(w.get("call_id")): list(w.get("trace", [])) for w in view.get("waiting", []) if isinstance(w, dict)}


TEMPLATES: Final = {
    Console.WALLBOARD: ("wallboard.html", "_wallboard_board.html"),
    Console.QUEUE_PANEL: ("queue_panel.html", "_queue_panel_body.html"),
}


async def console_page(request: web.Request, console: Console) -> web.StreamResponse:
    ctx = context_of(request)
    chosen = await selection(request, console)
    now = ctx.clock()
    stored = await load_stored(ctx, chosen, now)
    page_template, fragment = TEMPLATES[console]
    return await render(page_template, request, {
        **board_context(ctx, chosen, stored, now), "fragment": fragment,
        "queue_choices": choices((q, f"{stored.queue_names.get(q, '')} [{q}]") for q in chosen.allowed),
        "chosen": chosen, "periods": PERIOD_LABELS,
        "events_url": f"{request.path}/events" + (f"?{request.query_string}" if request.query_string else ""),
    })


def sse_event(event: str, html: str) -> bytes:
    """One server-sent event; every line of the fragment is a ``data:`` line (the browser joins
    them with newlines), so no line break in the HTML can end the event early."""
    lines = "".join(f"data: {line}\n" for line in html.splitlines() or [""])
    return f"event: {event}\n{lines}\n".encode()


async def console_events(request: web.Request, console: Console) -> web.StreamResponse:
    ctx = context_of(request)
    chosen = await selection(request, console)
    response = web.StreamResponse(headers={
        "Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
    await response.prepare(request)
    fragment = TEMPLATES[console][1]
    stored: StoredFigures | None = None
    stored_at: datetime | None = None
    last = ""
    try:
        while True:
            now = ctx.clock()
            if stored is None or stored_at is None or now - stored_at >= STORED_REFRESH:
                stored, stored_at = await load_stored(ctx, chosen, now), now
            html = aiohttp_jinja2.render_string(fragment, request, board_context(ctx, chosen, stored, now))
            if html != last:
                await response.write(sse_event(EVENT, html))
                last = html
            if await _stopping_within(request.app[STOPPING], TICK_S):
                break
    except ConnectionError:
        log.debug("console feed closed by the browser")
    return response


async def _stopping_within(stopping: asyncio.Event, seconds: float) -> bool:
    try:
        async with asyncio.timeout(seconds):
            await stopping.wait()
    except TimeoutError:
        return False
    return True


async def _stop_feeds(app: web.Application) -> None:
    app[STOPPING].set()


def add_routes(app: web.Application) -> None:
    # Open feeds end when the app shuts down, rather than holding the shutdown for its timeout.
    app[STOPPING] = asyncio.Event()
    app.on_shutdown.append(_stop_feeds)
    # Any role may ask; ``selection`` answers 403 unless the account may see some queue there.
    for path, console in (("/wallboard", Console.WALLBOARD), ("/queue-panel", Console.QUEUE_PANEL)):
        app.router.add_get(path, page()(partial(console_page, console=console)))
        app.router.add_get(path + "/events", page()(partial(console_events, console=console)))
