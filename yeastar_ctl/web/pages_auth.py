"""Log in, log out, and the home page (an agent's own status and presence)."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web
from wtforms import PasswordField, StringField

from yeastar_ctl.db.enums import MemberKind
from yeastar_ctl.services import agent_state, users
from yeastar_ctl.services import extensions as extension_service
from yeastar_ctl.services import queues as queue_service
from yeastar_ctl.web.auth import Account, current_account, log_in, log_out, page
from yeastar_ctl.web.context import context_of
from yeastar_ctl.web.forms import ActionForm, PortalForm, bind
from yeastar_ctl.web.pages_presence import OwnPresenceForm
from yeastar_ctl.web.render import render

FAILED_LOGIN = "Unknown username or wrong password."


class LoginForm(PortalForm):
    login = StringField("Username or email")
    password = PasswordField("Password")


def _safe_next(target: str | None) -> str:
    # Only local paths: a crafted ?next= must not send the user to another site after login.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


async def login(request: web.Request) -> web.StreamResponse:
    form = await bind(request, LoginForm)
    if request.method == "POST":
        if not form.validate():
            if form.csrf_failed:
                raise web.HTTPForbidden(text="The login form expired; reload the page and try again.")
        else:
            async with context_of(request).sessions.begin() as session:
                user = await users.authenticate(session, form.login.data or "", form.password.data or "")
                account = Account.of(user) if user else None
            if account is not None:
                await log_in(request, account)
                raise web.HTTPFound(_safe_next(request.query.get("next")))
            form.form_errors.append(FAILED_LOGIN)
    response = await render("login.html", request, {"form": form})
    if form.form_errors:
        response.set_status(401)
    return response


async def logout(request: web.Request) -> web.StreamResponse:
    form = await bind(request, ActionForm)
    if not form.validate():
        raise web.HTTPForbidden(text="The form expired or did not come from this site.")
    await log_out(request)
    raise web.HTTPFound("/login")


@dataclass(frozen=True)
class QueueStatus:
    queue: str
    name: str
    kind: str
    logged_in: bool
    paused: bool
    pause_reason: str | None


async def _own_status(request: web.Request, extension: str) -> tuple[str, list[QueueStatus]]:
    async with context_of(request).sessions() as session:
        own = await extension_service.get_extension(session, extension)
        memberships = []
        for queue in await queue_service.list_queues(session):
            for member in await queue_service.list_members(session, queue.number):
                if member.extension == extension:
                    memberships.append((queue, member.kind))
        states = await agent_state.load_agent_states(session)
    rows = []
    for queue, kind in memberships:
        state = states.get((extension, queue.number), agent_state.LOGGED_OUT)
        rows.append(QueueStatus(queue.number, queue.name, kind.value,
                                kind == MemberKind.STATIC or state.logged_in, state.paused, state.pause_reason))
    return own.presence.value, rows


@page()
async def home(request: web.Request) -> web.StreamResponse:
    account = current_account(request)
    presence: str | None = None
    rows: list[QueueStatus] = []
    if account.extension_number:
        presence, rows = await _own_status(request, account.extension_number)
    presence_form = await bind(request, OwnPresenceForm, presence=presence)
    return await render("home.html", request, {"presence": presence, "queues": rows, "presence_form": presence_form})


def add_routes(app: web.Application) -> None:
    app.router.add_route("*", "/login", login)
    app.router.add_post("/logout", logout)
    app.router.add_get("/", home)
