"""Queues: list, add (the number is fixed once created), edit by tab, delete (administrators)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict, replace
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession
from wtforms import (
    BooleanField,
    Field,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from yeastar_ctl.db.account_models import Role
from yeastar_ctl.db.enums import MemberKind
from yeastar_ctl.db.queue_settings import DEFAULT_QUEUE_SETTINGS, QueueSettings
from yeastar_ctl.services import queues as queue_service
from yeastar_ctl.services.errors import NotFoundError, ValidationError
from yeastar_ctl.web import queue_edits
from yeastar_ctl.web.auth import page
from yeastar_ctl.web.context import context_of
from yeastar_ctl.web.forms import (
    PortalForm,
    bind,
    button_action,
    choices,
    optional,
)
from yeastar_ctl.web.queue_fields import (
    MANAGER_SWITCHES,
    QUEUE_SETTING_FIELDS,
    TABS,
    SettingField,
    fields_of,
)
from yeastar_ctl.web.render import add_admin_crud_routes, form_page, render

# Service problems about members name the list ("static[1]") or the lookup ("members").
MEMBER_ALIASES = {"static": "static_agents", "dynamic": "dynamic_agents", "members": "static_agents"}
# Empty manager rows under the filled ones: a new manager is added with its switches in one save.
BLANK_MANAGER_ROWS = 2


def _wtf_field(spec: SettingField) -> Field:
    if spec.kind == "flag":
        return BooleanField(spec.label)
    if spec.kind == "int":
        return IntegerField(spec.label)
    if spec.kind == "optional_int":
        return IntegerField(spec.label, validators=[Optional()])
    if spec.kind in ("choice", "choices"):
        assert spec.choices is not None
        options = choices((m.value, m.value.replace("_", " ")) for m in spec.choices)
        if spec.kind == "choice":
            return SelectField(spec.label, choices=options)
        return SelectMultipleField(spec.label, choices=options, widget=ListWidget(prefix_label=False),
                                   option_widget=CheckboxInput())
    return StringField(spec.label)


class ManagerRow(Form):
    """One queue manager (an extension) with their notification switches; an empty row is none."""

    extension = StringField("Manager (extension)")


for _name, _label in MANAGER_SWITCHES:
    setattr(ManagerRow, _name, BooleanField(_label))


class QueueForm(PortalForm):
    name = StringField("Name")
    static_agents = StringField("Static agents (e.g. 1001, 1002:2 for skill level 2)")
    dynamic_agents = StringField("Dynamic agents")
    managers = FieldList(FormField(ManagerRow), label="Managers and their notification emails")


for _spec in QUEUE_SETTING_FIELDS:
    setattr(QueueForm, _spec.name, _wtf_field(_spec))


class NewQueueForm(QueueForm):
    number = StringField("Number")


def _setting_value(spec: SettingField, data: Any) -> Any:
    if spec.kind == "text":
        return optional(data)
    if spec.kind == "choices":
        return tuple(data or ())
    if spec.kind == "key_points":
        return queue_edits.parse_key_points(spec.name, data or "")
    return data


def _settings_of(form: QueueForm, base: QueueSettings) -> QueueSettings:
    return replace(base, **{spec.name: _setting_value(spec, form[spec.name].data) for spec in QUEUE_SETTING_FIELDS})


def _managers_of(form: QueueForm) -> tuple[queue_edits.ManagerEdit, ...]:
    rows = (row.form for row in form.managers)
    return tuple(
        queue_edits.ManagerEdit(extension, tuple((name, bool(row[name].data)) for name, _ in MANAGER_SWITCHES))
        for row in rows if (extension := (row.extension.data or "").strip())
    )


def _edit_of(form: QueueForm, base: QueueSettings) -> queue_edits.QueueEdit:
    return queue_edits.QueueEdit(
        name=form.name.data or "", settings=_settings_of(form, base),
        static=queue_edits.parse_members("static", form.static_agents.data or ""),
        dynamic=queue_edits.parse_members("dynamic", form.dynamic_agents.data or ""),
        managers=_managers_of(form),
    )


def _form_value(spec: SettingField, value: Any) -> Any:
    if spec.kind == "choices":
        return [str(member) for member in value]
    if spec.kind == "key_points":
        return queue_edits.key_points_text(value)
    return value


def _form_data(settings: QueueSettings) -> dict[str, Any]:
    return {spec.name: _form_value(spec, getattr(settings, spec.name)) for spec in QUEUE_SETTING_FIELDS}


async def _bind_queue_form(request: web.Request, form_cls: type[QueueForm], **data: Any) -> QueueForm:
    form = await bind(request, form_cls, **data)
    if request.method != "POST":
        for _ in range(BLANK_MANAGER_ROWS):
            form.managers.append_entry()
    return form


@page(Role.ADMINISTRATOR)
async def queue_list(request: web.Request) -> web.StreamResponse:
    async with context_of(request).sessions() as session:
        rows = await queue_service.list_queues(session)
    return await render("queues.html", request, {"queues": rows})


@page(Role.ADMINISTRATOR)
async def queue_add(request: web.Request) -> web.StreamResponse:
    form = await _bind_queue_form(request, NewQueueForm, **_form_data(DEFAULT_QUEUE_SETTINGS))

    async def create(session: AsyncSession) -> None:
        await queue_edits.create_queue(session, form.number.data or "", _edit_of(form, DEFAULT_QUEUE_SETTINGS))

    return await _form_page(request, form, create, f"Queue {form.number.data} added.", None)


@page(Role.ADMINISTRATOR)
async def queue_edit(request: web.Request) -> web.StreamResponse:
    number = request.match_info["number"]
    async with context_of(request).sessions() as session:
        try:
            queue = await queue_service.get_queue(session, number)
            members = await queue_service.list_members(session, number)
            managers = await queue_service.list_managers(session, number)
        except NotFoundError as exc:
            raise web.HTTPNotFound(text=str(exc)) from None
    current = queue.settings

    def of_kind(kind: MemberKind) -> str:
        return queue_edits.members_text([(m.extension, m.skill_level) for m in members if m.kind == kind])

    form = await _bind_queue_form(
        request, QueueForm, name=queue.name, **_form_data(current),
        static_agents=of_kind(MemberKind.STATIC), dynamic_agents=of_kind(MemberKind.DYNAMIC),
        managers=[asdict(m) for m in managers],
    )

    async def update(session: AsyncSession) -> None:
        await queue_edits.update_queue(session, number, _edit_of(form, current))

    return await _form_page(request, form, update, f"Queue {number} saved.", number)


async def _form_page(request: web.Request, form: QueueForm, change: Callable[[AsyncSession], Awaitable[None]],
                     done: str, number: str | None) -> web.Response:
    tabs = [(tab, fields_of(tab)) for tab in TABS]
    return await form_page(request, form, change, done=done, back_to="/queues", template="queue_form.html",
                           context={"number": number, "tabs": tabs, "manager_switches": MANAGER_SWITCHES}, aliases=MEMBER_ALIASES)


@page(Role.ADMINISTRATOR)
async def queue_bulk_delete(request: web.Request) -> web.StreamResponse:
    """Delete the ticked queues together: all of them, or none when one is refused."""
    numbers = (await request.post()).getall("numbers", [])

    async def delete(session: AsyncSession) -> None:
        if not numbers:
            raise ValidationError("numbers", "no queue was selected")
        for number in numbers:
            await queue_service.delete_queue(session, str(number))

    return await button_action(request, delete, f"Delete queues {', '.join(map(str, numbers))}", "/queues")


def add_routes(app: web.Application) -> None:
    app.router.add_post("/queues/delete", queue_bulk_delete)
    add_admin_crud_routes(app, "/queues", "queue", listing=queue_list, add=queue_add, edit=queue_edit,
                          delete=queue_service.delete_queue)
