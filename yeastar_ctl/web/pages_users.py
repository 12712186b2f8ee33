"""Portal accounts. Administrators list, add, edit (role, email, extension, the queues that
extension manages), disable, delete, reset passwords and issue or revoke API tokens; every user
changes their own password with their current one.

A generated password or a token is shown once, on the page that made it, and never put in a
redirect or a flash message (those travel in the cookie).
"""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession
from wtforms import PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.widgets import CheckboxInput, ListWidget

from yeastar_ctl.db.account_models import Role, User
from yeastar_ctl.services import api_tokens, users
from yeastar_ctl.services import queues as queue_service
from yeastar_ctl.services.errors import NotFoundError, ValidationError
from yeastar_ctl.web.auth import Handler, current_account, page
from yeastar_ctl.web.context import context_of
from yeastar_ctl.web.forms import ActionForm, PortalForm, bind, button_action, choices, flash, optional, save
from yeastar_ctl.web.render import render, render_form

ROLE_CHOICES = choices((r.value, r.value.replace("_", " ").capitalize()) for r in Role)
USER_ALIASES = {"extension": "extension_number"}
USER_ID = r"{user_id:\d+}"


class UserForm(PortalForm):
    username = StringField("Username")
    email = StringField("Email (optional; can be used to log in)")
    role = SelectField("Role", choices=ROLE_CHOICES, default=Role.AGENT.value)
    extension_number = StringField("Extension (queue managers and agents)")
    password = PasswordField("Password (empty: generate a one-time password)")


class UserEditForm(PortalForm):
    email = StringField("Email (optional; can be used to log in)")
    role = SelectField("Role", choices=ROLE_CHOICES)
    extension_number = StringField("Extension (queue managers and agents)")
    managed_queues = SelectMultipleField("Queues this extension manages", choices=[],
                                         widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())


class PasswordResetForm(PortalForm):
    password = PasswordField("New password (empty: generate a one-time password)")


class OwnPasswordForm(PortalForm):
    current_password = PasswordField("Current password")
    new_password = PasswordField("New password (10 to 256 characters)")
    confirm_password = PasswordField("New password again")


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    email: str | None
    role: Role
    extension_number: str | None
    disabled: bool

    @classmethod
    def of(cls, user: User) -> UserRow:
        return cls(user.id, user.username, user.email, user.role, user.extension_number, users.is_disabled(user))


def _user_id(request: web.Request) -> int:
    return int(request.match_info["user_id"])


async def _load_user(session: AsyncSession, user_id: int) -> User:
    try:
        return await users.get_user(session, user_id)
    except NotFoundError as exc:
        raise web.HTTPNotFound(text=str(exc)) from None


async def _username(request: web.Request, user_id: int) -> str:
    async with context_of(request).sessions() as session:
        return (await _load_user(session, user_id)).username


async def _secret_page(request: web.Request, title: str, label: str, secret: str | None) -> web.Response:
    return await render("secret_shown.html", request, {"title": title, "label": label, "secret": secret})


@page(Role.ADMINISTRATOR)
async def user_list(request: web.Request) -> web.StreamResponse:
    async with context_of(request).sessions() as session:
        rows = [UserRow.of(u) for u in await users.list_users(session)]
    return await render("users.html", request, {"users": rows})


@page(Role.ADMINISTRATOR)
async def user_add(request: web.Request) -> web.StreamResponse:
    form = await bind(request, UserForm)
    created: list[users.CreatedUser] = []

    async def create(session: AsyncSession) -> None:
        created.append(await users.create_user(
            session, form.username.data or "", form.role.data or "", password=form.password.data or None,
            email=optional(form.email.data), extension_number=optional(form.extension_number.data),
        ))

    if await save(request, form, create, USER_ALIASES):
        return await _secret_page(request, f"User {created[0].user.username} added",
                                  "One-time password (shown only now)", created[0].generated_password)
    return await render_form("user_form.html", request, {"form": form})


@page(Role.ADMINISTRATOR)
async def user_edit(request: web.Request) -> web.StreamResponse:
    user_id = _user_id(request)
    async with context_of(request).sessions() as session:
        user = await _load_user(session, user_id)
        row = UserRow.of(user)
        queues = await queue_service.list_queues(session)
        managed = await queue_service.queues_managed_by(session, user.extension_number) if user.extension_number else ()
        tokens = await api_tokens.list_tokens(session, user_id)
    form = await bind(request, UserEditForm, email=row.email or "", role=row.role.value,
                      extension_number=row.extension_number or "", managed_queues=list(managed))
    form.managed_queues.choices = choices((q.number, f"{q.number} {q.name}") for q in queues)

    async def update(session: AsyncSession) -> None:
        extension = optional(form.extension_number.data)
        await users.update_user(session, user_id, role=form.role.data or "", email=optional(form.email.data),
                                extension_number=extension)
        wanted = [str(n) for n in form.managed_queues.data or []]
        if extension is not None:
            await queue_service.set_queues_managed_by(session, extension, wanted)
        elif wanted:
            raise ValidationError("managed_queues", "only an extension can manage queues; set the extension first")

    if await save(request, form, update, USER_ALIASES):
        await flash(request, f"User {row.username} saved.")
        raise web.HTTPFound("/users")
    return await render_form("user_edit.html", request, {
        "form": form, "user": row, "tokens": tokens, "reset_form": await bind(request, PasswordResetForm),
        "own": current_account(request).id == user_id,
    })


