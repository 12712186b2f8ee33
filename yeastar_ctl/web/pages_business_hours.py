"""Business Hours & Holidays (administrators): the time condition queues can follow.

Each weekday is one text box of periods ("09:00-12:00, 13:00-18:00"; empty: closed), holidays
one line each ("Christmas, 2026-12-24, 2026-12-26[, prompt]"). The service checks the values;
its problems name list positions, which are mapped back to the box they came from.
"""

from __future__ import annotations

import calendar
import re
from typing import Any, Final

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession
from wtforms import StringField, TextAreaField

from yeastar_ctl.db.account_models import Role
from yeastar_ctl.services import business_hours
from yeastar_ctl.services.errors import Problem, ValidationError
from yeastar_ctl.web.auth import page
from yeastar_ctl.web.context import context_of
from yeastar_ctl.web.forms import PortalForm, bind
from yeastar_ctl.web.render import form_page

DAYS: Final = tuple(name.lower() for name in calendar.day_name)  # monday .. sunday
# Checked here as well as in the service: its HH:MM check lets a short value such as "9" through.
PERIOD: Final = re.compile(r"^\s*([0-9]{2}:[0-9]{2})\s*-\s*([0-9]{2}:[0-9]{2})\s*$")


class BusinessHoursForm(PortalForm):
    holidays = TextAreaField("Holidays, one a line: name, first day, last day[, prompt]")


for _day in DAYS:
    setattr(BusinessHoursForm, _day, StringField(_day.capitalize()))


def _periods(form: BusinessHoursForm) -> tuple[list[tuple[int, str, str]], list[str]]:
    """The periods to save and, per period, the weekday box it came from."""
    periods, origin = [], []
    for weekday, day in enumerate(DAYS):
        for item in filter(None, (part.strip() for part in (form[day].data or "").split(","))):
            match = PERIOD.fullmatch(item)
            if match is None:
                raise ValidationError(day, f"write periods as 09:00-18:00, got {item!r}")
            periods.append((weekday, match[1], match[2]))
            origin.append(day)
    return periods, origin


def _holidays(form: BusinessHoursForm) -> list[tuple[str, str, str, str | None]]:
    rows: list[tuple[str, str, str, str | None]] = []
    for line in filter(None, (line.strip() for line in (form.holidays.data or "").splitlines())):
        parts = [part.strip() for part in line.split(",")]
        if len(parts) not in (3, 4):
            raise ValidationError("holidays", f"write name, first day, last day[, prompt], got {line!r}")
        rows.append((parts[0], parts[1], parts[2], parts[3] if len(parts) == 4 else None))
    return rows


def _retarget(error: ValidationError, origin: list[str]) -> ValidationError:
    """Problems about "periods[3]..." belong to the weekday box period 3 came from."""
    def box(problem: Problem) -> Problem:
        match = re.match(r"periods\[(\d+)\]", problem.field)
        return Problem(origin[int(match[1])], problem.message) if match else Problem("holidays", problem.message)

    problems = [box(p) for p in error.problems]
    return ValidationError(problems[0].field, problems[0].message, problems=problems)


@page(Role.ADMINISTRATOR)
async def hours_page(request: web.Request) -> web.StreamResponse:
    async with context_of(request).sessions() as session:
        periods, holidays = await business_hours.load_time_table(session)
    data: dict[str, Any] = {
        day: ", ".join(f"{p.start:%H:%M}-{p.end:%H:%M}" for p in periods if p.weekday == weekday)
        for weekday, day in enumerate(DAYS)
    }
    data["holidays"] = "\n".join(
        ", ".join(filter(None, (h.name, h.first_day.isoformat(), h.last_day.isoformat(), h.prompt)))
        for h in holidays)
    form = await bind(request, BusinessHoursForm, **data)

    async def save(session: AsyncSession) -> None:
        wanted, origin = _periods(form)
        try:
            await business_hours.set_business_hours(session, wanted)
            await business_hours.set_holidays(session, _holidays(form))
        except ValidationError as exc:
            raise _retarget(exc, origin) from None

    return await form_page(request, form, save, done="Business hours and holidays saved.",
                           back_to="/business-hours", template="business_hours.html", context={"days": DAYS})


def add_routes(app: web.Application) -> None:
    app.router.add_route("*", "/business-hours", hours_page)
