"""Portal accounts (administrators): list, add with a one-time password, issue API tokens.

A generated password or a token is shown once, on the page that made it, and never put in a
redirect or a flash message (those travel in the cookie).
"""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession
from wtforms import PasswordField, SelectField, StringField

from yeastar_ctl.db.account_models import Role
from yeastar_ctl.services import api_tokens, users
from yeastar_ctl.web.auth import page
from yeastar_ctl.web.context import context_of
from yeastar_ctl.web.forms import ActionForm, PortalForm, bind, choices, optional, save
from yeastar_ctl.web.render import render, render_form

ROLE_CHOICES = choices((r.value, r.value.replace("_", " ").capitalize()) for r in Role)


class UserForm(PortalForm):
    username = StringField("Username")
    email = StringField("Email (optional; can be used to log in)")
    role = SelectField("Role", choices=ROLE_CHOICES, default=Role.AGENT.value)
    extension_number = StringField("Extension (queue managers and agents)")
    password = PasswordField("Password (empty: generate a one-time password)")


@page(Role.ADMINISTRATOR)
async def user_list(request: web.Request) -> web.StreamResponse:
    async with context_of(request).sessions() as session:
        rows = await users.list_users(session)
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

    if await save(request, form, create, {"extension": "extension_number"}):
        return await render("secret_shown.html", request, {
            "title": f"User {created[0].user.username} added",
            "label": "One-time password (shown only now)" if created[0].generated_password else None,
            "secret": created[0].generated_password,
        })
    return await render_form("user_form.html", request, {"form": form})


@page(Role.ADMINISTRATOR)
async def user_token(request: web.Request) -> web.StreamResponse:
    form = await bind(request, ActionForm)
    if not form.validate():
        raise web.HTTPForbidden(text="The form expired or did not come from this site; reload and try again.")
    user_id = int(request.match_info["user_id"])
    async with context_of(request).sessions.begin() as session:
        user = await users.get_user(session, user_id)
        issued = await api_tokens.create_token(session, user_id)
    return await render("secret_shown.html", request, {
        "title": f"API token for {user.username}", "label": "Token (shown only now; send it as Authorization: Bearer ...)",
        "secret": issued.token,
    })


def add_routes(app: web.Application) -> None:
    app.router.add_get("/users", user_list)
    app.router.add_route("*", "/users/new", user_add)
    app.router.add_post(r"/users/{user_id:\d+}/token", user_token)
