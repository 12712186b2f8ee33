"""Every portal form: a wrong value shows the field's error, keeps what was typed, saves nothing."""

from __future__ import annotations

from typing import Any

import pytest
from portal_support import Portal, error_next_to, queue_form

from yeastar_ctl.db.queue_settings import QUEUE_SETTING_NAMES
from yeastar_ctl.services import extensions as extension_service
from yeastar_ctl.services import queues as queue_service
from yeastar_ctl.web.queue_fields import FIELDS_BY_NAME, MANAGER_SWITCHES


async def extension_numbers(portal: Portal) -> list[str]:
    async with portal.sessions() as session:
        return [e.number for e in await extension_service.list_extensions(session)]


async def test_adding_an_extension_lists_it_with_a_generated_secret(admin: Portal) -> None:
    response = await admin.post_form("/extensions/new", {"number": "1001", "name": "Leo Ball", "presence": "available"})
    assert response.status == 302
    page = await (await admin.client.get("/extensions")).text()
    assert "Leo Ball" in page and "Extension 1001 added." in page
    async with admin.sessions() as session:
        assert len((await extension_service.get_extension(session, "1001")).sip_secret) >= 16


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"number": "1", "name": "A"}, "number", "2 to 10 digits"),
    ({"number": "1001", "name": "  "}, "name", "must not be empty"),
    ({"number": "1001", "name": "A", "email": "nope"}, "email", "must be an email address"),
    ({"number": "1001", "name": "A", "sip_secret": "short"}, "sip_secret", "8-64 letters"),
    ({"number": "1001", "name": "A", "presence": "asleep"}, "presence", "Not a valid choice"),
])
async def test_a_wrong_extension_shows_the_fields_error_and_saves_nothing(
    admin: Portal, data: dict[str, str], field: str, message: str,
) -> None:
    page = await admin.refused("/extensions/new", {"presence": "available", **data}, field, message)
    assert f'value="{data["name"]}"' in page  # what was typed stays
    assert await extension_numbers(admin) == []


async def test_a_taken_number_is_refused(admin: Portal) -> None:
    await admin.setup_queues()
    response = await admin.post_form("/extensions/new", {"number": "6400", "name": "A", "presence": "available"})
    assert response.status == 400
    assert "6400" in await response.text()
    assert await extension_numbers(admin) == ["1001", "1002", "1003"]


async def test_editing_and_deleting_an_extension(admin: Portal) -> None:
    await admin.setup_queues()
    response = await admin.post_form("/extensions/1002/edit", {
        "number": "1002", "name": "Phillip Huff", "email": "p@example.com", "presence": "away"})
    assert response.status == 302
    async with admin.sessions() as session:
        ext = await extension_service.get_extension(session, "1002")
        assert (ext.name, ext.email, ext.presence) == ("Phillip Huff", "p@example.com", "away")
    await admin.refused("/extensions/1002/edit", {"number": "1002", "name": "", "presence": "away"},
                        "name", "must not be empty")
    response = await admin.post_form("/extensions/1002/delete", {}, from_page="/extensions")
    assert response.status == 302
    assert await extension_numbers(admin) == ["1001", "1003"]
    assert (await admin.client.get("/extensions/1002/edit")).status == 404


async def queue_numbers(portal: Portal) -> list[str]:
    async with portal.sessions() as session:
        return [q.number for q in await queue_service.list_queues(session)]


async def test_adding_a_queue_with_agents_and_a_manager(admin: Portal) -> None:
    await admin.setup_queues()
    response = await admin.post_form("/queues/new", queue_form(
        number="6490", name="Billing", static_agents="1001, 1002:2", dynamic_agents="1003", managers="1003",
        ring_strategy="linear", weight=5, priority_enabled=True))
    assert response.status == 302, await response.text()
    async with admin.sessions() as session:
        queue = await queue_service.get_queue(session, "6490")
        members = await queue_service.list_members(session, "6490")
        managers = await queue_service.list_managers(session, "6490")
    assert (queue.name, queue.ring_strategy, queue.weight, queue.priority_enabled) == ("Billing", "linear", 5, True)
    assert [(m.extension, m.kind, m.skill_level) for m in members] == [
        ("1001", "static", 1), ("1002", "static", 2), ("1003", "dynamic", 1)]
    assert [m.extension for m in managers] == ["1003"]
    page = await (await admin.client.get("/queues/6490/edit")).text()
    assert 'value="1001, 1002:2"' in page and "(fixed)" in page