@page(Role.ADMINISTRATOR)
async def user_password_reset(request: web.Request) -> web.StreamResponse:
    user_id = _user_id(request)
    form = await bind(request, PasswordResetForm)
    outcome: list[tuple[str, str | None]] = []

    async def reset(session: AsyncSession) -> None:
        user = await users.get_user(session, user_id)
        outcome.append((user.username, await users.set_password(session, user_id, form.password.data or None)))

    if await save(request, form, reset):
        username, generated = outcome[0]
        if generated is None:
            await flash(request, f"Password of {username} changed.")
            raise web.HTTPFound(f"/users/{user_id}/edit")
        return await _secret_page(request, f"New password for {username}", "One-time password (shown only now)",
                                  generated)
    # Refused (too short): the message goes where the button was, in the flash.
    await flash(request, f"Password not changed: {'; '.join(form.password.errors or form.form_errors)}")
    raise web.HTTPFound(f"/users/{user_id}/edit")


@page(Role.ADMINISTRATOR)
async def user_token(request: web.Request) -> web.StreamResponse:
    form = await bind(request, ActionForm)
    if not form.validate():
        raise web.HTTPForbidden(text="The form expired or did not come from this site; reload and try again.")
    user_id = _user_id(request)
    async with context_of(request).sessions.begin() as session:
        user = await _load_user(session, user_id)
        issued = await api_tokens.create_token(session, user_id)
    return await _secret_page(request, f"API token for {user.username}",
                              "Token (shown only now; send it as Authorization: Bearer ...)", issued.token)


@page(Role.ADMINISTRATOR)
async def token_revoke(request: web.Request) -> web.StreamResponse:
    user_id, token_id = _user_id(request), int(request.match_info["token_id"])

    async def revoke(session: AsyncSession) -> None:
        await api_tokens.revoke_token(session, token_id, user_id)

    return await button_action(request, revoke, f"Revoke API token {token_id}", f"/users/{user_id}/edit")


def _switch(disabled: bool) -> Handler:
    @page(Role.ADMINISTRATOR)
    async def handler(request: web.Request) -> web.StreamResponse:
        user_id = _user_id(request)

        async def change(session: AsyncSession) -> None:
            await users.set_disabled(session, user_id, disabled)

        what = "Disable" if disabled else "Enable"
        return await button_action(request, change, f"{what} user {await _username(request, user_id)}", "/users")

    return handler


@page(Role.ADMINISTRATOR)
async def user_delete(request: web.Request) -> web.StreamResponse:
    user_id = _user_id(request)

    async def delete(session: AsyncSession) -> None:
        await users.delete_user(session, user_id)

    return await button_action(request, delete, f"Delete user {await _username(request, user_id)}", "/users")


@page()
async def own_password(request: web.Request) -> web.StreamResponse:
    """Any user: a new password, given the current one."""
    form = await bind(request, OwnPasswordForm)
    account = current_account(request)

    async def change(session: AsyncSession) -> None:
        if form.new_password.data != form.confirm_password.data:
            raise ValidationError("confirm_password", "does not match the new password")
        await users.change_own_password(session, account.id, form.current_password.data or "",
                                        form.new_password.data or "")

    if await save(request, form, change):
        await flash(request, "Your password was changed.")
        raise web.HTTPFound("/")
    return await render_form("own_password.html", request, {"form": form})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/users", user_list)
    app.router.add_route("*", "/users/new", user_add)
    app.router.add_route("*", f"/users/{USER_ID}/edit", user_edit)
    app.router.add_post(f"/users/{USER_ID}/password", user_password_reset)
    app.router.add_post(f"/users/{USER_ID}/token", user_token)
    app.router.add_post(f"/users/{USER_ID}/tokens/" + r"{token_id:\d+}/revoke", token_revoke)
    app.router.add_post(f"/users/{USER_ID}/disable", _switch(True))
    app.router.add_post(f"/users/{USER_ID}/enable", _switch(False))
    app.router.add_post(f"/users/{USER_ID}/delete", user_delete)
    app.router.add_route("*", "/account/password", own_password)
