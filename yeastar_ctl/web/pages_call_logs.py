"""Queue Call Logs (every role): a queue's logs with filters, the processing status of missed and
abandoned calls, call notes, and deleting logs, each as the account's permissions allow.

The list offers only the queues the account may see; asking for another one by hand is a 403
with the reason. Buttons that are refused come back to the list with the reason as a message.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Final

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession
from wtforms import Form, SelectField, StringField, TextAreaField

from yeastar_ctl.db.call_log_models import ProcessingStatus
from yeastar_ctl.db.enums import CallStatus
from yeastar_ctl.reports.formatting import hms, local_time
from yeastar_ctl.services import call_logs
from yeastar_ctl.services.call_log_rules import PROCESSING_LABELS
from yeastar_ctl.services.call_logs import CallLogAccessError, CallLogFilter
from yeastar_ctl.services.errors import NotFoundError, ServiceError, ValidationError
from yeastar_ctl.web.auth import current_account, page
from yeastar_ctl.web.context import context_of
from yeastar_ctl.web.forms import PortalForm, bind, button_action, choices, flash, save
from yeastar_ctl.web.render import render

LIST_PATH: Final = "/call-logs"
PAGE_SIZE: Final = 100
STATUS_LABELS: Final = {CallStatus.ANSWERED: "Incoming call", CallStatus.MISSED: "Missed call",
                        CallStatus.ABANDONED: "Abandoned call"}
LABEL_OF_VALUE: Final = {s.value: label for s, label in PROCESSING_LABELS.items()}
PROCESSING_CHOICES: Final = choices((s.value, PROCESSING_LABELS[s]) for s in ProcessingStatus)


class CallLogFilterForm(Form):
    # A GET form that changes nothing (no CSRF token, a shareable URL). The queue is not checked
    # against the choices here: the service says why a queue is refused.
    queue = SelectField("Queue", choices=[], validate_choice=False)
    status = SelectField("Status", default="", choices=choices(
        [("", "All"), *((s.value, label) for s, label in STATUS_LABELS.items())]))
    processing = SelectField("Processing result", default="", choices=choices(
        [("", "All"), *((s.value, PROCESSING_LABELS[s]) for s in ProcessingStatus)]))


class NoteForm(PortalForm):
    disposition = StringField("Call disposition")
    remark = TextAreaField("Remark")


def _back(target: object) -> str:
    # Only the list's own URL: a crafted value must not send the browser elsewhere.
    if isinstance(target, str) and target.startswith(LIST_PATH) and not target.startswith("//"):
        return target
    return LIST_PATH


def _view(request: web.Request) -> dict[str, Any]:
    zone = context_of(request).zone
    return {"time": lambda at: local_time(at, zone), "hms": hms, "status_labels": STATUS_LABELS,
            "processing_labels": PROCESSING_LABELS, "processing_choices": PROCESSING_CHOICES}


async def _refused(request: web.Request, error: ServiceError) -> web.Response:
    status = 403 if isinstance(error, CallLogAccessError) else 404 if isinstance(error, NotFoundError) else 400
    message = f"{error.field}: {error.message}" if isinstance(error, ValidationError) else str(error)
    response = await render("call_logs_refused.html", request, {"message": message})
    response.set_status(status)
    return response


@page()
async def call_logs_page(request: web.Request) -> web.StreamResponse:
    account = current_account(request)
    ctx = context_of(request)
    async with ctx.sessions() as session:
        queues = await call_logs.visible_queues(session, account)
        form = CallLogFilterForm(request.query)
        form.queue.choices = choices((q.number, f"{q.number} {q.name}") for q in queues)
        if not queues:
            return await render("call_logs.html", request, {"form": form, "logs": None, **_view(request)})
        queue = form.queue.data or queues[0].number
        form.queue.data = queue
        try:
            offset = _offset(request.query.get("offset", "0"))
            logs = await call_logs.list_call_logs(session, account, queue, CallLogFilter(
                status=form.status.data or None, processing=form.processing.data or None, limit=PAGE_SIZE,
                offset=offset))
        except ServiceError as exc:
            return await _refused(request, exc)
    pages = {"newer": _page_link(request, offset - PAGE_SIZE) if offset > 0 else None,
             "older": _page_link(request, offset + PAGE_SIZE) if len(logs) == PAGE_SIZE else None}
    return await render("call_logs.html", request, {
        "form": form, "logs": logs, "queue": queue, "back": request.path_qs, "pages": pages, **_view(request)})


def _offset(text: str) -> int:
    if not text.isdigit():
        raise ValidationError("offset", f"must be a whole number, got {text!r}")
    return int(text)


def _page_link(request: web.Request, offset: int) -> str:
    return str(request.rel_url.update_query(offset=max(offset, 0)))


async def _button(request: web.Request, change: Callable[[AsyncSession], Awaitable[Any]], what: str,
                  back_to: str) -> web.StreamResponse:
    """``button_action`` that also reports a permission refusal as a message."""
    try:
        return await button_action(request, change, what, back_to)
    except CallLogAccessError as exc:
        await flash(request, f"{what}: refused: {exc}")
        raise web.HTTPFound(back_to) from None


@page()
async def set_processing(request: web.Request) -> web.StreamResponse:
    call_id = request.match_info["id"]
    posted = await request.post()
    status = str(posted.get("processing", ""))
    synced: list[str] = []

    async def change(session: AsyncSession) -> None:
        result = await call_logs.set_processing(session, current_account(request), call_id, status,
                                                at=context_of(request).clock())
        synced.extend(result.synced)

    label = LABEL_OF_VALUE.get(status, status)
    try:
        return await _button(request, change, f"Call {call_id}: {label}", _back(posted.get("back")))
    finally:
        if synced:  # set only when the change was saved
            await flash(request, f"Auto Sync: {len(synced)} more call(s) from the same number set to {label} too.")


@page()
async def delete_one(request: web.Request) -> web.StreamResponse:
    call_id = request.match_info["id"]

    async def change(session: AsyncSession) -> None:
        await call_logs.delete_call_log(session, current_account(request), call_id, at=context_of(request).clock())

    return await _button(request, change, f"Delete call log {call_id}", _back((await request.post()).get("back")))


@page()
async def delete_ticked(request: web.Request) -> web.StreamResponse:
    """Delete the ticked logs together: all of them, or none when one is refused."""
    posted = await request.post()
    ids = [str(i) for i in posted.getall("ids", [])]

    async def change(session: AsyncSession) -> None:
        if not ids:
            raise ValidationError("ids", "no call log was selected")
        await call_logs.delete_call_logs(session, current_account(request), ids, at=context_of(request).clock())

    return await _button(request, change, f"Delete {len(ids)} call log(s)", _back(posted.get("back")))


@page()
async def call_log_page(request: web.Request) -> web.StreamResponse:
    """One log: its details, the operation record of its processing status, its notes, and a
    form for a new note."""
    account, call_id = current_account(request), request.match_info["id"]
    form = await bind(request, NoteForm)

    async def add(session: AsyncSession) -> None:
        await call_logs.add_note(session, account, call_id, disposition=form.disposition.data,
                                 remark=form.remark.data, at=context_of(request).clock())

    try:
        if await save(request, form, add):
            await flash(request, f"Call {call_id}: note saved.")
            raise web.HTTPFound(request.path)
        async with context_of(request).sessions() as session:
            log = await call_logs.get_call_log(session, account, call_id)
            history = await call_logs.processing_history(session, account, call_id)
    except (CallLogAccessError, NotFoundError) as exc:
        return await _refused(request, exc)
    response = await render("call_logs_detail.html", request, {
        "log": log, "history": history, "form": form, "back": LIST_PATH + f"?queue={log.queue_number}",
        **_view(request)})
    if request.method == "POST":
        response.set_status(400)
    return response


def add_routes(app: web.Application) -> None:
    app.router.add_get(LIST_PATH, call_logs_page)
    app.router.add_post(LIST_PATH + "/delete", delete_ticked)
    app.router.add_route("*", LIST_PATH + "/{id}", call_log_page)
    app.router.add_post(LIST_PATH + "/{id}/processing", set_processing)
    app.router.add_post(LIST_PATH + "/{id}/delete", delete_one)
