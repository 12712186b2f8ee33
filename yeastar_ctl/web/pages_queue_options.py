"""Queue Options: the settings shared by every queue (administrators)."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession
from wtforms import BooleanField, IntegerField, SelectField

from yeastar_ctl.db.account_models import Role
from yeastar_ctl.db.enums import DynamicAgentStatus
from yeastar_ctl.services import queue_options
from yeastar_ctl.web.auth import page
from yeastar_ctl.web.context import context_of
from yeastar_ctl.web.forms import PortalForm, bind, choices
from yeastar_ctl.web.render import form_page


class QueueOptionsForm(PortalForm):
    shared_wrapup = BooleanField("Wrap-up time applies across all queues")
    default_dynamic_status = SelectField(
        "Status of a newly added dynamic agent",
        choices=choices((s.value, s.value.replace("_", " ").capitalize()) for s in DynamicAgentStatus))
    disposition_auto_sync_enabled = BooleanField("Synchronise call dispositions automatically")
    disposition_auto_sync_hours = IntegerField("Synchronise every (hours)")


@page(Role.ADMINISTRATOR)
async def options_page(request: web.Request) -> web.StreamResponse:
    async with context_of(request).sessions.begin() as session:
        current = await queue_options.get_queue_options(session)
    form = await bind(
        request, QueueOptionsForm, shared_wrapup=current.shared_wrapup,
        default_dynamic_status=current.default_dynamic_status.value,
        disposition_auto_sync_enabled=current.disposition_auto_sync_enabled,
        disposition_auto_sync_hours=current.disposition_auto_sync_hours,
    )

    async def update(session: AsyncSession) -> None:
        await queue_options.update_queue_options(
            session, shared_wrapup=form.shared_wrapup.data, default_dynamic_status=form.default_dynamic_status.data,
            disposition_auto_sync_enabled=form.disposition_auto_sync_enabled.data,
            disposition_auto_sync_hours=form.disposition_auto_sync_hours.data,
        )

    return await form_page(request, form, update, done="Queue options saved.", back_to="/queue-options",
                           template="queue_options.html", context={})


def add_routes(app: web.Application) -> None:
    app.router.add_route("*", "/queue-options", options_page)
