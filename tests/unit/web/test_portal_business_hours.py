"""Business hours and holidays from the portal."""

from __future__ import annotations

from datetime import date, time

import pytest
from portal_support import Portal

from yeastar_ctl.acd.time_condition import HolidaySpan, OpeningPeriod
from yeastar_ctl.services import business_hours

CLOSED_WEEK = {day: "" for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")}


async def time_table(portal: Portal) -> tuple[tuple[OpeningPeriod, ...], tuple[HolidaySpan, ...]]:
    async with portal.sessions() as session:
        return await business_hours.load_time_table(session)


async def test_opening_hours_and_holidays_are_saved_and_shown_again(admin: Portal) -> None:
    response = await admin.post_form("/business-hours", {
        **CLOSED_WEEK, "monday": "09:00-12:00, 13:00-18:00", "saturday": "10:00-14:00",
        "holidays": "Christmas, 2026-12-24, 2026-12-26, custom/xmas\nNew Year, 2027-01-01, 2027-01-01"})
    assert response.status == 302
    periods, holidays = await time_table(admin)
    assert periods == (OpeningPeriod(0, time(9), time(12)), OpeningPeriod(0, time(13), time(18)),
                       OpeningPeriod(5, time(10), time(14)))
    assert holidays == (HolidaySpan("Christmas", date(2026, 12, 24), date(2026, 12, 26), "custom/xmas"),
                        HolidaySpan("New Year", date(2027, 1, 1), date(2027, 1, 1)))
    page = await (await admin.client.get("/business-hours")).text()
    assert 'value="09:00-12:00, 13:00-18:00"' in page and "Christmas, 2026-12-24, 2026-12-26, custom/xmas" in page


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"tuesday": "9-5"}, "tuesday", "write periods as"),
    ({"tuesday": "25:00-26:00"}, "tuesday", "must be HH:MM"),
    ({"tuesday": "nine to five"}, "tuesday", "write periods as"),
    ({"friday": "09:00-10:00, 18:00-17:00"}, "friday", "must end after it starts"),
    ({"holidays": "Christmas, 2026-12-26, 2026-12-24"}, "holidays", "on or after its first day"),
    ({"holidays": "Christmas"}, "holidays", "write name, first day"),
    ({"holidays": "Christmas, tomorrow, 2026-12-24"}, "holidays", "YYYY-MM-DD"),
])
async def test_wrong_hours_show_the_boxs_error_and_save_nothing(
    admin: Portal, changes: dict[str, str], field: str, message: str,
) -> None:
    await admin.refused("/business-hours", {**CLOSED_WEEK, "monday": "09:00-17:00", "holidays": "", **changes},
                        field, message)
    assert await time_table(admin) == ((), ())


async def test_only_administrators_edit_business_hours(portal: Portal) -> None:
    await portal.setup_queues()
    await portal.user("manager", "queue_manager", "1003")
    await portal.login("manager")
    assert (await portal.client.get("/business-hours", allow_redirects=False)).status == 403
