"""What every JSON API handler shares: the route description, the body check and the error shape."""

from __future__ import annotations

import dataclasses
import json
import types
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, Final, Union, get_args, get_origin, get_type_hints

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.account_models import Role
from yeastar_ctl.services.errors import NotFoundError, ValidationError
from yeastar_ctl.web.context import context_of

ADMIN: Final = (Role.ADMINISTRATOR,)
SUPERVISORS: Final = (Role.ADMINISTRATOR, Role.QUEUE_MANAGER)
SCHEMA_REF: Final = "#/components/schemas/"


@dataclass(frozen=True)
class QueryParam:
    """A query string parameter a route reads, for the OpenAPI document."""

    name: str
    description: str
    type: str = "string"  # an OpenAPI type: string, integer, boolean
    choices: tuple[str, ...] = ()  # the values it takes, when it is one of a few


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
    query_params: tuple[QueryParam, ...] = ()


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


def _type_schema(hint: Any, refs: Mapping[type, str]) -> dict[str, Any]:
    args = get_args(hint)
    if get_origin(hint) in (Union, types.UnionType) and type(None) in args:
        inner = _type_schema(next(a for a in args if a is not type(None)), refs)
        # OpenAPI 3.0 ignores the siblings of a $ref, so a nullable reference wraps it.
        return {"allOf": [inner], "nullable": True} if "$ref" in inner else {**inner, "nullable": True}
    if get_origin(hint) is tuple:
        return {"type": "array", "items": _type_schema(args[0], refs)}
    if hint in refs:
        return {"$ref": SCHEMA_REF + refs[hint]}
    if isinstance(hint, type) and issubclass(hint, Enum):
        return {"type": "string", "enum": [member.value for member in hint]}
    if hint is datetime:
        return {"type": "string", "format": "date-time"}
    scalars: dict[Any, str] = {bool: "boolean", int: "integer", str: "string"}
    if hint in scalars:
        return {"type": scalars[hint]}
    raise TypeError(f"no OpenAPI schema for {hint!r}")


def dataclass_schema(cls: type, refs: Mapping[type, str] | None = None, *, exclude: tuple[str, ...] = (),
                     input_: bool = False) -> dict[str, Any]:
    """The OpenAPI object schema of a value dataclass the API returns as JSON (enums as their
    values, datetimes ISO 8601); ``refs`` names the components nested dataclasses are. As an input
    (``input_``) unknown fields are refused, as ``body_of`` does."""
    hints = get_type_hints(cls)
    schema: dict[str, Any] = {"type": "object", "properties": {
        field.name: _type_schema(hints[field.name], refs or {})
        for field in dataclasses.fields(cls) if field.name not in exclude}}
    if input_:
        schema["additionalProperties"] = False
    return schema
