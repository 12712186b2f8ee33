"""The control plane's web application: the health check, the admin portal and the JSON API."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
import aiohttp_session
import jinja2
from aiohttp import web

from yeastar_ctl.paths import WEBUI_DIR
from yeastar_ctl.web import (
    api,
    openapi,
    pages_apply,
    pages_auth,
    pages_business_hours,
    pages_codes,
    pages_contacts,
    pages_extensions,
    pages_queue_options,
    pages_queues,
    pages_reports,
    pages_schedules,
    pages_users,
    pages_wallboard,
)
from yeastar_ctl.web import pages_call_logs, pages_queue_permissions
from yeastar_ctl.web import pages_presence
from yeastar_ctl.web.auth import session_storage
from yeastar_ctl.web.context import CONTEXT_KEY, Health, WebContext

__all__ = ["Health", "WebContext", "build_web_app"]


async def healthz(request: web.Request) -> web.Response:
    health = request.app[CONTEXT_KEY].health()
    status = 200 if health.ari_connected else 503
    return web.json_response(
        {"status": "ok" if health.ari_connected else "degraded",
         "ari_connected": health.ari_connected, "active_calls": health.active_calls,
         "rows_pending": health.rows_pending},
        status=status,
    )


@web.middleware
async def security_headers(request: web.Request, handler: Any) -> web.StreamResponse:
    response: web.StreamResponse = await handler(request)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@web.middleware
async def announce_changes(request: web.Request, handler: Any) -> web.StreamResponse:
    """Every successful change made through the portal or the API reaches routing at once: the
    control plane reloads its in-memory configuration (cheap, coalesced, off the call path)."""
    response: web.StreamResponse = await handler(request)
    if request.method in UNSAFE_METHODS and response.status < 400:
        await request.app[CONTEXT_KEY].config_changed()
    return response


def build_web_app(context: WebContext) -> web.Application:
    app = web.Application(middlewares=[security_headers, announce_changes])
    app[CONTEXT_KEY] = context
    aiohttp_session.setup(app, session_storage(context.settings.web.session_key))
    aiohttp_jinja2.setup(
        app, loader=jinja2.FileSystemLoader(WEBUI_DIR / "templates"), autoescape=True,
    )
    app.router.add_get("/healthz", healthz)
    app.router.add_static("/static", WEBUI_DIR / "static")
    pages = (pages_auth, pages_extensions, pages_queues, pages_queue_options, pages_codes, pages_business_hours,
             pages_users, pages_apply, pages_reports, pages_schedules,
             pages_wallboard, pages_contacts)
    for module in (*pages, pages_call_logs, pages_queue_permissions, api, openapi):
        module.add_routes(app)
    pages_presence.add_routes(app)
    return app
