"""Pause reasons and feature codes from the portal."""

from __future__ import annotations

import pytest
from portal_support import Portal, error_next_to

from yeastar_ctl.services import feature_codes, pause_reasons


async def reasons(portal: Portal) -> list[tuple[str, str]]:
    async with portal.sessions() as session:
        return [(r.code, r.name) for r in await pause_reasons.list_pause_reasons(session)]


DEFAULTS = [("*01", "Lunch"), ("*02", "Break"), ("*03", "Wrap up")]


async def test_adding_and_deleting_a_pause_reason(admin: Portal) -> None:
    response = await admin.post_form("/pause-reasons", {"code": "*04", "name": "Training"})
    assert response.status == 302
    assert await reasons(admin) == [*DEFAULTS, ("*04", "Training")]
    response = await admin.post_form("/pause-reasons/%2A02/delete", {}, from_page="/pause-reasons")
    assert response.status == 302
    assert await reasons(admin) == [("*01", "Lunch"), ("*03", "Wrap up"), ("*04", "Training")]


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"code": "04", "name": "Training"}, "code", "like *01"),
    ({"code": "*01", "name": "Training"}, "code", "used by another"),
    ({"code": "*04", "name": "lunch"}, "name", "used by another"),
    ({"code": "*04", "name": ""}, "name", "must not be empty"),
])
async def test_a_wrong_pause_reason_shows_the_fields_error_and_saves_nothing(
    admin: Portal, data: dict[str, str], field: str, message: str,
) -> None:
    await admin.refused("/pause-reasons", data, field, message)
    assert await reasons(admin) == DEFAULTS


async def test_no_more_than_twenty_pause_reasons(admin: Portal) -> None:
    async with admin.sessions.begin() as session:
        await pause_reasons.replace_pause_reasons(session, [(f"*{n:02d}", f"Reason {n}") for n in range(1, 21)])
    response = await admin.post_form("/pause-reasons", {"code": "*21", "name": "One too many"})
    assert response.status == 400
    assert "at most 20 pause reasons" in await response.text()
    assert len(await reasons(admin)) == 20


def feature_form(**changes: str) -> dict[str, str]:
    data = {key.value: code for key, code in feature_codes.DEFAULT_FEATURE_CODES.items()}
    data.update({f"{key.value}_enabled": "y" for key in feature_codes.DEFAULT_FEATURE_CODES})
    data.update(changes)
    return {k: v for k, v in data.items() if v != "off"}


async def codes(portal: Portal) -> dict[str, tuple[str, bool]]:
    async with portal.sessions() as session:
        return {k.value: (s.code, s.enabled) for k, s in (await feature_codes.load_feature_codes(session)).items()}


async def test_feature_codes_change_and_can_be_disabled(admin: Portal) -> None:
    response = await admin.post_form("/feature-codes", feature_form(login_all="*770", login_last_enabled="off"))
    assert response.status == 302, await response.text()
    saved = await codes(admin)
    assert saved["login_all"] == ("*770", True) and saved["login_last"] == ("*78", False)


@pytest.mark.parametrize(("changes", "where", "message"), [
    ({"login_all": "77"}, "login_all", "followed by 1-6 digits"),
    ({"login_all": "*7"}, None, "*7"),
])
async def test_wrong_feature_codes_are_refused_and_nothing_changes(
    admin: Portal, changes: dict[str, str], where: str | None, message: str,
) -> None:
    before = await codes(admin)
    response = await admin.post_form("/feature-codes", feature_form(**changes))
    assert response.status == 400
    page = await response.text()
    assert error_next_to(page, where, message) if where else message in page.split('role="alert"')[1]
    assert await codes(admin) == before
