"""Extensions: list, add, edit, delete (administrators)."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession
from wtforms import SelectField, StringField

from yeastar_ctl.db.account_models import Role
from yeastar_ctl.db.enums import Presence
from yeastar_ctl.services import extensions as extension_service
from yeastar_ctl.services import presence as presence_service
from yeastar_ctl.services.errors import NotFoundError
from yeastar_ctl.web.auth import page
from yeastar_ctl.web.context import context_of
from yeastar_ctl.web.forms import (
    PortalForm,
    bind,
    button_action,
    choices,
    optional,
)
from yeastar_ctl.web.render import add_admin_crud_routes, form_page, render

PRESENCE_CHOICES = choices((p.value, p.value.replace("_", " ").capitalize()) for p in Presence)


class ExtensionForm(PortalForm):
    number = StringField("Number")
    name = StringField("Name")
    email = StringField("Email (optional)")
    sip_secret = StringField("SIP secret (empty: generate one / keep the current one)")
    presence = SelectField("Presence", choices=PRESENCE_CHOICES)


@page(Role.ADMINISTRATOR)
async def extension_list(request: web.Request) -> web.StreamResponse:
    async with context_of(request).sessions() as session:
        rows = await extension_service.list_extensions(session)
    return await render("extensions.html", request, {"extensions": rows})


@page(Role.ADMINISTRATOR)
async def extension_add(request: web.Request) -> web.StreamResponse:
    form = await bind(request, ExtensionForm, presence=Presence.AVAILABLE.value)

    async def create(session: AsyncSession) -> None:
        await extension_service.create_extension(
            session, form.number.data or "", form.name.data or "", email=optional(form.email.data),
            sip_secret=optional(form.sip_secret.data), presence=form.presence.data or "",
        )

    return await form_page(request, form, create, done=f"Extension {form.number.data} added.",
                           back_to="/extensions", template="extension_form.html", context={"number": None})


@page(Role.ADMINISTRATOR)
async def extension_edit(request: web.Request) -> web.StreamResponse:
    number = request.match_info["number"]
    async with context_of(request).sessions() as session:
        try:
            current = await extension_service.get_extension(session, number)
        except NotFoundError as exc:
            raise web.HTTPNotFound(text=str(exc)) from None
    form = await bind(request, ExtensionForm, number=current.number, name=current.name,
                      email=current.email or "", presence=current.presence.value)

    async def update(session: AsyncSession) -> None:
        await presence_service.edit_extension(
            session, number, at=context_of(request).clock(), new_number=form.number.data or "",
            name=form.name.data or "", email=optional(form.email.data), sip_secret=optional(form.sip_secret.data),
            presence=form.presence.data or "",
        )

    return await form_page(request, form, update, done=f"Extension {form.number.data} saved.",
                           back_to="/extensions", template="extension_form.html",
                           context={"number": number, "sip_secret": current.sip_secret})


@page(Role.ADMINISTRATOR)
async def secret_regenerate(request: web.Request) -> web.StreamResponse:
    number = request.match_info["number"]

    async def regenerate(session: AsyncSession) -> None:
        await extension_service.regenerate_sip_secret(session, number)

    return await button_action(request, regenerate, f"New SIP secret for {number}", f"/extensions/{number}/edit")


def add_routes(app: web.Application) -> None:
    app.router.add_post("/extensions/{number}/secret", secret_regenerate)
    add_admin_crud_routes(app, "/extensions", "extension", listing=extension_list, add=extension_add,
                          edit=extension_edit, delete=extension_service.delete_extension)
