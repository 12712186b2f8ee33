"""JSON API for queue call logs (every role, each seeing what the portal shows it) and a queue's
Queue Panel Permissions (administrators).

A log the token's account may not see or change is a 403 whose message says what is refused.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from enum import Enum
from typing import Any, Final

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.account_models import Role
from yeastar_ctl.db.call_log_models import DISPOSITION_LENGTH, REMARK_LENGTH, PanelPermissions, ProcessingStatus
from yeastar_ctl.db.enums import CallStatus
from yeastar_ctl.services import call_logs, panel_permissions
from yeastar_ctl.services.call_logs import CallLog, CallLogAccessError, CallLogFilter, Note, ProcessingChange
from yeastar_ctl.services.errors import ValidationError
from yeastar_ctl.web.api_common import (
    ADMIN,
    SCHEMA_REF,
    ApiRoute,
    Change,
    QueryParam,
    body_of,
    dataclass_schema,
    error,
    run,
)
from yeastar_ctl.web.auth import current_account
from yeastar_ctl.web.context import context_of

EVERYONE: Final = (Role.ADMINISTRATOR, Role.QUEUE_MANAGER, Role.AGENT)
NOTE_FIELDS: Final = ("disposition", "remark")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def _record(value: ProcessingChange | Note | PanelPermissions) -> dict[str, Any]:
    return {field.name: _plain(getattr(value, field.name)) for field in dataclasses.fields(value)}


def log_json(log: CallLog) -> dict[str, Any]:
    plain = {f.name: _plain(getattr(log, f.name)) for f in dataclasses.fields(log)
             if f.name not in ("last_change", "notes")}
    return {**plain, "last_change": _record(log.last_change) if log.last_change else None,
            "notes": [_record(n) for n in log.notes]}


async def _run(request: web.Request, change: Change, status: int = 200) -> web.Response:
    try:
        return await run(request, change, status)
    except CallLogAccessError as exc:
        return error(403, str(exc))


def _whole(field: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValidationError(field, f"must be a whole number, got {text!r}") from None


def _filter(query: Any) -> CallLogFilter:
    for key in query:
        if key not in ("status", "processing", "limit", "offset"):
            raise ValidationError(key, "is not a known filter")
    return CallLogFilter(
        status=query.get("status") or None, processing=query.get("processing") or None,
        limit=_whole("limit", query.get("limit", str(call_logs.DEFAULT_LIMIT))),
        offset=_whole("offset", query.get("offset", "0")))


async def list_call_logs(request: web.Request) -> web.Response:
    """A queue's call logs, newest first; query status, processing, limit, offset."""
    async def read(session: AsyncSession) -> Any:
        logs = await call_logs.list_call_logs(session, current_account(request), request.match_info["number"],
                                              _filter(request.query))
        return [log_json(log) for log in logs]
    return await _run(request, read)


async def get_call_log(request: web.Request) -> web.Response:
    """One call log with its notes and the history of its processing status."""
    async def read(session: AsyncSession) -> Any:
        account, call_id = current_account(request), request.match_info["id"]
        log = await call_logs.get_call_log(session, account, call_id)
        history = await call_logs.processing_history(session, account, call_id)
        return {**log_json(log), "history": [_record(change) for change in history]}
    return await _run(request, read)


async def set_processing(request: web.Request) -> web.Response:
    """Change a missed or abandoned call's processing status; ``synced`` lists the repeat calls
    auto-sync moved with it."""
    async def change(session: AsyncSession) -> Any:
        body = await body_of(request, ("processing",))
        result = await call_logs.set_processing(session, current_account(request), request.match_info["id"],
                                                body.get("processing", ""), at=context_of(request).clock())
        return {"log": log_json(result.log), "synced": list(result.synced)}
    return await _run(request, change)


async def add_note(request: web.Request) -> web.Response:
    """Add a call note: a disposition code, a remark, or both."""
    async def change(session: AsyncSession) -> Any:
        body = await body_of(request, NOTE_FIELDS)
        note = await call_logs.add_note(session, current_account(request), request.match_info["id"],
                                        disposition=body.get("disposition"), remark=body.get("remark"),
                                        at=context_of(request).clock())
        return _record(note)
    return await _run(request, change, status=201)


async def delete_call_log(request: web.Request) -> web.Response:
    """Delete a call log (it stays in the reports)."""
    async def change(session: AsyncSession) -> None:
        await call_logs.delete_call_log(session, current_account(request), request.match_info["id"],
                                        at=context_of(request).clock())
    return await _run(request, change)


