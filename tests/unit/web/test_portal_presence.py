"""Presence pages: the auto-switch rules (administrators, or a user for their own extension) and
a user's own presence on My status, changed with its rule applied."""

from __future__ import annotations

import pytest
from portal_support import Portal
from sqlalchemy import select

from yeastar_ctl.db.enums import Presence, PresenceAction
from yeastar_ctl.db.models import AgentEvent
from yeastar_ctl.services import extensions as extension_service
from yeastar_ctl.services import presence
from yeastar_ctl.services import queues as queue_service


def rules_form(**changes: str) -> dict[str, str]:
    data = {f"{p.value}_action": "do_nothing" for p in Presence} | {f"{p.value}_reason_code": "" for p in Presence}
    return data | changes


async def test_an_administrator_sets_an_extensions_rules(admin: Portal) -> None:
    await admin.setup_queues()
    page = await (await admin.client.get("/presence")).text()
    assert "1001 Agent 1001" in page and 'href="/presence/1002"' in page
    response = await admin.post_form("/presence/1002", rules_form(
        available_action="log_in", lunch_break_action="pause", lunch_break_reason_code="*01", off_work_action="log_out"))
    assert response.status == 302 and response.headers["Location"] == "/presence"
    async with admin.sessions() as session:
        rules = await presence.presence_rules(session, "1002")
    assert (rules[Presence.AVAILABLE].action, rules[Presence.OFF_WORK].action) == ("log_in", "log_out")
    assert (rules[Presence.LUNCH_BREAK].action, rules[Presence.LUNCH_BREAK].reason_code) == ("pause", "*01")
    assert rules[Presence.AWAY].action == PresenceAction.DO_NOTHING
    page = await (await admin.client.get("/presence")).text()
    assert "pause (*01)" in page
    assert 'selected value="*01"' in await (await admin.client.get("/presence/1002")).text()


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"away_action": "log_out", "away_reason_code": "*01"}, "away_reason_code", "only with the Pause action"),
    ({"away_action": "dance"}, "away_action", "Not a valid choice"),
    ({"away_action": "pause", "away_reason_code": "*09"}, "away_reason_code", "Not a valid choice"),
])
async def test_a_wrong_rule_is_refused_next_to_its_field_and_nothing_is_saved(
    admin: Portal, changes: dict[str, str], field: str, message: str,
) -> None:
    await admin.setup_queues()
    await admin.refused("/presence/1001", rules_form(available_action="log_in", **changes), field, message)
    async with admin.sessions() as session:
        rules = await presence.presence_rules(session, "1001")
    assert all(rule.action == PresenceAction.DO_NOTHING for rule in rules.values())


async def test_an_unknown_extension_is_404(admin: Portal) -> None:
    assert (await admin.client.get("/presence/1999")).status == 404


async def test_an_agent_changes_their_presence_and_its_rule_logs_them_in(portal: Portal) -> None:
    await portal.setup_queues()
    async with portal.sessions.begin() as session:
        await queue_service.set_members(session, "6400", dynamic=[("1001", 1)])
    await portal.user("agent", "agent", "1001")
    await portal.login("agent")
    page = await (await portal.client.get("/")).text()
    assert 'action="/my/presence"' in page and 'href="/presence/1001"' in page
    # Their own rules: allowed; another extension's and the list: not.
    response = await portal.post_form("/presence/1001", rules_form(available_action="log_in", away_action="log_out"))
    assert response.status == 302 and response.headers["Location"] == "/"
    assert (await portal.client.get("/presence/1002", allow_redirects=False)).status == 403
    assert (await portal.client.get("/presence", allow_redirects=False)).status == 403

    response = await portal.post_form("/my/presence", {"presence": "available"}, from_page="/")
    assert response.status == 302
    page = await (await portal.client.get("/")).text()
    assert "Presence set to Available." in page
    async with portal.sessions() as session:
        kinds = [(e.kind.value, e.queue_number) for e in await session.scalars(select(AgentEvent).order_by(AgentEvent.id))]
        assert kinds == [("login", "6400")]
    await portal.post_form("/my/presence", {"presence": "away"}, from_page="/")
    async with portal.sessions() as session:
        assert (await extension_service.get_extension(session, "1001")).presence == Presence.AWAY
        assert len(list(await session.scalars(select(AgentEvent)))) == 2
    await portal.post_form("/my/presence", {"presence": "asleep"}, from_page="/")
    assert "Presence not changed: Not a valid choice" in await (await portal.client.get("/")).text()


async def test_an_account_without_an_extension_has_no_presence(admin: Portal) -> None:
    assert (await admin.post_form("/my/presence", {"presence": "away"}, from_page="/queues")).status == 403
    assert "Your account is not an extension." in await (await admin.client.get("/")).text()


async def agent_events(portal: Portal) -> list[tuple[str, str, str | None]]:
    async with portal.sessions() as session:
        rows = await session.scalars(select(AgentEvent).order_by(AgentEvent.id))
        return [(e.agent_extension, e.kind.value, e.queue_number) for e in rows]


async def test_an_administrators_extension_edit_applies_the_presence_rule(admin: Portal) -> None:
    await admin.setup_queues()
    async with admin.sessions.begin() as session:
        await queue_service.set_members(session, "6400", dynamic=[("1001", 1)])
        await presence.set_presence_rule(session, "1001", Presence.AVAILABLE, PresenceAction.LOG_IN)
        await presence.set_presence_rule(session, "1001", Presence.OFF_WORK, PresenceAction.LOG_OUT)
    form = {"number": "1001", "name": "Leo Ball", "email": "", "sip_secret": ""}
    # Saving with the presence it has runs no rule: editing a name logs nobody in.
    assert (await admin.post_form("/extensions/1001/edit", {**form, "presence": "available"})).status == 302
    assert await agent_events(admin) == []
    for changed in ("off_work", "available", "off_work"):
        assert (await admin.post_form("/extensions/1001/edit", {**form, "presence": changed})).status == 302
    assert await agent_events(admin) == [("1001", "login", "6400"), ("1001", "logout", None)]
    # A refused edit stores neither the presence nor what its rule would do.
    await admin.refused("/extensions/1001/edit", {**form, "name": "", "presence": "available"}, "name", "")
    assert len(await agent_events(admin)) == 2
    async with admin.sessions() as session:
        assert (await extension_service.get_extension(session, "1001")).presence == Presence.OFF_WORK
