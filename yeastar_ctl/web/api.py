"""The JSON API under /api/v1/: extensions, queues and apply, with bearer-token auth.

Bad input is a 4xx with ``{"error": message, "field": name}`` (``field`` null when the request
as a whole is wrong). Every route is listed in ``API_ROUTES``; the OpenAPI document is made
from that list, so a route cannot be served without being described.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Final

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.models import Extension, Queue
from yeastar_ctl.db.queue_settings import (
    DEFAULT_QUEUE_SETTINGS,
    QUEUE_SETTING_NAMES,
    QueueSettings,
)
from yeastar_ctl.services import extensions as extension_service
from yeastar_ctl.services import presence as presence_service
from yeastar_ctl.services import queues as queue_service
from yeastar_ctl.services.errors import ValidationError
from yeastar_ctl.services.validation import UNSET
from yeastar_ctl.web import api_contacts, api_reports, api_schedules, api_settings, queue_edits
from yeastar_ctl.web.api_accounts import ACCOUNT_ROUTES
from yeastar_ctl.web.api_call_logs import CALL_LOG_ROUTES
from yeastar_ctl.web.api_common import ADMIN, SUPERVISORS, ApiRoute, body_of, run
from yeastar_ctl.web.auth import Handler, api
from yeastar_ctl.web.context import context_of
from yeastar_ctl.web.pages_apply import run_apply

EXTENSION_FIELDS: Final = ("number", "name", "email", "sip_secret", "presence")
QUEUE_FIELDS: Final = ("number", "name", "static", "dynamic", "managers", *QUEUE_SETTING_NAMES)


def extension_json(ext: Extension) -> dict[str, Any]:
    return {"number": ext.number, "name": ext.name, "email": ext.email,
            "sip_secret": ext.sip_secret, "presence": ext.presence.value}


async def list_extensions(request: web.Request) -> web.Response:
    """All extensions."""
    async def read(session: AsyncSession) -> Any:
        return [extension_json(e) for e in await extension_service.list_extensions(session)]
    return await run(request, read)


async def get_extension(request: web.Request) -> web.Response:
    """One extension."""
    async def read(session: AsyncSession) -> Any:
        return extension_json(await extension_service.get_extension(session, request.match_info["number"]))
    return await run(request, read)


async def create_extension(request: web.Request) -> web.Response:
    """Add an extension; a SIP secret is generated unless given."""
    async def create(session: AsyncSession) -> Any:
        body = await body_of(request, EXTENSION_FIELDS)
        ext = await extension_service.create_extension(
            session, body.get("number", ""), body.get("name", ""), email=body.get("email"),
            sip_secret=body.get("sip_secret"), presence=body.get("presence", "available"))
        return extension_json(ext)
    return await run(request, create, status=201)


async def update_extension(request: web.Request) -> web.Response:
    """Change the given fields of an extension (email null clears it); a new presence applies its
    auto-switch rule, as ``PUT .../presence`` does."""
    async def update(session: AsyncSession) -> Any:
        body = await body_of(request, EXTENSION_FIELDS)
        ext = await presence_service.edit_extension(
            session, request.match_info["number"], at=context_of(request).clock(), new_number=body.get("number"),
            name=body.get("name"), email=body["email"] if "email" in body else UNSET,
            sip_secret=body.get("sip_secret"), presence=body.get("presence"))
        return extension_json(ext)
    return await run(request, update)


async def delete_extension(request: web.Request) -> web.Response:
    """Delete an extension (refused while a queue routes to it)."""
    async def delete(session: AsyncSession) -> None:
        await extension_service.delete_extension(session, request.match_info["number"])
    return await run(request, delete)


def _json_value(value: Any) -> Any:
    return [list(v) if isinstance(v, tuple) else v for v in value] if isinstance(value, tuple) else value


async def queue_json(session: AsyncSession, queue: Queue) -> dict[str, Any]:
    members = await queue_service.list_members(session, queue.number)
    managers = await queue_service.list_managers(session, queue.number)
    settings = {k: _json_value(v) for k, v in dataclasses.asdict(queue.settings).items()}
    return {
        "number": queue.number, "name": queue.name, **settings,
        "static": [[m.extension, m.skill_level] for m in members if m.kind == "static"],
        "dynamic": [[m.extension, m.skill_level] for m in members if m.kind == "dynamic"],
        "managers": [dataclasses.asdict(m) for m in managers],
    }


def _members(body: dict[str, Any], key: str) -> tuple[queue_service.MemberSpec, ...] | None:
    if key not in body:
        return None
    value = body[key]
    if not isinstance(value, list):
        raise ValidationError(key, "must be a list of [extension, skill level] pairs")
    # The service checks each pair; JSON has no tuples, so lists become them here.
    return tuple(tuple(item) if isinstance(item, list) else item for item in value)  # type: ignore[misc]


def _manager(index: int, item: Any) -> queue_edits.ManagerEdit:
    """An extension number (switches kept) or ``{"extension": ..., "notify_missed": true, ...}``."""
    if isinstance(item, str):
        return queue_edits.ManagerEdit(item)
    if isinstance(item, dict) and isinstance(item.get("extension"), str):
        return queue_edits.ManagerEdit(item["extension"], tuple((k, v) for k, v in item.items() if k != "extension"))
    raise ValidationError(f"managers[{index}]", "must be an extension number or an object with its extension")


def _setting(name: str, value: Any) -> Any:
    # JSON has no tuples: a survey's points may come as an object or as [key, points] pairs.
    if name == "survey_points" and isinstance(value, dict):
        return tuple(value.items())
    return tuple(value) if isinstance(value, list) else value


def _queue_edit(body: dict[str, Any], base: QueueSettings) -> queue_edits.QueueEdit:
    given = {k: _setting(k, v) for k, v in body.items() if k in QUEUE_SETTING_NAMES}
    managers = body.get("managers")
    if managers is not None and not isinstance(managers, list):
        raise ValidationError("managers", "must be a list of extension numbers or manager objects")
    return queue_edits.QueueEdit(
        name=body.get("name"), settings=dataclasses.replace(base, **given),
        static=_members(body, "static"), dynamic=_members(body, "dynamic"),
        managers=tuple(_manager(i, m) for i, m in enumerate(managers)) if managers is not None else None,
    )


async def list_queues(request: web.Request) -> web.Response:
    """All queues with their settings, agents and managers."""
    async def read(session: AsyncSession) -> Any:
        return [await queue_json(session, q) for q in await queue_service.list_queues(session)]
    return await run(request, read)


async def get_queue(request: web.Request) -> web.Response:
    """One queue."""
    async def read(session: AsyncSession) -> Any:
        return await queue_json(session, await queue_service.get_queue(session, request.match_info["number"]))
    return await run(request, read)


async def create_queue(request: web.Request) -> web.Response:
    """Add a queue: number and name required; settings not given take their defaults."""
    async def create(session: AsyncSession) -> Any:
        body = await body_of(request, QUEUE_FIELDS)
        number = body.get("number")
        if not isinstance(number, str):
            raise ValidationError("number", "must be the queue number as text")
        await queue_edits.create_queue(session, number, _queue_edit(body, DEFAULT_QUEUE_SETTINGS))
        return await queue_json(session, await queue_service.get_queue(session, number))
    return await run(request, create, status=201)


async def update_queue(request: web.Request) -> web.Response:
    """Change the given fields; the number is fixed once the queue exists."""
    number = request.match_info["number"]

    async def update(session: AsyncSession) -> Any:
        body = await body_of(request, QUEUE_FIELDS)
        if body.get("number", number) != number:
            raise ValidationError("number", "a queue's number cannot be changed")
        current = await queue_service.get_queue(session, number)
        await queue_edits.update_queue(session, number, _queue_edit(body, current.settings))
        return await queue_json(session, current)
    return await run(request, update)


async def delete_queue(request: web.Request) -> web.Response:
    """Delete a queue (refused while another queue routes to it)."""
    async def delete(session: AsyncSession) -> None:
        await queue_service.delete_queue(session, request.match_info["number"])
    return await run(request, delete)


async def apply(request: web.Request) -> web.Response:
    """Render the Asterisk config and reload what changed; ``error`` says what went wrong."""
    result = await run_apply(context_of(request))
    return web.json_response(dataclasses.asdict(result))


async def routing(request: web.Request) -> web.Response:
    """Waiting calls in routing order, each with its priority and the routing trace in words."""
    return web.json_response(context_of(request).routing_view())


async def online_status(request: web.Request) -> web.Response:
    """Per extension: online when any endpoint is registered, and 0/1 per endpoint kind."""
    return web.json_response(context_of(request).online_view())


EXT = "/api/v1/extensions"
QUEUES = "/api/v1/queues"
API_ROUTES: Final[tuple[ApiRoute, ...]] = (
    ApiRoute("GET", EXT, list_extensions, ADMIN, response_schema="Extension", list_response=True),
    ApiRoute("POST", EXT, create_extension, ADMIN, "ExtensionInput", "Extension", 201),
    ApiRoute("GET", EXT + "/{number}", get_extension, ADMIN, response_schema="Extension"),
    ApiRoute("PATCH", EXT + "/{number}", update_extension, ADMIN, "ExtensionInput", "Extension"),
    ApiRoute("DELETE", EXT + "/{number}", delete_extension, ADMIN, status=204),
    ApiRoute("GET", QUEUES, list_queues, ADMIN, response_schema="Queue", list_response=True),
    ApiRoute("POST", QUEUES, create_queue, ADMIN, "QueueInput", "Queue", 201),
    ApiRoute("GET", QUEUES + "/{number}", get_queue, ADMIN, response_schema="Queue"),
    ApiRoute("PATCH", QUEUES + "/{number}", update_queue, ADMIN, "QueueInput", "Queue"),
    ApiRoute("DELETE", QUEUES + "/{number}", delete_queue, ADMIN, status=204),
    ApiRoute("POST", "/api/v1/apply", apply, ADMIN, response_schema="ApplyResult"),
    ApiRoute("GET", "/api/v1/routing", routing, SUPERVISORS),
    ApiRoute("GET", "/api/v1/online-status", online_status, SUPERVISORS),
    *api_settings.SETTINGS_ROUTES,
    *ACCOUNT_ROUTES,
    *CALL_LOG_ROUTES,
    *api_reports.REPORT_ROUTES,
    *api_contacts.CONTACT_ROUTES,
    *api_schedules.SCHEDULE_ROUTES,
)


def guarded(route: ApiRoute) -> Handler:
    return api(*route.roles)(route.handler)


def add_routes(app: web.Application) -> None:
    for route in API_ROUTES:
        app.router.add_route(route.method, route.path, guarded(route))
