"""What every JSON API handler shares: the route description, the body check and the error shape."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Final

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.account_models import Role
from yeastar_ctl.services.errors import NotFoundError, ValidationError
from yeastar_ctl.web.context import context_of

ADMIN: Final = (Role.ADMINISTRATOR,)
SUPERVISORS: Final = (Role.ADMINISTRATOR, Role.QUEUE_MANAGER)


@dataclass(frozen=True)
class ApiRoute:
    method: str
    path: str
    handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    roles: tuple[Role, ...]
    request_schema: str | None = None  # an OpenAPI component name
    response_schema: str | None = None
    status: int = 200
    list_response: bool = False


def error(status: int, message: str, field: str | None = None) -> web.Response:
    return web.json_response({"error": message, "field": field}, status=status)


async def json_of(request: web.Request) -> Any:
    try:
        return await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ValidationError("body", "must be JSON") from None


async def body_of(request: web.Request, allowed: tuple[str, ...]) -> dict[str, Any]:
    body = await json_of(request)
    if not isinstance(body, dict):
        raise ValidationError("body", "must be a JSON object")
    for key in body:
        if key not in allowed:
            raise ValidationError(key, "is not a known field")
    return body


Change = Callable[[AsyncSession], Awaitable[Any]]


async def run(request: web.Request, change: Change, status: int = 200) -> web.Response:
    """Run ``change`` in one transaction; its JSON result, or the service's refusal as a 4xx."""
    try:
        async with context_of(request).sessions.begin() as session:
            result = await change(session)
    except ValidationError as exc:
        return error(400, exc.message, exc.field)
    except NotFoundError as exc:
        return error(404, str(exc))
    if result is None:
        return web.Response(status=204)
    return web.json_response(result, status=status)
