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


async def test_business_hours_and_holidays_are_read_and_replaced(portal: Portal, token: dict[str, str]) -> None:
    assert await call(portal, "GET", "/api/v1/business-hours", token) == (200, {"periods": [], "holidays": []})
    wanted = {"periods": [{"weekday": 0, "start": "09:00", "end": "12:00"}, {"weekday": 0, "start": "13:00", "end": "18:00"}],
              "holidays": [{"name": "Christmas", "first_day": "2026-12-24", "last_day": "2026-12-26", "prompt": None}]}
    assert await call(portal, "PUT", "/api/v1/business-hours", token, wanted) == (200, wanted)
    # Only the lists given are replaced.
    status, hours = await call(portal, "PUT", "/api/v1/business-hours", token, {"holidays": []})
    assert status == 200 and hours == {"periods": wanted["periods"], "holidays": []}


@pytest.mark.parametrize(("body", "field"), [
    ({"periods": {"weekday": 0}}, "periods"),
    ({"periods": [["0", "09:00", "18:00"]]}, "periods[0]"),
    ({"periods": [{"weekday": 0, "start": "09:00"}]}, "periods[0].end"),
    ({"periods": [{"weekday": "monday", "start": "09:00", "end": "18:00"}]}, "periods[0].weekday"),
    ({"periods": [{"weekday": 7, "start": "09:00", "end": "18:00"}]}, "periods[0].weekday"),
    ({"periods": [{"weekday": 0, "start": "9", "end": "18:00"}]}, "periods[0].start"),
    ({"periods": [{"weekday": 0, "start": "18:00", "end": "09:00"}]}, "periods[0]"),
    ({"holidays": [{"name": "X", "first_day": "2026-12-26", "last_day": "2026-12-24", "prompt": None}]}, "holidays[0]"),
    ({"holidays": [{"name": " ", "first_day": "2026-12-24", "last_day": "2026-12-24", "prompt": None}]},
     "holidays[0].name"),
    ({"holidays": [{"name": "X", "first_day": 20261224, "last_day": "2026-12-24", "prompt": None}]},
     "holidays[0].first_day"),
    ({"hours": []}, "hours"),
])
async def test_wrong_business_hours_are_refused_and_nothing_changes(
    portal: Portal, token: dict[str, str], body: Any, field: str,
) -> None:
    kept = {"periods": [{"weekday": 1, "start": "08:00", "end": "17:00"}], "holidays": []}
    await call(portal, "PUT", "/api/v1/business-hours", token, kept)
    status, error = await call(portal, "PUT", "/api/v1/business-hours", token, body)
    assert (status, error["field"]) == (400, field), error
    assert await call(portal, "GET", "/api/v1/business-hours", token) == (200, kept)


async def test_presence_rules_are_read_and_changed_per_presence(portal: Portal, token: dict[str, str]) -> None:
    await portal.setup_queues()
    status, rules = await call(portal, "GET", "/api/v1/extensions/1001/presence-rules", token)
    assert status == 200 and rules["away"] == {"action": "do_nothing", "reason_code": None} and len(rules) == 6
    status, rules = await call(portal, "PATCH", "/api/v1/extensions/1001/presence-rules", token, {
        "available": {"action": "log_in"}, "lunch_break": {"action": "pause", "reason_code": "*01"}})
    assert status == 200, rules
    assert (rules["available"], rules["lunch_break"], rules["away"]["action"]) == (
        {"action": "log_in", "reason_code": None}, {"action": "pause", "reason_code": "*01"}, "do_nothing")
    for body, field in (({"away": {"action": "log_out", "reason_code": "*01"}}, "away.reason_code"),
                        ({"away": {"action": "pause", "reason_code": "*99"}}, "away.reason_code"),
                        ({"away": {"action": "dance"}}, "away.action"),
                        ({"away": "pause"}, "away"), ({"asleep": {"action": "pause"}}, "asleep")):
        status, error = await call(portal, "PATCH", "/api/v1/extensions/1001/presence-rules", token,
                                   {"available": {"action": "log_out"}, **body})
        assert (status, error["field"]) == (400, field), error
    assert (await call(portal, "GET", "/api/v1/extensions/1001/presence-rules", token))[1] == rules
    assert (await call(portal, "GET", "/api/v1/extensions/1999/presence-rules", token))[0] == 404


async def test_presence_changes_apply_the_rule_for_an_extension_or_ones_own(portal: Portal, token: dict[str, str]) -> None:
    from yeastar_ctl.services import queues as queue_service

    await portal.setup_queues()
    async with portal.sessions.begin() as session:
        await queue_service.set_members(session, "6400", dynamic=[("1001", 1)])
    await call(portal, "PATCH", "/api/v1/extensions/1001/presence-rules", token,
               {"available": {"action": "log_in"}, "lunch_break": {"action": "pause", "reason_code": "*01"}})
    assert await call(portal, "PUT", "/api/v1/extensions/1001/presence", token, {"presence": "available"}) == (
        200, {"presence": "available", "changes": [{"queue": "6400", "kind": "login", "reason": None}]})
    agent = await portal.token("agent", "agent", "1001")
    assert await call(portal, "PUT", "/api/v1/me/presence", agent, {"presence": "lunch_break"}) == (
        200, {"presence": "lunch_break", "changes": [{"queue": "6400", "kind": "pause", "reason": "*01"}]})
    assert (await call(portal, "GET", "/api/v1/extensions/1001", token))[1]["presence"] == "lunch_break"
    status, error = await call(portal, "PUT", "/api/v1/me/presence", agent, {"presence": "asleep"})
    assert (status, error["field"]) == (400, "presence")
    status, error = await call(portal, "PUT", "/api/v1/me/presence", token, {"presence": "away"})
    assert (status, error) == (400, {"error": "your account is not an extension", "field": "presence"})
    assert (await call(portal, "PUT", "/api/v1/extensions/1001/presence", agent, {"presence": "away"}))[0] == 403
    assert (await call(portal, "PUT", "/api/v1/extensions/1999/presence", token, {"presence": "away"}))[0] == 404
