"""Pause reasons (at most 20) and feature codes (administrators)."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession
from wtforms import BooleanField, StringField

from yeastar_ctl.db.account_models import Role
from yeastar_ctl.db.enums import FeatureCodeKey
from yeastar_ctl.services import feature_codes, pause_reasons
from yeastar_ctl.web.auth import page
from yeastar_ctl.web.context import context_of
from yeastar_ctl.web.forms import PortalForm, bind, button_action
from yeastar_ctl.web.render import form_page

FEATURE_LABELS = {
    FeatureCodeKey.LOGIN_TOGGLE: "Log in / log out of a queue (then the queue number)",
    FeatureCodeKey.PAUSE_TOGGLE: "Pause / unpause in a queue (then the queue number)",
    FeatureCodeKey.LOGIN_ALL: "Log in to all queues",
    FeatureCodeKey.LOGOUT_ALL: "Log out of all queues",
    FeatureCodeKey.LOGIN_LAST: "Log in to the last queues",
}


class PauseReasonForm(PortalForm):
    code = StringField("Code (like *04)")
    name = StringField("Name")


class FeatureCodesForm(PortalForm):
    pass


for _key in FEATURE_LABELS:
    setattr(FeatureCodesForm, _key.value, StringField("Code"))
    setattr(FeatureCodesForm, f"{_key.value}_enabled", BooleanField("enabled"))


@page(Role.ADMINISTRATOR)
async def reasons_page(request: web.Request) -> web.StreamResponse:
    form = await bind(request, PauseReasonForm)
    async with context_of(request).sessions() as session:
        reasons = await pause_reasons.list_pause_reasons(session)

    async def add(session: AsyncSession) -> None:
        await pause_reasons.add_pause_reason(session, form.code.data or "", form.name.data or "")

    return await form_page(request, form, add, done=f"Pause reason {form.code.data} added.", back_to="/pause-reasons",
                           template="pause_reasons.html", context={"reasons": reasons,
                                                                   "limit": pause_reasons.MAX_PAUSE_REASONS})


@page(Role.ADMINISTRATOR)
async def reason_delete(request: web.Request) -> web.StreamResponse:
    code = request.match_info["code"]

    async def delete(session: AsyncSession) -> None:
        await pause_reasons.delete_pause_reason(session, code)

    return await button_action(request, delete, f"Delete pause reason {code}", "/pause-reasons")


@page(Role.ADMINISTRATOR)
async def codes_page(request: web.Request) -> web.StreamResponse:
    async with context_of(request).sessions() as session:
        current = await feature_codes.load_feature_codes(session)
    data: dict[str, object] = {}
    for key, setting in current.items():
        data[key.value], data[f"{key.value}_enabled"] = setting.code, setting.enabled
    form = await bind(request, FeatureCodesForm, **data)

    async def update(session: AsyncSession) -> None:
        await feature_codes.set_feature_codes(session, {
            key: feature_codes.FeatureCodeSetting(form[key.value].data or "", form[f"{key.value}_enabled"].data)
            for key in current
        })

    keys = [(key.value, label) for key, label in FEATURE_LABELS.items() if key in current]
    return await form_page(request, form, update, done="Feature codes saved.", back_to="/feature-codes",
                           template="feature_codes.html", context={"keys": keys})


def add_routes(app: web.Application) -> None:
    app.router.add_route("*", "/pause-reasons", reasons_page)
    app.router.add_post("/pause-reasons/{code}/delete", reason_delete)
    app.router.add_route("*", "/feature-codes", codes_page)