QUEUE_ERRORS: list[tuple[dict[str, Any], str, str]] = [
    ({"number": "6500"}, "number", "within 6400-6499"),
    ({"name": ""}, "name", "must not be empty"),
    ({"max_wait_seconds": "abc"}, "max_wait_seconds", "Not a valid integer"),
    ({"max_wait_seconds": 0}, "max_wait_seconds", "between 1 and 86400"),
    ({"ring_strategy": "loudest"}, "ring_strategy", "Not a valid choice"),
    ({"failover_type": "extension", "failover_target": ""}, "failover_target", "an extension number"),
    ({"failover_type": "ivr"}, "failover_type", "not available yet"),
    ({"agent_timeout_seconds": 0}, "agent_timeout_seconds", "between 1 and 3600"),
    ({"retry_interval_seconds": -1}, "retry_interval_seconds", "between 0 and 3600"),
    ({"wrapup_seconds": 3601}, "wrapup_seconds", "between 0 and 3600"),
    ({"auto_pause_threshold": 0}, "auto_pause_threshold", "between 1 and 99"),
    ({"alert_info": "\u00e9t\u00e9"}, "alert_info", "printable text"),
    ({"max_callers": -1}, "max_callers", "between 0 and 10000"),
    ({"weight": 1000}, "weight", "between 1 and 999"),
    ({"acceleration_seconds": 5}, "acceleration_seconds", "between 10 and 1800"),
    ({"sla_seconds": 0}, "sla_seconds", "between 1 and 86400"),
    ({"sla_alarm_threshold_percent": 101}, "sla_alarm_threshold_percent", "between 1 and 100"),
    ({"callback_enabled": True, "callback_digit": "5", "key_press_key": "5"}, "callback_digit",
     "already the key press event key"),
    ({"key_press_key": "55"}, "key_press_key", "one of 0-9"),
    ({"time_zone": "Mars/Olympus"}, "time_zone", "IANA time zone"),
    ({"holiday_dest_type": "extension", "holiday_dest_target": "x1"}, "holiday_dest_target", "an extension number"),
    ({"music_on_hold": ""}, "music_on_hold", "must not be empty"),
    ({"join_announcement": "../etc/passwd"}, "join_announcement", "a prompt name"),
    ({"prompt_language": "english"}, "prompt_language", "a language code"),
    ({"periodic_frequency_seconds": 0}, "periodic_frequency_seconds", "between 1 and 3600"),
    ({"callback_enabled": True, "callback_timeout_mode": "custom"}, "callback_timeout_seconds",
     "must be set when the callback timeout is custom"),
    ({"callback_enabled": True, "callback_method": "auto_timeout", "max_wait_seconds": 30,
      "callback_auto_timeout_seconds": 60}, "callback_auto_timeout_seconds", "must not be greater"),
    ({"callback_timeout_seconds": "soon"}, "callback_timeout_seconds", "Not a valid integer"),
    ({"sla_eval_interval_minutes": 0}, "sla_eval_interval_minutes", "between 1 and 1440"),
    ({"static_agents": "1001:abc"}, "static_agents", "write extensions as 1001"),
    ({"static_agents": "1009"}, "static_agents", "extension 1009 does not exist"),
    ({"dynamic_agents": "1001:100"}, "dynamic_agents", "between 1 and 99"),
    ({"managers": "1999"}, "managers", "extension 1999 does not exist"),
    ({"managers": "1003, 1003"}, "managers", "extension 1003 is listed twice"),
    ({"weight": 0}, "weight", "between 1 and 999"),
    ({"callback_enabled": True, "callback_timeout_mode": "custom", "callback_timeout_seconds": 1800},
     "callback_timeout_seconds", "less than the maximum waiting time (1800 s)"),
    ({"leave_empty_conditions": ["busy", "asleep"]}, "leave_empty_conditions", "not a valid choice"),
    ({"join_empty_conditions": ["never"]}, "join_empty_conditions", "not a valid choice"),
    ({"survey_points": "1=5, 1=2"}, "survey_points", "key 1 is given twice"),
    ({"survey_points": "x=1"}, "survey_points", "a key 0-9"),
    ({"survey_points": "10=1"}, "survey_points", "a key 0-9"),
    ({"survey_points": "1=500"}, "survey_points", "between -100 and 100"),
    ({"survey_points": "1:5"}, "survey_points", "write key=points pairs"),
    ({"survey_enabled": True, "survey_points": ""}, "survey_points", "at least one key"),
    ({"survey_prompt": "bad prompt"}, "survey_prompt", "a prompt name"),
    ({"survey_end_prompt": "custom/bye"}, "survey_end_prompt", "needs a satisfaction survey prompt"),
]


