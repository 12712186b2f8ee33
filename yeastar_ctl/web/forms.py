"""WTForms for the portal: CSRF bound to the login session, and service errors shown per field.

The services own validation (ranges, conflicts, formats). Forms only turn text into Python
values (an integer field refuses "abc") and carry the service's ``ValidationError`` problems
back to the field they name, so the portal and the JSON API refuse exactly the same input.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Iterable
from datetime import timedelta
from typing import Any, TypeVar

import aiohttp_session
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession
from wtforms import Form
from wtforms.csrf.session import SessionCSRF
from wtforms.fields.choices import SelectChoice

from yeastar_ctl.services.errors import NotFoundError, ServiceError, ValidationError
from yeastar_ctl.web.auth import SESSION_LIFETIME
from yeastar_ctl.web.context import context_of

F = TypeVar("F", bound="PortalForm")
FLASH_KEY = "flash"


class PortalForm(Form):
    class Meta:
        csrf = True
        csrf_class = SessionCSRF
        # A form may stay open as long as the login does.
        csrf_time_limit = timedelta(seconds=SESSION_LIFETIME.total_seconds())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.form_errors: list[str] = []

    def show_problems(self, error: ServiceError, aliases: dict[str, str] | None = None) -> None:
        """Put each problem of a service error next to the field it names (else at the top)."""
        if not isinstance(error, ValidationError):
            self.form_errors.append(str(error))
            return
        for problem in error.problems:
            field = self._field_for(problem.field, aliases or {})
            if field is not None:
                field.errors = [*field.errors, problem.message]
            else:
                self.form_errors.append(f"{problem.field}: {problem.message}")

    def _field_for(self, name: str, aliases: dict[str, str]) -> Any:
        # Service problems name list items and nested values ("static[0].skill_level",
        # "reasons[3].code"): the item's own field if the form has one, else the list's.
        base = name.split("[", 1)[0].split(".", 1)[0]
        for candidate in (aliases.get(name), name.rsplit(".", 1)[-1], aliases.get(base), base):
            if candidate and candidate != "csrf_token" and candidate in self._fields:
                return self._fields[candidate]
        return None

    @property
    def csrf_failed(self) -> bool:
        token = self._fields.get("csrf_token")
        return bool(token is not None and token.errors)


class ActionForm(PortalForm):
    """Only the CSRF token: the form behind a button (delete, apply, log out)."""


def _csrf_secret(request: web.Request) -> bytes:
    secret = context_of(request).settings.web.session_key
    return hashlib.sha256(b"yeastar_ctl csrf\0" + secret.encode("utf-8")).digest()


async def bind(request: web.Request, form_cls: type[F], **data: Any) -> F:
    """The form for this request: posted values on POST, ``data`` (current values) on GET."""
    session = await aiohttp_session.get_session(request)
    formdata = await request.post() if request.method == "POST" else None
    meta = {"csrf_context": session, "csrf_secret": _csrf_secret(request)}
    return form_cls(formdata=formdata, data=data, meta=meta)


async def save(request: web.Request, form: PortalForm, change: Callable[[AsyncSession], Awaitable[Any]],
               aliases: dict[str, str] | None = None) -> bool:
    """On a valid POST, run ``change`` in one transaction; False (errors on the form) if refused."""
    if request.method != "POST":
        return False
    valid = form.validate()
    if form.csrf_failed:
        raise web.HTTPForbidden(text="The form expired or did not come from this site; reload the page and try again.")
    if not valid:
        return False
    try:
        async with context_of(request).sessions.begin() as session:
            await change(session)
    except (ValidationError, NotFoundError) as exc:
        form.show_problems(exc, aliases)
        return False
    return True


async def flash(request: web.Request, message: str) -> None:
    session = await aiohttp_session.get_session(request)
    session[FLASH_KEY] = [*session.get(FLASH_KEY, []), message]


async def take_flashes(request: web.Request) -> list[str]:
    session = await aiohttp_session.get_session(request)
    messages: list[str] = session.pop(FLASH_KEY, [])
    return messages


def optional(text: str | None) -> str | None:
    """An empty text box means "not set"."""
    return text.strip() or None if text is not None else None


async def button_action(
    request: web.Request, change: Callable[[AsyncSession], Awaitable[Any]], what: str, back_to: str,
) -> web.StreamResponse:
    """A button's POST (delete, ...): run ``change``, tell how it went, go back to the list."""
    form = await bind(request, ActionForm)
    if await save(request, form, change):
        await flash(request, f"{what}: done.")
    else:
        await flash(request, f"{what}: refused: {'; '.join(form.form_errors) or 'invalid request'}")
    raise web.HTTPFound(back_to)


def choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]
