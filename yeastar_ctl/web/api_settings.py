"""JSON API for the call-center settings that are not queues: pause reasons, feature codes and
the shared queue options (administrators)."""

from __future__ import annotations

from typing import Any, Final

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.enums import FeatureCodeKey
from yeastar_ctl.services import feature_codes, pause_reasons, queue_options
from yeastar_ctl.services.errors import ValidationError
from yeastar_ctl.web.api_common import ADMIN, ApiRoute, body_of, json_of, run

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


SETTINGS_ROUTES: Final = (
    ApiRoute("GET", "/api/v1/pause-reasons", get_pause_reasons, ADMIN, response_schema="PauseReason",
             list_response=True),
    ApiRoute("PUT", "/api/v1/pause-reasons", put_pause_reasons, ADMIN, "PauseReasonList", "PauseReason",
             list_response=True),
    ApiRoute("GET", "/api/v1/feature-codes", get_feature_codes, ADMIN, response_schema="FeatureCodes"),
    ApiRoute("PATCH", "/api/v1/feature-codes", patch_feature_codes, ADMIN, "FeatureCodes", "FeatureCodes"),
    ApiRoute("GET", "/api/v1/queue-options", get_queue_options, ADMIN, response_schema="QueueOptions"),
    ApiRoute("PATCH", "/api/v1/queue-options", patch_queue_options, ADMIN, "QueueOptions", "QueueOptions"),
)