@pytest.mark.parametrize(("changes", "field", "message"), QUEUE_ERRORS)
async def test_a_wrong_queue_shows_the_fields_error_and_saves_nothing(
    admin: Portal, changes: dict[str, Any], field: str, message: str,
) -> None:
    await admin.setup_queues()
    page = await admin.refused("/queues/new", queue_form(**{"number": "6490", "name": "Billing", **changes}),
                               field, message)
    assert 'value="Billing"' in page or changes.get("name") == ""
    assert await queue_numbers(admin) == ["6400", "6401"]


@pytest.mark.parametrize(("changes", "field", "message"), [c for c in QUEUE_ERRORS if "number" not in c[0]])
async def test_a_wrong_queue_edit_shows_the_fields_error_and_changes_nothing(
    admin: Portal, changes: dict[str, Any], field: str, message: str,
) -> None:
    await admin.setup_queues()
    async with admin.sessions() as session:
        before = (await queue_service.get_queue(session, "6400")).settings
    await admin.refused("/queues/6400/edit", queue_form(**{"name": "Sales", **changes}), field, message)
    async with admin.sessions() as session:
        assert (await queue_service.get_queue(session, "6400")).settings == before
        assert await queue_service.list_members(session, "6400") == []


async def test_editing_a_queue_keeps_its_number_and_deleting_removes_it(admin: Portal) -> None:
    await admin.setup_queues()
    response = await admin.post_form("/queues/6400/edit", queue_form(name="Pre-Sales", number="6499", wrapup_seconds=20))
    assert response.status == 302
    async with admin.sessions() as session:
        queue = await queue_service.get_queue(session, "6400")
        assert (queue.name, queue.wrapup_seconds) == ("Pre-Sales", 20)
    assert "6499" not in await queue_numbers(admin)
    response = await admin.post_form("/queues/6400/delete", {}, from_page="/queues")
    assert response.status == 302
    assert await queue_numbers(admin) == ["6401"]


async def test_a_queue_others_route_to_is_not_deleted_and_the_list_says_why(admin: Portal) -> None:
    await admin.setup_queues()
    await admin.post_form("/queues/6401/edit", queue_form(name="Support", failover_type="queue", failover_target="6400"))
    response = await admin.post_form("/queues/6400/delete", {}, from_page="/queues")
    assert response.status == 302
    page = await (await admin.client.get("/queues")).text()
    assert "Delete queue 6400: refused" in page
    assert await queue_numbers(admin) == ["6400", "6401"]


async def test_ticked_queues_are_deleted_together_or_not_at_all(admin: Portal) -> None:
    await admin.setup_queues()
    await admin.post_form("/queues/new", queue_form(number="6402", name="Billing"))
    await admin.post_form("/queues/6401/edit", queue_form(name="Support", failover_type="queue", failover_target="6400"))
    token = await admin.csrf("/queues")
    response = await admin.client.post("/queues/delete", data=[
        ("csrf_token", token), ("numbers", "6400"), ("numbers", "6402")], allow_redirects=False)
    assert response.status == 302
    assert "refused" in await (await admin.client.get("/queues")).text()
    assert await queue_numbers(admin) == ["6400", "6401", "6402"]
    token = await admin.csrf("/queues")
    await admin.client.post("/queues/delete", data=[("csrf_token", token), ("numbers", "6401"), ("numbers", "6402")])
    assert await queue_numbers(admin) == ["6400"]
    assert (await admin.client.post("/queues/delete", data=[("numbers", "6400")])).status == 403


