"""Rendering a portal page with what every page shows: the account, messages, a button token.

Done per render rather than by aiohttp_jinja2's context processors, which run as a middleware
before the handler (so before the page guard knows the account) and on API requests too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.account_models import Role
from yeastar_ctl.web.auth import ACCOUNT_KEY, page
from yeastar_ctl.web.forms import (
    ActionForm,
    PortalForm,
    bind,
    button_action,
    flash,
    save,
    take_flashes,
)


async def render(template: str, request: web.Request, context: dict[str, Any], status: int = 200) -> web.Response:
    common = {
        "account": request.get(ACCOUNT_KEY),
        "flashes": await take_flashes(request),
        "button_form": await bind(request, ActionForm),
    }
    return aiohttp_jinja2.render_template(template, request, {**common, **context}, status=status)


async def render_form(template: str, request: web.Request, context: dict[str, Any]) -> web.Response:
    """A form page; 400 when it is shown again after a refused POST."""
    return await render(template, request, context, status=400 if request.method == "POST" else 200)


async def form_page(
    request: web.Request, form: PortalForm, change: Callable[[AsyncSession], Awaitable[Any]], *,
    done: str, back_to: str, template: str, context: dict[str, Any], aliases: dict[str, str] | None = None,
) -> web.Response:
    """The add/edit page pattern: saved -> message and back to the list; else the form again."""
    if await save(request, form, change, aliases):
        await flash(request, done)
        raise web.HTTPFound(back_to)
    return await render_form(template, request, {"form": form, **context})


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def add_admin_crud_routes(
    app: web.Application, prefix: str, noun: str, *, listing: Handler, add: Handler, edit: Handler,
    delete: Callable[[AsyncSession, str], Awaitable[None]],
) -> None:
    """``prefix`` lists, ``/new`` adds, ``/{number}/edit`` edits, ``/{number}/delete`` deletes."""

    @page(Role.ADMINISTRATOR)
    async def remove(request: web.Request) -> web.StreamResponse:
        number = request.match_info["number"]

        async def change(session: AsyncSession) -> None:
            await delete(session, number)

        return await button_action(request, change, f"Delete {noun} {number}", prefix)

    app.router.add_get(prefix, listing)
    app.router.add_route("*", f"{prefix}/new", add)
    app.router.add_route("*", prefix + "/{number}/edit", edit)
    app.router.add_post(prefix + "/{number}/delete", remove)
