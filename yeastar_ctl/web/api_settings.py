"""JSON API for the call-center settings that are not queues: pause reasons, feature codes, the
shared queue options, business hours and holidays, and each extension's presence rules
(administrators)."""

from __future__ import annotations

from typing import Any, Final

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.enums import FeatureCodeKey, Presence, PresenceAction
from yeastar_ctl.services import business_hours, feature_codes, pause_reasons, presence, queue_options
from yeastar_ctl.services.errors import ValidationError
from yeastar_ctl.db.account_models import Role
from yeastar_ctl.web.api_common import ADMIN, ApiRoute, body_of, error, json_of, run
from yeastar_ctl.web.auth import current_account
from yeastar_ctl.web.context import context_of

OPTION_FIELDS: Final = (
    "shared_wrapup", "default_dynamic_status", "disposition_auto_sync_enabled", "disposition_auto_sync_hours")


def _reasons_json(rows: list[Any]) -> list[dict[str, str]]:
    return [{"code": r.code, "name": r.name} for r in rows]


async def get_pause_reasons(request: web.Request) -> web.Response:
    """The pause reasons in list order."""
    async def read(session: AsyncSession) -> Any:
        return _reasons_json(await pause_reasons.list_pause_reasons(session))
    return await run(request, read)


async def put_pause_reasons(request: web.Request) -> web.Response:
    """Replace the whole list (at most 20); list order is the display order."""
    async def replace(session: AsyncSession) -> Any:
        body = await json_of(request)
        if not isinstance(body, list) or not all(isinstance(r, dict) for r in body):
            raise ValidationError("reasons", "must be a list of {code, name} objects")
        pairs = [(r.get("code"), r.get("name")) for r in body]
        return _reasons_json(await pause_reasons.replace_pause_reasons(session, pairs))
    return await run(request, replace)


async def _codes_json(session: AsyncSession) -> dict[str, Any]:
    codes = await feature_codes.load_feature_codes(session)
    return {key.value: {"code": s.code, "enabled": s.enabled} for key, s in codes.items()}


async def get_feature_codes(request: web.Request) -> web.Response:
    """Every feature code with its switch."""
    return await run(request, _codes_json)


async def patch_feature_codes(request: web.Request) -> web.Response:
    """Change the given codes together (two codes may swap in one request)."""
    async def update(session: AsyncSession) -> Any:
        body = await body_of(request, tuple(k.value for k in FeatureCodeKey))
        current = await feature_codes.load_feature_codes(session)
        changes = {}
        for key, value in body.items():
            if not isinstance(value, dict) or set(value) - {"code", "enabled"}:
                raise ValidationError(key, "must be an object with code and/or enabled")
            old = current[FeatureCodeKey(key)]
            changes[key] = feature_codes.FeatureCodeSetting(value.get("code", old.code), value.get("enabled", old.enabled))
        await feature_codes.set_feature_codes(session, changes)
        return await _codes_json(session)
    return await run(request, update)


async def _options_json(session: AsyncSession) -> dict[str, Any]:
    options = await queue_options.get_queue_options(session)
    return {name: getattr(options, name) for name in OPTION_FIELDS}


async def get_queue_options(request: web.Request) -> web.Response:
    """The options shared by every queue."""
    return await run(request, _options_json)


async def patch_queue_options(request: web.Request) -> web.Response:
    """Change the given shared queue options."""
    async def update(session: AsyncSession) -> Any:
        await queue_options.update_queue_options(session, **await body_of(request, OPTION_FIELDS))
        return await _options_json(session)
    return await run(request, update)


async def _hours_json(session: AsyncSession) -> dict[str, Any]:
    periods, holidays = await business_hours.load_time_table(session)
    return {
        "periods": [{"weekday": p.weekday, "start": f"{p.start:%H:%M}", "end": f"{p.end:%H:%M}"} for p in periods],
        "holidays": [{"name": h.name, "first_day": h.first_day.isoformat(), "last_day": h.last_day.isoformat(),
                      "prompt": h.prompt} for h in holidays],
    }


def _items(body: dict[str, Any], key: str, fields: dict[str, tuple[type, ...]]) -> list[tuple[Any, ...]] | None:
    """``body[key]`` as a list of tuples in ``fields`` order, each value of its JSON type."""
    if key not in body:
        return None
    items = body[key]
    if not isinstance(items, list):
        raise ValidationError(key, "must be a list of objects")
    rows = []
    for index, item in enumerate(items):
        if not isinstance(item, dict) or set(item) - set(fields):
            raise ValidationError(f"{key}[{index}]", f"must be an object with {', '.join(fields)}")
        for name, types in fields.items():
            value = item.get(name)
            if not isinstance(value, types) or isinstance(value, bool):
                raise ValidationError(f"{key}[{index}].{name}", "is missing or of the wrong type")
        rows.append(tuple(item.get(name) for name in fields))
    return rows


NULL: Final = type(None)


async def get_business_hours(request: web.Request) -> web.Response:
    """The weekly opening periods (weekday 0 = Monday) and the holidays."""
    return await run(request, _hours_json)


async def put_business_hours(request: web.Request) -> web.Response:
    """Replace the periods and/or the holidays (each list given replaces the whole list)."""
    async def replace(session: AsyncSession) -> Any:
        body = await body_of(request, ("periods", "holidays"))
        periods = _items(body, "periods", {"weekday": (int,), "start": (str,), "end": (str,)})
        holidays = _items(body, "holidays", {"name": (str,), "first_day": (str,), "last_day": (str,),
                                             "prompt": (str, NULL)})
        if periods is not None:
            await business_hours.set_business_hours(session, periods)
        if holidays is not None:
            await business_hours.set_holidays(session, holidays)
        return await _hours_json(session)
    return await run(request, replace)


