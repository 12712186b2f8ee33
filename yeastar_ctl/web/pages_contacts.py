"""Company Contacts (administrators): list with search and pages, add, edit, delete (one or the
ticked ones), CSV import with its per-row log, CSV export, and the caller-ID match Options."""

from __future__ import annotations

from typing import Any, Final

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession
from wtforms import BooleanField, FileField, IntegerField, RadioField, StringField

from yeastar_ctl.db.account_models import Role
from yeastar_ctl.reports.csv_export import csv_chunks
from yeastar_ctl.services import contacts
from yeastar_ctl.services.contact_matching import MATCH_DIGITS_RANGE, NumberMatch
from yeastar_ctl.services.errors import NotFoundError, ValidationError
from yeastar_ctl.web.auth import page
from yeastar_ctl.web.context import context_of
from yeastar_ctl.web.forms import PortalForm, bind, button_action, choices, flash, save
from yeastar_ctl.web.render import add_admin_crud_routes, form_page, render, render_form

EXPORT_NAME: Final = "company-contacts.csv"
MATCH_LABELS: Final = {NumberMatch.DO_NOT_MATCH: "Do Not Match", NumberMatch.EXACT: "Exact Match",
                       NumberMatch.LAST_DIGITS: "Match the last digits"}


class ContactForm(PortalForm):
    name = StringField("Contact Name")
    company = StringField("Company")
    email = StringField("Email")
    business = StringField("Business")
    mobile = StringField("Mobile")
    home = StringField("Home")


class ImportForm(PortalForm):
    file = FileField("CSV file (UTF-8, header: " + ", ".join(contacts.CSV_COLUMNS) + ")")


class MatchOptionsForm(PortalForm):
    match_mode = RadioField("Number Match", choices=choices((m.value, label) for m, label in MATCH_LABELS.items()))
    match_digits = IntegerField(f"Digits to match ({MATCH_DIGITS_RANGE[0]}-{MATCH_DIGITS_RANGE[1]})")
    ignore_symbols = BooleanField("Ignore Symbols and Letters")


def _spec(form: ContactForm) -> contacts.ContactSpec:
    return contacts.ContactSpec(*(form[name].data or "" for name in contacts.CONTACT_FIELDS))


def _page_number(text: str) -> int:
    return int(text) if text.isdigit() else 1


@page(Role.ADMINISTRATOR)
async def contact_list(request: web.Request) -> web.StreamResponse:
    search = request.query.get("q", "")
    async with context_of(request).sessions() as session:
        shown = await contacts.list_contacts(session, search, _page_number(request.query.get("page", "1")))
    return await render("contacts.html", request, {"shown": shown, "search": search})


@page(Role.ADMINISTRATOR)
async def contact_add(request: web.Request) -> web.StreamResponse:
    form = await bind(request, ContactForm)

    async def create(session: AsyncSession) -> None:
        await contacts.create_contact(session, _spec(form))

    return await form_page(request, form, create, done=f"Contact {form.name.data} added.", back_to="/contacts",
                           template="contacts_form.html", context={"contact_id": None})


@page(Role.ADMINISTRATOR)
async def contact_edit(request: web.Request) -> web.StreamResponse:
    key = request.match_info["number"]
    async with context_of(request).sessions() as session:
        try:
            current = contacts.spec_of(await contacts.get_contact(session, key))
        except NotFoundError as exc:
            raise web.HTTPNotFound(text=str(exc)) from None
    form = await bind(request, ContactForm, **{k: v or "" for k, v in vars(current).items()})

    async def update(session: AsyncSession) -> None:
        await contacts.update_contact(session, key, _spec(form))

    return await form_page(request, form, update, done=f"Contact {form.name.data} saved.", back_to="/contacts",
                           template="contacts_form.html", context={"contact_id": key})


@page(Role.ADMINISTRATOR)
async def contact_bulk_delete(request: web.Request) -> web.StreamResponse:
    """Delete the ticked contacts together: all of them, or none when one is refused."""
    ids = [str(i) for i in (await request.post()).getall("ids", [])]

    async def delete(session: AsyncSession) -> None:
        await contacts.delete_contacts(session, ids)

    return await button_action(request, delete, f"Delete {len(ids)} contact(s)", "/contacts")


def _uploaded(form: ImportForm) -> bytes:
    upload: Any = form.file.data
    if not hasattr(upload, "file"):
        raise ValidationError("file", "choose a CSV file to import")
    data: bytes = upload.file.read()
    return data


@page(Role.ADMINISTRATOR)
async def contact_import(request: web.Request) -> web.StreamResponse:
    try:
        form = await bind(request, ImportForm)
    except web.HTTPRequestEntityTooLarge:
        await flash(request, f"Import refused: the file is larger than {request.client_max_size // 1024} KiB; "
                             "split it and import each part.")
        raise web.HTTPFound("/contacts/import") from None
    results: list[contacts.ImportResult] = []

    async def change(session: AsyncSession) -> None:
        results.append(await contacts.import_contacts(session, _uploaded(form)))

    if await save(request, form, change):
        return await render("contacts_import.html", request, {"form": form, "result": results[0]})
    return await render_form("contacts_import.html", request, {"form": form, "result": None})


async def stream_export(request: web.Request) -> web.StreamResponse:
    """Every contact as CSV in the import's format, streamed from the database."""
    async with context_of(request).sessions() as session:
        response = web.StreamResponse(headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{EXPORT_NAME}"'})
        await response.prepare(request)
        async for chunk in csv_chunks(contacts.export_table(session)):
            await response.write(chunk)
        await response.write_eof()
    return response


@page(Role.ADMINISTRATOR)
async def contact_export(request: web.Request) -> web.StreamResponse:
    return await stream_export(request)


@page(Role.ADMINISTRATOR)
async def match_options(request: web.Request) -> web.StreamResponse:
    async with context_of(request).sessions.begin() as session:
        current = await contacts.get_match_options(session)
    form = await bind(request, MatchOptionsForm, match_mode=current.match_mode.value,
                      match_digits=current.match_digits, ignore_symbols=current.ignore_symbols)

    async def update(session: AsyncSession) -> None:
        await contacts.update_match_options(session, match_mode=form.match_mode.data or "",
                                            match_digits=form.match_digits.data, ignore_symbols=form.ignore_symbols.data)

    return await form_page(request, form, update, done="Contact matching options saved.", back_to="/contacts",
                           template="contacts_options.html", context={})


def add_routes(app: web.Application) -> None:
    app.router.add_post("/contacts/delete", contact_bulk_delete)
    app.router.add_route("*", "/contacts/import", contact_import)
    app.router.add_get("/contacts/export", contact_export)
    app.router.add_route("*", "/contacts/options", match_options)
    add_admin_crud_routes(app, "/contacts", "contact", listing=contact_list, add=contact_add, edit=contact_edit,
                          delete=contacts.delete_contact)
