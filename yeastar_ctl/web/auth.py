"""Who is asking: the portal's login session and the API's bearer token, and the role checks.

Both resolve to an ``Account``, a plain value copied from the users table, so handlers never
hold an ORM object past the database session that loaded it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Final
from urllib.parse import quote

import aiohttp_session
from aiohttp import web
from aiohttp_session.cookie_storage import EncryptedCookieStorage

from yeastar_ctl.db.account_models import Role, User
from yeastar_ctl.services import api_tokens, users
from yeastar_ctl.web.context import context_of

SESSION_LIFETIME: Final = timedelta(hours=8)
COOKIE_NAME: Final = "yeastar_ctl_session"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    role: Role
    extension_number: str | None

    @classmethod
    def of(cls, user: User) -> Account:
        return cls(user.id, user.username, user.role, user.extension_number)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMINISTRATOR


# Set by the guards: None for an anonymous visitor of a page that looked.
ACCOUNT_KEY: Final[web.RequestKey[Account | None]] = web.RequestKey("account")


def session_key(secret: str) -> bytes:
    """The 32-byte Fernet key for the session cookie, derived from the configured secret (any
    length), so rotating ``web.session_key`` logs everyone out and nothing else is needed."""
    return hashlib.sha256(b"yeastar_ctl session cookie\0" + secret.encode("utf-8")).digest()


def session_storage(secret: str) -> EncryptedCookieStorage:
    # max_age bounds both the cookie and the encrypted token's age (Fernet TTL), so an old
    # cookie replayed by hand is refused too.
    return EncryptedCookieStorage(
        session_key(secret), cookie_name=COOKIE_NAME, max_age=int(SESSION_LIFETIME.total_seconds()),
        httponly=True, samesite="Lax",
    )


async def log_in(request: web.Request, account: Account) -> None:
    # A fresh session at login: a session id planted before login is worth nothing after it.
    session = await aiohttp_session.new_session(request)
    session["user_id"] = account.id
    session["login_at"] = context_of(request).clock().timestamp()


async def log_out(request: web.Request) -> None:
    session = await aiohttp_session.get_session(request)
    session.invalidate()


async def session_account(request: web.Request) -> Account | None:
    if ACCOUNT_KEY in request:
        account: Account | None = request[ACCOUNT_KEY]
        return account
    session = await aiohttp_session.get_session(request)
    user_id, login_at = session.get("user_id"), session.get("login_at")
    account = None
    ctx = context_of(request)
    if isinstance(user_id, int) and isinstance(login_at, (int, float)):
        if ctx.clock().timestamp() - login_at <= SESSION_LIFETIME.total_seconds():
            account = await _load(request, user_id)
        else:
            session.invalidate()
    request[ACCOUNT_KEY] = account
    return account


async def _load(request: web.Request, user_id: int) -> Account | None:
    async with context_of(request).sessions() as session:
        user = await users.active_user(session, user_id)
        return Account.of(user) if user is not None else None  # None: deleted or disabled since login


def page(*roles: Role) -> Callable[[Handler], Handler]:
    """A portal page: anonymous visitors go to the login page, other roles get 403."""

    def wrap(handler: Handler) -> Handler:
        async def guarded(request: web.Request) -> web.StreamResponse:
            account = await session_account(request)
            if account is None:
                raise web.HTTPFound(f"/login?next={quote(request.path_qs, safe='')}")
            if roles and account.role not in roles:
                raise web.HTTPForbidden(text="You do not have access to this page.")
            return await handler(request)

        guarded.__doc__ = handler.__doc__
        return guarded

    return wrap


def api_error(status: type[web.HTTPError], message: str, field: str | None = None) -> web.HTTPError:
    return status(
        text=web.json_response({"error": message, "field": field}).text, content_type="application/json"
    )


async def token_account(request: web.Request) -> Account:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise api_error(web.HTTPUnauthorized, "an API token is required (Authorization: Bearer <token>)")
    async with context_of(request).sessions.begin() as session:
        user = await api_tokens.user_for_token(session, token.strip())
        account = Account.of(user) if user is not None else None
    if account is None:
        raise api_error(web.HTTPUnauthorized, "the API token is not valid")
    return account


def api(*roles: Role) -> Callable[[Handler], Handler]:
    """A JSON API endpoint: a valid bearer token of one of ``roles`` (any role if none)."""

    def wrap(handler: Handler) -> Handler:
        async def guarded(request: web.Request) -> web.StreamResponse:
            account = await token_account(request)
            if roles and account.role not in roles:
                raise api_error(web.HTTPForbidden, f"the {account.role} role may not do this")
            request[ACCOUNT_KEY] = account
            return await handler(request)

        guarded.__doc__ = handler.__doc__
        return guarded

    return wrap


def current_account(request: web.Request) -> Account:
    """The account a ``page``/``api`` guard has let in."""
    account: Account | None = request.get(ACCOUNT_KEY)
    assert account is not None, "only for handlers behind page() or api()"
    return account