async def test_a_new_sip_secret_replaces_the_old_one(admin: Portal) -> None:
    await admin.setup_queues()
    async with admin.sessions() as session:
        old = (await extension_service.get_extension(session, "1001")).sip_secret
    assert old in await (await admin.client.get("/extensions/1001/edit")).text()
    response = await admin.post_form("/extensions/1001/secret", {}, from_page="/extensions/1001/edit")
    assert response.headers["Location"] == "/extensions/1001/edit"
    async with admin.sessions() as session:
        new = (await extension_service.get_extension(session, "1001")).sip_secret
    assert new != old and new in await (await admin.client.get("/extensions/1001/edit")).text()


def test_the_queue_form_edits_every_queue_setting() -> None:
    assert set(FIELDS_BY_NAME) == set(QUEUE_SETTING_NAMES)


async def test_managers_switches_empty_conditions_and_the_survey_are_saved_and_shown(admin: Portal) -> None:
    await admin.setup_queues()
    response = await admin.post_form("/queues/6400/edit", queue_form(
        name="Sales", managers=[{"extension": "1001", "notify_missed": True, "notify_callback_failed": True},
                                {"extension": "1002", "notify_sla": True}],
        leave_when_empty=True, leave_empty_conditions=["paused"], join_empty_conditions=[],
        survey_enabled=True, survey_points="1=5, 2=3, 3=0", survey_prompt="custom/rate", survey_end_prompt="custom/bye"))
    assert response.status == 302, await response.text()
    async with admin.sessions() as session:
        queue = await queue_service.get_queue(session, "6400")
        managers = await queue_service.list_managers(session, "6400")
    assert [(m.extension, m.notify_missed, m.notify_sla, m.notify_callback_failed) for m in managers] == [
        ("1001", True, False, True), ("1002", False, True, False)]
    assert (queue.leave_empty_conditions, queue.join_empty_conditions) == (("paused",), ())
    assert (queue.survey_points, queue.survey_prompt, queue.survey_end_prompt) == (
        (("1", 5), ("2", 3), ("3", 0)), "custom/rate", "custom/bye")

    page = await (await admin.client.get("/queues/6400/edit")).text()
    assert 'name="managers-0-extension" type="text" value="1001"' in page
    assert 'checked id="managers-0-notify_missed"' in page and 'id="managers-0-notify_sla"' in page
    assert 'checked id="managers-0-notify_sla"' not in page and 'checked id="managers-1-notify_sla"' in page
    assert 'name="managers-3-extension" type="text" value=""' in page  # two empty rows to add managers
    assert 'checked id="leave_empty_conditions-1"' in page and 'checked id="leave_empty_conditions-0"' not in page
    assert 'value="1=5, 2=3, 3=0"' in page
    assert all(label in page for _, label in MANAGER_SWITCHES)

    # Emptying a row's extension removes that manager; the other keeps their switches.
    response = await admin.post_form("/queues/6400/edit", queue_form(
        name="Sales", managers=[{"extension": "", "notify_missed": True}, {"extension": "1002", "notify_sla": True}]))
    assert response.status == 302
    async with admin.sessions() as session:
        assert [(m.extension, m.notify_sla) for m in await queue_service.list_managers(session, "6400")] == [
            ("1002", True)]


async def test_a_refused_manager_table_keeps_the_rows_and_switches_typed(admin: Portal) -> None:
    await admin.setup_queues()
    page = await admin.refused("/queues/6400/edit", queue_form(
        name="Sales", managers=[{"extension": "1003", "notify_abandoned": True}, {"extension": "1999"}]),
        "managers", "extension 1999 does not exist")
    assert 'value="1999"' in page and 'checked id="managers-0-notify_abandoned"' in page
    assert not error_next_to(page, "static_agents", "1999")
    async with admin.sessions() as session:
        assert await queue_service.list_managers(session, "6400") == []


@pytest.mark.parametrize(("role", "extension"), [("agent", "1001"), ("queue_manager", "1003")])
async def test_only_administrators_open_queue_settings(portal: Portal, role: str, extension: str) -> None:
    await portal.setup_queues()  # 1003 manages 6401
    await portal.user("someone", role, extension)
    await portal.login("someone")
    for path in ("/queues", "/queues/new", "/queues/6401/edit", "/queues/6400/edit"):
        assert (await portal.client.get(path, allow_redirects=False)).status == 403, path
    response = await portal.client.post("/queues/6401/edit", data=queue_form(name="Hijacked"), allow_redirects=False)
    assert response.status == 403
    async with portal.sessions() as session:
        assert (await queue_service.get_queue(session, "6401")).name == "Support"
