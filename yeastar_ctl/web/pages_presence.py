"""Presence: the "Agent Status Auto Switch" rules per extension (administrators, and a user for
their own extension) and a user's own presence, changed from "My status" with its rule applied.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession
from wtforms import SelectField

from yeastar_ctl.db.account_models import Role
from yeastar_ctl.db.enums import Presence, PresenceAction
from yeastar_ctl.services import extensions as extension_service
from yeastar_ctl.services import pause_reasons, presence
from yeastar_ctl.services.errors import NotFoundError
from yeastar_ctl.web.auth import current_account, page
from yeastar_ctl.web.context import context_of
from yeastar_ctl.web.forms import PortalForm, bind, choices, flash, optional, save
from yeastar_ctl.web.pages_extensions import PRESENCE_CHOICES
from yeastar_ctl.web.render import form_page, render

ACTION_CHOICES = choices((a.value, a.value.replace("_", " ").capitalize()) for a in PresenceAction)
# Service problems name "<presence>.action" / "<presence>.reason_code".
RULE_ALIASES = {f"{p.value}.{part}": f"{p.value}_{part}" for p in Presence for part in ("action", "reason_code")}


def label(value: str) -> str:
    return value.replace("_", " ").capitalize()


class PresenceRulesForm(PortalForm):
    pass


for _presence in Presence:
    setattr(PresenceRulesForm, f"{_presence.value}_action", SelectField(f"{label(_presence)}: action",
                                                                         choices=ACTION_CHOICES))
    setattr(PresenceRulesForm, f"{_presence.value}_reason_code", SelectField(f"{label(_presence)}: pause reason",
                                                                              choices=[]))


class OwnPresenceForm(PortalForm):
    presence = SelectField("My presence", choices=PRESENCE_CHOICES)


def _may_edit(request: web.Request, number: str) -> None:
    account = current_account(request)
    if not account.is_admin and account.extension_number != number:
        raise web.HTTPForbidden(text="You may change only your own extension's rules.")


@page(Role.ADMINISTRATOR)
async def rules_list(request: web.Request) -> web.StreamResponse:
    async with context_of(request).sessions() as session:
        rows = [(ext, await presence.presence_rules(session, ext.number))
                for ext in await extension_service.list_extensions(session)]
    return await render("presence_rules.html", request, {"rows": rows, "presences": list(Presence)})


@page()
async def rules_edit(request: web.Request) -> web.StreamResponse:
    number = request.match_info["number"]
    _may_edit(request, number)
    async with context_of(request).sessions() as session:
        try:
            ext = await extension_service.get_extension(session, number)
            current = await presence.presence_rules(session, number)
        except NotFoundError as exc:
            raise web.HTTPNotFound(text=str(exc)) from None
        reasons = await pause_reasons.list_pause_reasons(session)
    data: dict[str, Any] = {}
    for p, rule in current.items():
        data[f"{p.value}_action"] = rule.action.value
        data[f"{p.value}_reason_code"] = rule.reason_code or ""
    form = await bind(request, PresenceRulesForm, **data)
    reason_choices = choices([("", "(none)"), *((r.code, f"{r.code} {r.name}") for r in reasons)])
    for p in Presence:
        form[f"{p.value}_reason_code"].choices = reason_choices

    async def change(session: AsyncSession) -> None:
        await presence.set_presence_rules(session, number, {
            p: (form[f"{p.value}_action"].data, optional(form[f"{p.value}_reason_code"].data)) for p in Presence})

    back_to = "/presence" if current_account(request).is_admin else "/"
    return await form_page(request, form, change, done=f"Presence rules of {number} saved.", back_to=back_to,
                           template="presence_rules_form.html", aliases=RULE_ALIASES,
                           context={"extension": ext, "presences": list(Presence), "back_to": back_to})


@page()
async def own_presence(request: web.Request) -> web.StreamResponse:
    """Change one's own presence; its auto-switch rule logs in, out or pauses the agent."""
    account = current_account(request)
    if not account.extension_number:
        raise web.HTTPForbidden(text="Your account is not an extension.")
    extension = account.extension_number
    form = await bind(request, OwnPresenceForm)

    async def change(session: AsyncSession) -> None:
        await presence.change_presence(session, extension, form.presence.data or "",
                                       at=context_of(request).clock())

    if await save(request, form, change):
        await flash(request, f"Presence set to {label(form.presence.data or '')}.")
    else:
        await flash(request, f"Presence not changed: {'; '.join([*form.presence.errors, *form.form_errors])}")
    raise web.HTTPFound("/")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/presence", rules_list)
    app.router.add_route("*", "/presence/{number}", rules_edit)
    app.router.add_post("/my/presence", own_presence)
