"""JSON API for company contacts: CRUD, CSV import (the body is the file) and export, the match
options, and the caller-ID match itself.

Administrators manage contacts; the match is open to every role, since the seed shows matching
results to queue managers and agents whatever they may see of the contacts themselves.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Final

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.account_models import Role
from yeastar_ctl.db.contact_models import CompanyContact, ContactMatchOptions
from yeastar_ctl.services import contacts
from yeastar_ctl.services.contact_matching import MATCH_DIGITS_RANGE, NumberMatch
from yeastar_ctl.services.errors import NotFoundError, ValidationError
from yeastar_ctl.web.api_common import ADMIN, ApiRoute, QueryParam, body_of, error, run
from yeastar_ctl.web.pages_contacts import stream_export

EVERY_ROLE: Final = tuple(Role)
OPTION_FIELDS: Final = ("match_mode", "match_digits", "ignore_symbols")
MAX_PER_PAGE: Final = 500


def contact_json(contact: CompanyContact) -> dict[str, Any]:
    return {"id": contact.id, **vars(contacts.spec_of(contact))}


def _options_json(options: ContactMatchOptions) -> dict[str, Any]:
    return {name: getattr(options, name) for name in OPTION_FIELDS}


def _spec(body: dict[str, Any], base: contacts.ContactSpec) -> contacts.ContactSpec:
    for key, value in body.items():
        if value is not None and not isinstance(value, str):
            raise ValidationError(key, f"must be text or null, got {value!r}")
    return dataclasses.replace(base, **body)


def _whole_number(request: web.Request, name: str, default: int, high: int | None = None) -> int:
    text = request.query.get(name, str(default))
    if not text.isdigit() or int(text) < 1 or (high is not None and int(text) > high):
        bound = f"1-{high}" if high is not None else "1 or more"
        raise ValidationError(name, f"must be a whole number ({bound}), got {text!r}")
    return int(text)


async def list_contacts(request: web.Request) -> web.Response:
    """A page of contacts by name: query search (name, company, email or number), page, per_page."""
    async def read(session: AsyncSession) -> Any:
        shown = await contacts.list_contacts(
            session, request.query.get("search", ""), _whole_number(request, "page", 1),
            _whole_number(request, "per_page", contacts.PAGE_SIZE, MAX_PER_PAGE))
        return {"total": shown.total, "page": shown.page, "per_page": shown.per_page,
                "contacts": [contact_json(c) for c in shown.contacts]}
    return await run(request, read)


async def get_contact(request: web.Request) -> web.Response:
    """One contact."""
    async def read(session: AsyncSession) -> Any:
        return contact_json(await contacts.get_contact(session, request.match_info["id"]))
    return await run(request, read)


async def create_contact(request: web.Request) -> web.Response:
    """Add a contact: a name and at least one number (business, mobile or home)."""
    async def create(session: AsyncSession) -> Any:
        body = await body_of(request, contacts.CONTACT_FIELDS)
        return contact_json(await contacts.create_contact(session, _spec(body, contacts.ContactSpec(""))))
    return await run(request, create, status=201)


async def update_contact(request: web.Request) -> web.Response:
    """Change the given fields of a contact (null or "" clears an optional one)."""
    async def update(session: AsyncSession) -> Any:
        body = await body_of(request, contacts.CONTACT_FIELDS)
        key = request.match_info["id"]
        current = contacts.spec_of(await contacts.get_contact(session, key))
        return contact_json(await contacts.update_contact(session, key, _spec(body, current)))
    return await run(request, update)


async def delete_contact(request: web.Request) -> web.Response:
    """Delete a contact."""
    async def delete(session: AsyncSession) -> None:
        await contacts.delete_contact(session, request.match_info["id"])
    return await run(request, delete)


def _is_id(value: Any) -> bool:
    # bool is an int to Python, but true is no contact id.
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


async def delete_contacts(request: web.Request) -> web.Response:
    """Delete the listed contacts (``{"ids": [...]}``): all of them, or none when one does not exist."""
    async def delete(session: AsyncSession) -> None:
        ids = (await body_of(request, ("ids",))).get("ids")
        if not isinstance(ids, list) or not ids or not all(map(_is_id, ids)):
            raise ValidationError("ids", "must be a non-empty list of contact ids")
        try:
            await contacts.delete_contacts(session, ids)
        except NotFoundError as exc:
            raise ValidationError("ids", f"{exc}; no contact was deleted") from None
    return await run(request, delete)


async def import_contacts(request: web.Request) -> web.Response:
    """Import a CSV file (the request body, UTF-8, header row first): the good rows are added,
    each bad row is listed in ``problems``; an unreadable file is a 400 on the field ``file``."""
    try:
        data = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return error(413, f"the file is larger than {request.client_max_size} bytes; import it in parts", "file")

    async def load(session: AsyncSession) -> Any:
        result = await contacts.import_contacts(session, data)
        return {"added": result.added, "duplicates": result.duplicates,
                "problems": [dataclasses.asdict(p) for p in result.problems]}
    return await run(request, load)


async def export_contacts(request: web.Request) -> web.StreamResponse:
    """Every contact as CSV, in the format the import reads."""
    return await stream_export(request)


async def get_match_options(request: web.Request) -> web.Response:
    """How incoming caller IDs are matched with the contacts."""
    async def read(session: AsyncSession) -> Any:
        return _options_json(await contacts.get_match_options(session))
    return await run(request, read)


async def patch_match_options(request: web.Request) -> web.Response:
    """Change the given match options."""
    async def update(session: AsyncSession) -> Any:
        body = await body_of(request, OPTION_FIELDS)
        return _options_json(await contacts.update_match_options(session, **body))
    return await run(request, update)


async def match_number(request: web.Request) -> web.Response:
    """The contact name a caller's number matches (query number), or null."""
    async def read(session: AsyncSession) -> Any:
        number = request.query.get("number", "")
        if not number.strip():
            raise ValidationError("number", "the caller's number is required (?number=...)")
        return {"number": number, "name": await contacts.match_caller(session, number)}
    return await run(request, read)


