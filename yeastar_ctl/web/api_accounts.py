"""JSON API for portal accounts: users (administrators: list, add, change, disable, delete,
reset a password, issue, list and revoke API tokens) and every user's own password.

A generated password or a new token is in the response that made it and nowhere else.
"""

from __future__ import annotations

from typing import Any, Final

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.account_models import Role, User
from yeastar_ctl.services import api_tokens, users
from yeastar_ctl.services import queues as queue_service
from yeastar_ctl.services.errors import NotFoundError, ValidationError
from yeastar_ctl.services.validation import UNSET
from yeastar_ctl.web.api_common import ADMIN, ApiRoute, body_of, run
from yeastar_ctl.web.auth import current_account

EVERYONE: Final = tuple(Role)
USER_FIELDS: Final = ("username", "role", "email", "extension_number", "password")
UPDATE_FIELDS: Final = ("role", "email", "extension_number", "disabled", "managed_queues")


async def user_json(session: AsyncSession, user: User) -> dict[str, Any]:
    managed = await queue_service.queues_managed_by(session, user.extension_number) if user.extension_number else ()
    return {"id": user.id, "username": user.username, "role": user.role.value, "email": user.email,
            "extension_number": user.extension_number, "disabled": users.is_disabled(user),
            "managed_queues": list(managed)}


def _user_id(request: web.Request) -> int:
    text = request.match_info["user_id"]
    if not text.isdigit():
        raise NotFoundError("user", text)
    return int(text)


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str):
        raise ValidationError(key, "must be text")
    return value


def _text_or_none(body: dict[str, Any], key: str) -> Any:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise ValidationError(key, "must be text or null")
    return value


async def list_users(request: web.Request) -> web.Response:
    """All accounts (never their passwords)."""
    async def read(session: AsyncSession) -> Any:
        return [await user_json(session, u) for u in await users.list_users(session)]
    return await run(request, read)


async def get_user(request: web.Request) -> web.Response:
    """One account."""
    async def read(session: AsyncSession) -> Any:
        return await user_json(session, await users.get_user(session, _user_id(request)))
    return await run(request, read)


async def create_user(request: web.Request) -> web.Response:
    """Add an account; without a password one is generated and returned once."""
    async def create(session: AsyncSession) -> Any:
        body = await body_of(request, USER_FIELDS)
        created = await users.create_user(
            session, _text(body, "username"), body.get("role", ""), password=_text_or_none(body, "password"),
            email=_text_or_none(body, "email"), extension_number=_text_or_none(body, "extension_number"))
        return {**await user_json(session, created.user), "generated_password": created.generated_password}
    return await run(request, create, status=201)


async def update_user(request: web.Request) -> web.Response:
    """Change the given fields; managed_queues sets the queues the user's extension manages."""
    async def update(session: AsyncSession) -> Any:
        user_id = _user_id(request)
        body = await body_of(request, UPDATE_FIELDS)
        user = await users.update_user(
            session, user_id, role=body.get("role"),
            email=_text_or_none(body, "email") if "email" in body else UNSET,
            extension_number=_text_or_none(body, "extension_number") if "extension_number" in body else UNSET)
        if "disabled" in body:
            if not isinstance(body["disabled"], bool):
                raise ValidationError("disabled", "must be true or false")
            await users.set_disabled(session, user_id, body["disabled"])
        if "managed_queues" in body:
            wanted = body["managed_queues"]
            if not (isinstance(wanted, list) and all(isinstance(n, str) for n in wanted)):
                raise ValidationError("managed_queues", "must be a list of queue numbers")
            if user.extension_number is None:
                raise ValidationError("managed_queues", "only an extension can manage queues; set extension_number")
            await queue_service.set_queues_managed_by(session, user.extension_number, wanted)
        return await user_json(session, user)
    return await run(request, update)


async def delete_user(request: web.Request) -> web.Response:
    """Delete an account and its API tokens (never the last administrator)."""
    async def delete(session: AsyncSession) -> None:
        await users.delete_user(session, _user_id(request))
    return await run(request, delete)


async def reset_password(request: web.Request) -> web.Response:
    """Set a user's password; without one a password is generated and returned once."""
    async def reset(session: AsyncSession) -> Any:
        body = await body_of(request, ("password",))
        return {"generated_password": await users.set_password(
            session, _user_id(request), _text_or_none(body, "password"))}
    return await run(request, reset)


