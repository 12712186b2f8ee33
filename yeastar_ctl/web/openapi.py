"""The OpenAPI 3 document of the JSON API, built from ``api.API_ROUTES`` and the settings."""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Final

from aiohttp import web

from yeastar_ctl.db.enums import DynamicAgentStatus, FeatureCodeKey, Presence
from yeastar_ctl.db.queue_settings import QueueSettings
from yeastar_ctl.notify.schedule_times import Frequency
from yeastar_ctl.reports.catalog import ReportKind
from yeastar_ctl.web.api import API_ROUTES, ApiRoute
from yeastar_ctl.web.api_accounts import account_schemas
from yeastar_ctl.web.api_call_logs import call_log_schemas
from yeastar_ctl.web.api_contacts import contact_schemas
from yeastar_ctl.web.api_settings import settings_schemas
from yeastar_ctl.web.queue_fields import FIELDS_BY_NAME, MANAGER_SWITCHES

OPENAPI_PATH: Final = "/api/v1/openapi.json"
_REF = "#/components/schemas/"


_KIND_TYPES: Final = {"flag": "boolean", "int": "integer", "optional_int": "integer", "choice": "string",
                      "choices": "array", "text": "string", "key_points": "array"}
_KEY_POINT_PAIR: Final = {"type": "array", "minItems": 2, "maxItems": 2,
                          "items": {"oneOf": [{"type": "string", "pattern": "^[0-9]$"}, {"type": "integer"}]}}


def _setting_schema(field: dataclasses.Field[Any]) -> dict[str, Any]:
    default = getattr(QueueSettings(), field.name)
    spec = FIELDS_BY_NAME.get(field.name)
    schema: dict[str, Any]
    if spec is not None:
        schema = {"type": _KIND_TYPES[spec.kind], "title": spec.label}
        values = [m.value for m in spec.choices] if spec.choices is not None else None
        if spec.kind == "choices":
            schema["items"] = {"type": "string", "enum": values}
        elif values is not None:
            schema["enum"] = values
        if spec.kind == "key_points":
            schema["items"] = _KEY_POINT_PAIR
            schema["description"] = "[key 0-9, points] pairs; as input also an object {key: points}"
    elif isinstance(default, bool):
        schema = {"type": "boolean"}
    elif isinstance(default, int):
        schema = {"type": "integer"}
    elif isinstance(default, tuple):
        schema = {"type": "array"}
    else:
        schema = {"type": "string"}
    if default is None or "None" in str(field.type):
        schema["nullable"] = True
    if not isinstance(default, tuple):
        schema["default"] = default
    return schema


def _schemas() -> dict[str, Any]:
    settings = {f.name: _setting_schema(f) for f in dataclasses.fields(QueueSettings)}
    pairs = {"type": "array", "items": {"type": "array", "items": {"oneOf": [{"type": "string"}, {"type": "integer"}]}},
             "description": "[extension, skill level 1-99] pairs"}
    manager = {"type": "object", "required": ["extension"], "properties": {
        "extension": {"type": "string"}, **{name: {"type": "boolean", "title": label} for name, label in MANAGER_SWITCHES}}}
    queue_props = {"number": {"type": "string"}, "name": {"type": "string"}, "static": pairs, "dynamic": pairs,
                   "managers": {"type": "array", "items": {"$ref": _REF + "QueueManager"}}, **settings}
    queue_input_props = {**queue_props, "managers": {
        "type": "array", "items": {"oneOf": [{"type": "string"}, {"$ref": _REF + "QueueManager"}]},
        "description": "extension numbers (a listed manager keeps their switches) or manager objects"},
        "survey_points": {"oneOf": [settings["survey_points"], {
            "type": "object", "additionalProperties": {"type": "integer"}, "description": "key 0-9 -> points"}]}}
    extension_props = {
        "number": {"type": "string"}, "name": {"type": "string"}, "email": {"type": "string", "nullable": True},
        "sip_secret": {"type": "string"}, "presence": {"type": "string", "enum": [p.value for p in Presence]},
    }
    text_list = {"type": "array", "items": {"type": "string"}}
    return {
        "Error": {"type": "object", "required": ["error"], "properties": {
            "error": {"type": "string"}, "field": {"type": "string", "nullable": True}}},
        "Extension": {"type": "object", "properties": extension_props},
        "ExtensionInput": {"type": "object", "properties": extension_props, "additionalProperties": False},
        "Queue": {"type": "object", "properties": queue_props},
        "QueueInput": {"type": "object", "properties": queue_input_props, "additionalProperties": False},
        "QueueManager": manager,
        "PauseReason": {"type": "object", "properties": {
            "code": {"type": "string", "pattern": "^\\*[0-9]{1,2}$"}, "name": {"type": "string"}}},
        "PauseReasonList": {"type": "array", "maxItems": 20, "items": {"$ref": _REF + "PauseReason"}},
        "FeatureCodes": {"type": "object", "properties": {key.value: {"type": "object", "properties": {
            "code": {"type": "string"}, "enabled": {"type": "boolean"}}} for key in FeatureCodeKey}},
        "QueueOptions": {"type": "object", "properties": {
            "shared_wrapup": {"type": "boolean"},
            "default_dynamic_status": {"type": "string", "enum": [s.value for s in DynamicAgentStatus]},
            "disposition_auto_sync_enabled": {"type": "boolean"},
            "disposition_auto_sync_hours": {"type": "integer"}}},
        "Report": {"type": "object", "properties": {
            "title": {"type": "string"}, "columns": text_list,
            "rows": {"type": "array", "items": text_list}}},
        **_schedule_schemas(text_list),
        **contact_schemas(),
        **account_schemas(),
        **call_log_schemas(),
        **settings_schemas(),
        "ApplyResult": {"type": "object", "properties": {
            "changed": text_list, "reloaded": text_list, "output": text_list,
            "error": {"type": "string", "nullable": True}}},
    }