async def _rules_json(session: AsyncSession, number: str) -> dict[str, Any]:
    rules = await presence.presence_rules(session, number)
    return {p.value: {"action": r.action.value, "reason_code": r.reason_code} for p, r in rules.items()}


async def get_presence_rules(request: web.Request) -> web.Response:
    """An extension's auto-switch rule for every presence."""
    async def read(session: AsyncSession) -> Any:
        return await _rules_json(session, request.match_info["number"])
    return await run(request, read)


async def patch_presence_rules(request: web.Request) -> web.Response:
    """Set the rules of the presences given ({presence: {action, reason_code}}); others stay."""
    number = request.match_info["number"]

    async def update(session: AsyncSession) -> Any:
        body = await body_of(request, tuple(p.value for p in Presence))
        rules: dict[Presence | str, tuple[Any, Any]] = {}
        for key, rule in body.items():
            if not isinstance(rule, dict) or set(rule) - {"action", "reason_code"}:
                raise ValidationError(key, "must be an object with action and optionally reason_code")
            rules[key] = (rule.get("action"), rule.get("reason_code"))
        await presence.set_presence_rules(session, number, rules)
        return await _rules_json(session, number)
    return await run(request, update)


async def _change_presence(request: web.Request, extension: str) -> web.Response:
    async def change(session: AsyncSession) -> Any:
        body = await body_of(request, ("presence",))
        changes = await presence.change_presence(session, extension, body.get("presence", ""),
                                                 at=context_of(request).clock())
        return {"presence": body["presence"], "changes": [
            {"queue": c.queue, "kind": c.kind.value, "reason": c.reason} for c in changes]}
    return await run(request, change)


async def put_presence(request: web.Request) -> web.Response:
    """Change an extension's presence and apply its auto-switch rule to its queues."""
    return await _change_presence(request, request.match_info["number"])


async def put_own_presence(request: web.Request) -> web.Response:
    """Change the calling user's own presence (their extension's) and apply its rule."""
    extension = current_account(request).extension_number
    if extension is None:
        return error(400, "your account is not an extension", "presence")
    return await _change_presence(request, extension)


def settings_schemas() -> dict[str, Any]:
    text = {"type": "string"}
    presence_enum = {"type": "string", "enum": [p.value for p in Presence]}
    rule = {"type": "object", "properties": {
        "action": {"type": "string", "enum": [a.value for a in PresenceAction]},
        "reason_code": {"type": "string", "nullable": True, "description": "a pause reason code; Pause only"}}}
    return {
        "BusinessHours": {"type": "object", "additionalProperties": False, "properties": {
            "periods": {"type": "array", "items": {"type": "object", "properties": {
                "weekday": {"type": "integer", "minimum": 0, "maximum": 6, "description": "0 = Monday"},
                "start": {**text, "pattern": "^[0-9]{2}:[0-9]{2}$"}, "end": {**text, "pattern": "^[0-9]{2}:[0-9]{2}$"}}}},
            "holidays": {"type": "array", "items": {"type": "object", "properties": {
                "name": text, "first_day": {**text, "format": "date"}, "last_day": {**text, "format": "date"},
                "prompt": {**text, "nullable": True}}}}}},
        "PresenceRules": {"type": "object", "additionalProperties": False,
                          "properties": {p.value: rule for p in Presence}},
        "PresenceInput": {"type": "object", "required": ["presence"], "additionalProperties": False,
                          "properties": {"presence": presence_enum}},
        "PresenceChange": {"type": "object", "properties": {"presence": presence_enum, "changes": {
            "type": "array", "description": "what the rule did to the agent, per queue (null: every queue)",
            "items": {"type": "object", "properties": {
                "queue": {**text, "nullable": True}, "kind": text, "reason": {**text, "nullable": True}}}}}},
    }


SETTINGS_ROUTES: Final = (
    ApiRoute("GET", "/api/v1/pause-reasons", get_pause_reasons, ADMIN, response_schema="PauseReason",
             list_response=True),
    ApiRoute("PUT", "/api/v1/pause-reasons", put_pause_reasons, ADMIN, "PauseReasonList", "PauseReason",
             list_response=True),
    ApiRoute("GET", "/api/v1/feature-codes", get_feature_codes, ADMIN, response_schema="FeatureCodes"),
    ApiRoute("PATCH", "/api/v1/feature-codes", patch_feature_codes, ADMIN, "FeatureCodes", "FeatureCodes"),
    ApiRoute("GET", "/api/v1/queue-options", get_queue_options, ADMIN, response_schema="QueueOptions"),
    ApiRoute("PATCH", "/api/v1/queue-options", patch_queue_options, ADMIN, "QueueOptions", "QueueOptions"),
    ApiRoute("GET", "/api/v1/business-hours", get_business_hours, ADMIN, response_schema="BusinessHours"),
    ApiRoute("PUT", "/api/v1/business-hours", put_business_hours, ADMIN, "BusinessHours", "BusinessHours"),
    ApiRoute("GET", "/api/v1/extensions/{number}/presence-rules", get_presence_rules, ADMIN,
             response_schema="PresenceRules"),
    ApiRoute("PUT", "/api/v1/extensions/{number}/presence", put_presence, ADMIN, "PresenceInput", "PresenceChange"),
    ApiRoute("PUT", "/api/v1/me/presence", put_own_presence, tuple(Role), "PresenceInput", "PresenceChange"),
    ApiRoute("PATCH", "/api/v1/extensions/{number}/presence-rules", patch_presence_rules, ADMIN, "PresenceRules",
             "PresenceRules"),
)