async def change_own_password(request: web.Request) -> web.Response:
    """Change the calling user's own password, given the current one (any role)."""
    async def change(session: AsyncSession) -> None:
        body = await body_of(request, ("current_password", "new_password"))
        current, new = _text(body, "current_password"), _text(body, "new_password")
        await users.change_own_password(session, current_account(request).id, current, new)
    return await run(request, change)


def _token_json(token: api_tokens.TokenInfo) -> dict[str, Any]:
    return {"id": token.id, "created_at": token.created_at.isoformat(),
            "last_used": token.last_used.isoformat() if token.last_used else None}


async def list_tokens(request: web.Request) -> web.Response:
    """A user's API tokens: when issued and last used (the tokens themselves are not kept)."""
    async def read(session: AsyncSession) -> Any:
        return [_token_json(t) for t in await api_tokens.list_tokens(session, _user_id(request))]
    return await run(request, read)


async def issue_token(request: web.Request) -> web.Response:
    """Issue an API token for a user; the token is in this response only."""
    async def issue(session: AsyncSession) -> Any:
        issued = await api_tokens.create_token(session, _user_id(request))
        return {"id": issued.id, "token": issued.token}
    return await run(request, issue, status=201)


async def revoke_token(request: web.Request) -> web.Response:
    """Revoke one of a user's API tokens."""
    async def revoke(session: AsyncSession) -> None:
        token_id = request.match_info["token_id"]
        if not token_id.isdigit():
            raise NotFoundError("API token", token_id)
        await api_tokens.revoke_token(session, int(token_id), _user_id(request))
    return await run(request, revoke)


def account_schemas() -> dict[str, Any]:
    nullable_text = {"type": "string", "nullable": True}
    user = {"id": {"type": "integer"}, "username": {"type": "string"},
            "role": {"type": "string", "enum": [r.value for r in Role]}, "email": nullable_text,
            "extension_number": nullable_text, "disabled": {"type": "boolean"},
            "managed_queues": {"type": "array", "items": {"type": "string"}}}
    generated = {"generated_password": {**nullable_text, "description": "set only when generated; shown once"}}
    return {
        "User": {"type": "object", "properties": user},
        "UserCreated": {"type": "object", "properties": {**user, **generated}},
        "UserInput": {"type": "object", "required": ["username", "role"], "additionalProperties": False,
                      "properties": {key: user[key] for key in ("username", "role", "email", "extension_number")}
                      | {"password": {**nullable_text, "description": "10-256 characters; null: generate one"}}},
        "UserUpdate": {"type": "object", "additionalProperties": False,
                       "properties": {key: user[key] for key in UPDATE_FIELDS}},
        "PasswordReset": {"type": "object", "additionalProperties": False,
                          "properties": {"password": {**nullable_text, "description": "null: generate one"}}},
        "PasswordResult": {"type": "object", "properties": generated},
        "OwnPassword": {"type": "object", "required": ["current_password", "new_password"],
                        "additionalProperties": False,
                        "properties": {"current_password": {"type": "string"}, "new_password": {"type": "string"}}},
        "ApiToken": {"type": "object", "properties": {
            "id": {"type": "integer"}, "created_at": {"type": "string", "format": "date-time"},
            "last_used": {"type": "string", "format": "date-time", "nullable": True}}},
        "IssuedToken": {"type": "object", "properties": {"id": {"type": "integer"}, "token": {"type": "string"}}},
    }


USERS = "/api/v1/users"
ONE_USER = USERS + "/{user_id}"
ACCOUNT_ROUTES: Final = (
    ApiRoute("GET", USERS, list_users, ADMIN, response_schema="User", list_response=True),
    ApiRoute("POST", USERS, create_user, ADMIN, "UserInput", "UserCreated", 201),
    ApiRoute("GET", ONE_USER, get_user, ADMIN, response_schema="User"),
    ApiRoute("PATCH", ONE_USER, update_user, ADMIN, "UserUpdate", "User"),
    ApiRoute("DELETE", ONE_USER, delete_user, ADMIN, status=204),
    ApiRoute("POST", ONE_USER + "/password", reset_password, ADMIN, "PasswordReset", "PasswordResult"),
    ApiRoute("GET", ONE_USER + "/tokens", list_tokens, ADMIN, response_schema="ApiToken", list_response=True),
    ApiRoute("POST", ONE_USER + "/tokens", issue_token, ADMIN, response_schema="IssuedToken", status=201),
    ApiRoute("DELETE", ONE_USER + "/tokens/{token_id}", revoke_token, ADMIN, status=204),
    ApiRoute("POST", "/api/v1/me/password", change_own_password, EVERYONE, "OwnPassword", status=204),
)
