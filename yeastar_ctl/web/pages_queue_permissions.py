"""A queue's Queue Panel Permissions tab (administrators): the Manager and the Agents checkboxes
of the seed's Call Center Console permissions table, and which agents see the queue's call logs
(Member: All or the specified agents; View Range: All, Incoming call, Missed call)."""

from __future__ import annotations

import re
from typing import Any, Final

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession
from wtforms import BooleanField, SelectField, StringField

from yeastar_ctl.db.account_models import Role
from yeastar_ctl.db.call_log_models import CallLogMembers, CallLogViewRange, PanelPermissions
from yeastar_ctl.services import panel_permissions
from yeastar_ctl.services import queues as queue_service
from yeastar_ctl.services.errors import NotFoundError
from yeastar_ctl.services.panel_permissions import AGENT_FLAGS, MANAGER_FLAGS
from yeastar_ctl.web.auth import page
from yeastar_ctl.web.context import context_of
from yeastar_ctl.web.forms import PortalForm, bind, choices
from yeastar_ctl.web.render import form_page

# The seed's wording, by permission (the part of the column name after manager_/agent_).
LABELS: Final = {
    "access_wallboard": "Access Wallboard",
    "access_queue_panel": "Access Queue Panel",
    "switch_agent_status": "Switch agents' status",
    "call_distribution": "Call distribution management (Redirect, Transfer, Drag and Drop operation)",
    "pickup_hangup": "Allow for picking up or hanging up agents' calls",
    "call_monitoring": "Call monitoring operations (Listen, Whisper, Barge In)",
    "call_parking": "Call parking operation",
    "switch_recording": "Switch agent's recording status",
    "contacts_matching": "Show Company Contacts Matching Results",
    "missed_call_logs": "Queue Missed Call Logs",
    "delete_missed_call_logs": "Delete Queue Missed Call Logs",
    "queue_call_logs": "Queue Call Logs (including calls answered by agents and missed calls within the queue)",
}


class PermissionsForm(PortalForm):
    agent_call_log_members = SelectField("Member", choices=choices(
        [(CallLogMembers.ALL.value, "All"), (CallLogMembers.SPECIFIED.value, "Specified Agent")]))
    agent_call_log_agents = StringField("Specified agents (extensions, e.g. 1001, 1002)")
    agent_call_log_view_range = SelectField("View Range", choices=choices(
        [(CallLogViewRange.ALL.value, "All"), (CallLogViewRange.INCOMING.value, "Incoming call (answered by the agent)"),
         (CallLogViewRange.MISSED.value, "Missed call (with the processing status)")]))


for _name in (*MANAGER_FLAGS, *AGENT_FLAGS):
    setattr(PermissionsForm, _name, BooleanField(LABELS[_name.split("_", 1)[1]]))


def _form_data(current: PanelPermissions) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(current, name) for name in (*MANAGER_FLAGS, *AGENT_FLAGS)}
    data.update(agent_call_log_members=current.agent_call_log_members.value,
                agent_call_log_agents=", ".join(current.agent_call_log_agents),
                agent_call_log_view_range=current.agent_call_log_view_range.value)
    return data


def _wanted(form: PermissionsForm) -> PanelPermissions:
    flags = {name: bool(form[name].data) for name in (*MANAGER_FLAGS, *AGENT_FLAGS)}
    agents = tuple(word for word in re.split(r"[\s,]+", form.agent_call_log_agents.data or "") if word)
    # The select fields only let their own choices through, so the values are members.
    return PanelPermissions(**flags, agent_call_log_members=CallLogMembers(form.agent_call_log_members.data),
                            agent_call_log_agents=agents,
                            agent_call_log_view_range=CallLogViewRange(form.agent_call_log_view_range.data))


@page(Role.ADMINISTRATOR)
async def permissions_page(request: web.Request) -> web.StreamResponse:
    number = request.match_info["number"]
    async with context_of(request).sessions() as session:
        try:
            queue = await queue_service.get_queue(session, number)
            current = await panel_permissions.permissions_of(session, queue)
        except NotFoundError as exc:
            raise web.HTTPNotFound(text=str(exc)) from None
        name = queue.name
    form = await bind(request, PermissionsForm, **_form_data(current))

    async def save(session: AsyncSession) -> None:
        await panel_permissions.set_panel_permissions(session, number, _wanted(form))

    return await form_page(
        request, form, save, done=f"Queue {number}: panel permissions saved.", back_to=f"/queues/{number}/edit",
        template="queue_permissions.html",
        context={"number": number, "name": name, "manager_flags": MANAGER_FLAGS, "agent_flags": AGENT_FLAGS})


def add_routes(app: web.Application) -> None:
    app.router.add_route("*", "/queues/{number}/permissions", permissions_page)
