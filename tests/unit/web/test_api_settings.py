"""The JSON API for pause reasons, feature codes and queue options."""

from __future__ import annotations

from typing import Any

import pytest
from portal_support import Portal
from test_api import call


@pytest.fixture
async def token(portal: Portal) -> dict[str, str]:
    return await portal.token("api-admin", "administrator")


DEFAULT_REASONS = [{"code": "*01", "name": "Lunch"}, {"code": "*02", "name": "Break"}, {"code": "*03", "name": "Wrap up"}]


async def test_pause_reasons_are_read_and_replaced_as_a_list(portal: Portal, token: dict[str, str]) -> None:
    assert await call(portal, "GET", "/api/v1/pause-reasons", token) == (200, DEFAULT_REASONS)
    wanted = [{"code": "*05", "name": "Training"}, {"code": "*01", "name": "Lunch"}]
    assert await call(portal, "PUT", "/api/v1/pause-reasons", token, wanted) == (200, wanted)
    assert await call(portal, "GET", "/api/v1/pause-reasons", token) == (200, wanted)


@pytest.mark.parametrize(("body", "field"), [
    ({"code": "*05"}, "reasons"),
    ([{"code": "05", "name": "Training"}], "reasons[0].code"),
    ([{"code": "*01", "name": "A"}, {"code": "*01", "name": "B"}], "reasons[1].code"),
    ([{"code": f"*{n:02d}", "name": f"R{n}"} for n in range(21)], "reasons"),
])
async def test_a_wrong_pause_reason_list_is_refused(portal: Portal, token: dict[str, str], body: Any, field: str) -> None:
    status, error = await call(portal, "PUT", "/api/v1/pause-reasons", token, body)
    assert (status, error["field"]) == (400, field)
    assert await call(portal, "GET", "/api/v1/pause-reasons", token) == (200, DEFAULT_REASONS)


async def test_feature_codes_change_together_and_ambiguity_is_refused(portal: Portal, token: dict[str, str]) -> None:
    status, codes = await call(portal, "GET", "/api/v1/feature-codes", token)
    assert status == 200 and codes["login_all"] == {"code": "*77", "enabled": True}
    status, codes = await call(portal, "PATCH", "/api/v1/feature-codes", token, {
        "login_all": {"code": "*78"}, "login_last": {"code": "*77", "enabled": False}})
    assert status == 200, codes
    assert (codes["login_all"], codes["login_last"]) == ({"code": "*78", "enabled": True}, {"code": "*77", "enabled": False})
    status, error = await call(portal, "PATCH", "/api/v1/feature-codes", token, {"login_all": {"code": "*7"}})
    assert (status, error["field"]) == (400, "code")
    status, error = await call(portal, "PATCH", "/api/v1/feature-codes", token, {"dial_tone": {"code": "*9"}})
    assert (status, error["field"]) == (400, "dial_tone")
    status, error = await call(portal, "PATCH", "/api/v1/feature-codes", token, {"login_all": "*9"})
    assert (status, error["field"]) == (400, "login_all")
    assert (await call(portal, "GET", "/api/v1/feature-codes", token))[1]["login_all"]["code"] == "*78"


async def test_queue_options_change_and_bad_values_are_refused(portal: Portal, token: dict[str, str]) -> None:
    status, options = await call(portal, "PATCH", "/api/v1/queue-options", token,
                                 {"shared_wrapup": True, "default_dynamic_status": "logged_in"})
    assert status == 200
    assert (options["shared_wrapup"], options["default_dynamic_status"]) == (True, "logged_in")
    for body, field in (({"disposition_auto_sync_hours": 0}, "disposition_auto_sync_hours"),
                        ({"shared_wrapup": "yes"}, "shared_wrapup"), ({"colour": 1}, "colour")):
        status, error = await call(portal, "PATCH", "/api/v1/queue-options", token, body)
        assert (status, error["field"]) == (400, field)
    assert await call(portal, "GET", "/api/v1/queue-options", token) == (200, options)