def _schedule_schemas(text_list: dict[str, Any]) -> dict[str, Any]:
    props: dict[str, Any] = {
        "name": {"type": "string"}, "report_type": {"type": "string", "enum": [k.value for k in ReportKind]},
        "frequency": {"type": "string", "enum": [f.value for f in Frequency]},
        "time_of_day": {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$", "description": "local HH:MM"},
        "weekday": {"type": "integer", "minimum": 0, "maximum": 6, "nullable": True,
                    "description": "weekly: 0 Monday .. 6 Sunday"},
        "monthday": {"type": "integer", "minimum": 1, "maximum": 31, "nullable": True,
                     "description": "monthly: past the month's end means its last day"},
        "recipients": {"type": "array", "items": {"type": "string", "format": "email"}},
        "filters": {"type": "object", "properties": {
            "queues": text_list, "agents": text_list, "pause_reasons": text_list,
            "exclude_abandoned_within": {"type": "integer"}, "exclude_talk_within": {"type": "integer"},
            "callback_result": {"type": "string"}, "granularity": {"type": "string"}},
            "additionalProperties": False},
    }
    return {
        "ScheduledReport": {"type": "object", "properties": {
            "id": {"type": "integer"}, **props, "last_run_at": {"type": "string", "nullable": True}}},
        "ScheduledReportInput": {"type": "object", "properties": props, "additionalProperties": False},
        "ReportDownload": {"type": "object", "properties": {
            "name": {"type": "string"}, "size": {"type": "integer"}, "modified_at": {"type": "string"}}},
        "ReportCsv": {"type": "string", "description": "a scheduled run's report as CSV, UTF-8, header row first"},
    }


def _media(schema: str) -> str:
    # CSV bodies and downloads (contacts import/export) are described as what they are.
    return "text/csv" if schema.endswith("Csv") else "application/json"


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": _REF + "Error"}}}}


def _operation(route: ApiRoute) -> dict[str, Any]:
    doc = (route.handler.__doc__ or route.handler.__name__).strip()
    ok: dict[str, Any] = {"description": "OK" if route.status != 204 else "Done"}
    if route.response_schema:
        schema: dict[str, Any] = {"$ref": _REF + route.response_schema}
        if route.list_response:
            schema = {"type": "array", "items": schema}
        ok["content"] = {_media(route.response_schema): {"schema": schema}}
    elif route.status != 204:
        ok["content"] = {"application/json": {"schema": {"type": "object"}}}
    operation: dict[str, Any] = {
        "operationId": route.handler.__name__, "summary": doc.splitlines()[0],
        "description": f"Roles: {', '.join(route.roles)}.",
        "responses": {str(route.status): ok, "401": _error("No or an invalid token"),
                      "403": _error("The token's role may not do this")},
    }
    params = re.findall(r"{(\w+)}", route.path)
    if params:
        operation["responses"]["404"] = _error("No such object")
    parameters = [{"name": p, "in": "path", "required": True, "schema": {"type": "string"}} for p in params] + [
        {"name": q.name, "in": "query", "required": False, "description": q.description,
         "schema": {"type": q.type, **({"enum": list(q.choices)} if q.choices else {})}}
        for q in route.query_params]
    if parameters:
        operation["parameters"] = parameters
    if route.query_params:
        operation["responses"].setdefault("400", _error("A refused query parameter; field names it"))
    if route.request_schema:
        operation["requestBody"] = {"required": True, "content": {
            _media(route.request_schema): {"schema": {"$ref": _REF + route.request_schema}}}}
        operation["responses"]["400"] = _error("Refused input; field names the first wrong field")
    return operation


def openapi_document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for route in API_ROUTES:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route)
    return {
        "openapi": "3.0.3",
        "info": {"title": "yeastar_ctl API", "version": "1"},
        "paths": paths,
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    }


async def openapi(request: web.Request) -> web.Response:
    return web.json_response(openapi_document())


def add_routes(app: web.Application) -> None:
    app.router.add_get(OPENAPI_PATH, openapi)