async def delete_call_logs(request: web.Request) -> web.Response:
    """Delete the listed call logs: all of them, or none when one is refused."""
    async def change(session: AsyncSession) -> None:
        ids = (await body_of(request, ("ids",))).get("ids")
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
            raise ValidationError("ids", "must be a non-empty list of call log ids")
        await call_logs.delete_call_logs(session, current_account(request), ids, at=context_of(request).clock())
    return await _run(request, change)


async def get_permissions(request: web.Request) -> web.Response:
    """A queue's Queue Panel Permissions."""
    async def read(session: AsyncSession) -> Any:
        return _record(await panel_permissions.get_panel_permissions(session, request.match_info["number"]))
    return await run(request, read)


async def patch_permissions(request: web.Request) -> web.Response:
    """Change the given Queue Panel Permissions of a queue."""
    async def change(session: AsyncSession) -> Any:
        body = await body_of(request, panel_permissions.FIELD_NAMES)
        return _record(await panel_permissions.update_panel_permissions(session, request.match_info["number"], body))
    return await run(request, change)


def call_log_schemas() -> dict[str, Any]:
    """The OpenAPI components these routes name."""
    text = {"type": "string", "nullable": True}
    log = dataclass_schema(CallLog, {ProcessingChange: "ProcessingChange", Note: "CallNote"})
    permissions = dataclass_schema(PanelPermissions)
    return {
        "CallLog": log,
        "CallLogDetail": {"allOf": [{"$ref": SCHEMA_REF + "CallLog"}, {"type": "object", "properties": {
            "history": {"type": "array", "items": {"$ref": SCHEMA_REF + "ProcessingChange"},
                        "description": "every processing status change, oldest first"}}}]},
        "ProcessingChange": dataclass_schema(ProcessingChange),
        "CallNote": dataclass_schema(Note),
        "ProcessingInput": {"type": "object", "required": ["processing"], "additionalProperties": False,
                            "properties": {"processing": {"type": "string", "enum": [s.value for s in ProcessingStatus]}}},
        "ProcessingResult": {"type": "object", "properties": {
            "log": {"$ref": SCHEMA_REF + "CallLog"},
            "synced": {"type": "array", "items": {"type": "string"},
                       "description": "the ids of the repeat calls auto-sync moved with it, oldest first"}}},
        "CallNoteInput": {"type": "object", "additionalProperties": False,
                          "description": "a disposition code, a remark, or both",
                          "properties": {"disposition": {**text, "maxLength": DISPOSITION_LENGTH},
                                         "remark": {**text, "maxLength": REMARK_LENGTH}}},
        "CallLogIds": {"type": "object", "required": ["ids"], "additionalProperties": False, "properties": {
            "ids": {"type": "array", "minItems": 1, "items": {"type": "string"}}}},
        "PanelPermissions": permissions,
        "PanelPermissionsInput": {**permissions, "additionalProperties": False},
    }


LOGS: Final = "/api/v1/call-logs"
PERMISSIONS: Final = "/api/v1/queues/{number}/permissions"
LIST_FILTERS: Final = (
    QueryParam("status", "only the calls that ended so", choices=tuple(
        s.value for s in CallStatus if s != CallStatus.WAITING)),
    QueryParam("processing", "only the missed and abandoned calls with this processing status",
               choices=tuple(s.value for s in ProcessingStatus)),
    QueryParam("limit", f"at most this many logs, 1-{call_logs.MAX_LIMIT} (default {call_logs.DEFAULT_LIMIT})",
               "integer"),
    QueryParam("offset", "skip this many of the newest logs (default 0)", "integer"),
)
CALL_LOG_ROUTES: Final = (
    ApiRoute("GET", "/api/v1/queues/{number}/call-logs", list_call_logs, EVERYONE, response_schema="CallLog",
             list_response=True, query_params=LIST_FILTERS),
    ApiRoute("GET", LOGS + "/{id}", get_call_log, EVERYONE, response_schema="CallLogDetail"),
    ApiRoute("PUT", LOGS + "/{id}/processing", set_processing, EVERYONE, "ProcessingInput", "ProcessingResult"),
    ApiRoute("POST", LOGS + "/{id}/notes", add_note, EVERYONE, "CallNoteInput", "CallNote", 201),
    ApiRoute("DELETE", LOGS + "/{id}", delete_call_log, EVERYONE, status=204),
    ApiRoute("POST", LOGS + "/delete", delete_call_logs, EVERYONE, "CallLogIds", status=204),
    ApiRoute("GET", PERMISSIONS, get_permissions, ADMIN, response_schema="PanelPermissions"),
    ApiRoute("PATCH", PERMISSIONS, patch_permissions, ADMIN, "PanelPermissionsInput", "PanelPermissions"),
)
