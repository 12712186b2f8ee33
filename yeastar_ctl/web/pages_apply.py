"""Apply: render the Asterisk config from the database and reload what changed."""

from __future__ import annotations

import logging

from aiohttp import web

from yeastar_ctl.db.account_models import Role
from yeastar_ctl.dialplan.apply import ApplyResult, apply_config
from yeastar_ctl.web.auth import page
from yeastar_ctl.web.context import WebContext, context_of
from yeastar_ctl.web.forms import ActionForm, bind
from yeastar_ctl.web.render import render

log = logging.getLogger(__name__)
NO_AMI = "this process has no AMI connection; the files are written and load when Asterisk (re)starts"


async def run_apply(ctx: WebContext) -> ApplyResult:
    """Apply, with every failure as a message on the result rather than an exception: an
    unreachable Asterisk or an unwritable directory is something the admin must read."""
    try:
        result = await apply_config(ctx.sessions, ctx.config_dir, ctx.settings.asterisk.app_name, ctx.ami)
    except OSError as exc:
        log.warning("apply: cannot write the config to %s: %s", ctx.config_dir, exc)
        return ApplyResult([], error=f"cannot write the Asterisk config to {ctx.config_dir}: {exc.strerror or exc}")
    if ctx.ami is None and result.changed:
        result.error = NO_AMI
    return result


@page(Role.ADMINISTRATOR)
async def apply_page(request: web.Request) -> web.StreamResponse:
    form = await bind(request, ActionForm)
    result = None
    if request.method == "POST":
        if not form.validate():
            raise web.HTTPForbidden(text="The form expired or did not come from this site; reload and try again.")
        result = await run_apply(context_of(request))
    return await render("apply.html", request, {"form": form, "result": result})


def add_routes(app: web.Application) -> None:
    app.router.add_route("*", "/apply", apply_page)