def contact_schemas() -> dict[str, Any]:
    """The OpenAPI components these routes name."""
    text = {"type": "string", "nullable": True}
    fields = {"name": {"type": "string", "title": "Contact Name"}, "company": text, "email": text,
              "business": text, "mobile": text, "home": text}
    options = {
        "match_mode": {"type": "string", "enum": [m.value for m in NumberMatch], "default": NumberMatch.LAST_DIGITS},
        "match_digits": {"type": "integer", "minimum": MATCH_DIGITS_RANGE[0], "maximum": MATCH_DIGITS_RANGE[1],
                         "default": 7},
        "ignore_symbols": {"type": "boolean", "default": False}}
    contact_ref = {"$ref": "#/components/schemas/Contact"}
    return {
        "Contact": {"type": "object", "properties": {"id": {"type": "integer"}, **fields}},
        "ContactInput": {"type": "object", "properties": fields, "additionalProperties": False},
        "ContactPage": {"type": "object", "properties": {
            "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"},
            "contacts": {"type": "array", "items": contact_ref}}},
        "ContactCsv": {"type": "string", "description": "CSV, UTF-8, header: " + ", ".join(contacts.CSV_COLUMNS)},
        "ContactImportResult": {"type": "object", "properties": {
            "added": {"type": "integer"}, "duplicates": {"type": "integer"},
            "problems": {"type": "array", "items": {"type": "object", "properties": {
                "row": {"type": "integer"}, "field": {"type": "string"}, "message": {"type": "string"}}}}}},
        "ContactMatchOptions": {"type": "object", "properties": options, "additionalProperties": False},
        "ContactMatch": {"type": "object", "properties": {"number": {"type": "string"}, "name": text}},
        "ContactIds": {"type": "object", "required": ["ids"], "additionalProperties": False, "properties": {
            "ids": {"type": "array", "minItems": 1, "items": {"type": "integer"},
                    "description": "contact ids (as numbers or digit strings)"}}},
    }


CONTACTS = "/api/v1/contacts"
# The fixed paths come before "{id}", which would otherwise take "match", "options", ...
CONTACT_ROUTES: Final = (
    ApiRoute("GET", CONTACTS + "/match", match_number, EVERY_ROLE, response_schema="ContactMatch",
             query_params=(QueryParam("number", "the caller's number (required)"),)),
    ApiRoute("GET", CONTACTS + "/options", get_match_options, ADMIN, response_schema="ContactMatchOptions"),
    ApiRoute("PATCH", CONTACTS + "/options", patch_match_options, ADMIN, "ContactMatchOptions",
             "ContactMatchOptions"),
    ApiRoute("POST", CONTACTS + "/import", import_contacts, ADMIN, "ContactCsv", "ContactImportResult"),
    ApiRoute("GET", CONTACTS + "/export", export_contacts, ADMIN, response_schema="ContactCsv"),
    ApiRoute("POST", CONTACTS + "/delete", delete_contacts, ADMIN, "ContactIds", status=204),
    ApiRoute("GET", CONTACTS, list_contacts, ADMIN, response_schema="ContactPage", query_params=(
        QueryParam("search", "part of a name, company, email or number"),
        QueryParam("page", "the page, from 1 (default 1)", "integer"),
        QueryParam("per_page", f"contacts a page, 1-{MAX_PER_PAGE} (default {contacts.PAGE_SIZE})", "integer"))),
    ApiRoute("POST", CONTACTS, create_contact, ADMIN, "ContactInput", "Contact", 201),
    ApiRoute("GET", CONTACTS + "/{id}", get_contact, ADMIN, response_schema="Contact"),
    ApiRoute("PATCH", CONTACTS + "/{id}", update_contact, ADMIN, "ContactInput", "Contact"),
    ApiRoute("DELETE", CONTACTS + "/{id}", delete_contact, ADMIN, status=204),
)
