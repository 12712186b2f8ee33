from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.enums import DestinationType, FeatureCodeKey, Presence
from yeastar_ctl.db.queue_settings import DEFAULT_QUEUE_SETTINGS
from yeastar_ctl.services import extensions, feature_codes, queues
from yeastar_ctl.services.errors import NotFoundError, ValidationError

from postgres import Unchanged


async def test_create_generates_a_secret_and_lists_in_numeric_order(session: AsyncSession) -> None:
    await extensions.create_extension(session, "1000", "Leo Ball", email="leo@example.com")
    await extensions.create_extension(session, "99", "  Short  ")
    created = await extensions.create_extension(session, "1001", "Phillip Huff", sip_secret="s3cret-pass")
    listed = await extensions.list_extensions(session)
    assert [e.number for e in listed] == ["99", "1000", "1001"]
    assert listed[0].name == "Short"
    assert listed[1].presence == Presence.AVAILABLE
    assert len(listed[1].sip_secret) >= 20
    assert listed[1].sip_secret != listed[0].sip_secret
    assert created.sip_secret == "s3cret-pass"
    assert await extensions.get_by_number(session, "5555") is None


@pytest.mark.parametrize("number", ["1", "12345678901", "10a", "", " 1000", "+1000"])
async def test_bad_numbers_are_refused(session: AsyncSession, unchanged: Unchanged, number: str) -> None:
    async with unchanged(ValidationError) as caught:
        await extensions.create_extension(session, number, "X")
    assert caught.value.field == "number"


async def test_duplicate_numbers_are_refused(session: AsyncSession, unchanged: Unchanged) -> None:
    await extensions.create_extension(session, "1000", "A")
    await queues.create_queue(session, "6400", "Support")
    async with unchanged(ValidationError, match="existing extension"):
        await extensions.create_extension(session, "1000", "B")
    async with unchanged(ValidationError, match="existing queue"):
        await extensions.create_extension(session, "6400", "B")
    await extensions.create_extension(session, "1001", "C")
    async with unchanged(ValidationError, match="existing extension"):
        await extensions.update_extension(session, "1001", new_number="1000")


async def test_other_fields_are_validated_together(session: AsyncSession, unchanged: Unchanged) -> None:
    async with unchanged(ValidationError) as caught:
        await extensions.create_extension(
            session, "1000", "", email="nope", sip_secret="has;semicolon", presence="asleep"
        )
    assert [p.field for p in caught.value.problems] == ["name", "email", "sip_secret", "presence"]


async def test_update_changes_only_what_is_given(session: AsyncSession) -> None:
    await extensions.create_extension(session, "1000", "A", email="a@example.com")
    secret = (await extensions.get_extension(session, "1000")).sip_secret
    updated = await extensions.update_extension(session, "1000", name="Anna", presence="away")
    assert (updated.name, updated.email, updated.presence) == ("Anna", "a@example.com", Presence.AWAY)
    assert updated.sip_secret == secret
    cleared = await extensions.update_extension(session, "1000", email=None, new_number="1010")
    assert (cleared.number, cleared.email) == ("1010", None)
    regenerated = await extensions.regenerate_sip_secret(session, "1010")
    assert regenerated.sip_secret != secret
    assert (await extensions.set_presence(session, "1010", Presence.OFF_WORK)).presence == "off_work"


async def test_missing_extensions_raise_not_found(session: AsyncSession) -> None:
    with pytest.raises(NotFoundError, match="extension 4242 does not exist"):
        await extensions.update_extension(session, "4242", name="X")
    with pytest.raises(NotFoundError):
        await extensions.delete_extension(session, "4242")


async def test_delete_removes_memberships(session: AsyncSession) -> None:
    await extensions.create_extension(session, "1000", "A")
    await extensions.create_extension(session, "1001", "B")
    await queues.create_queue(session, "6400", "Support")
    await queues.set_members(session, "6400", static=[("1000", 1), ("1001", 2)])
    await queues.set_managers(session, "6400", [queues.ManagerSpec("1000")])
    await extensions.delete_extension(session, "1000")
    assert [m.extension for m in await queues.list_members(session, "6400")] == ["1001"]
    assert await queues.list_managers(session, "6400") == []


async def test_delete_is_refused_while_a_queue_routes_to_it(
    session: AsyncSession, unchanged: Unchanged
) -> None:
    await extensions.create_extension(session, "1000", "A")
    settings = replace(
        DEFAULT_QUEUE_SETTINGS, failover_type=DestinationType.EXTENSION, failover_target="1000"
    )
    await queues.create_queue(session, "6400", "Support", settings)
    async with unchanged(ValidationError, match="failover destination of queue 6400"):
        await extensions.delete_extension(session, "1000")
    async with unchanged(ValidationError, match="failover destination of queue 6400"):
        await extensions.update_extension(session, "1000", new_number="1001")


async def test_a_number_that_makes_a_feature_code_ambiguous_is_refused(
    session: AsyncSession, unchanged: Unchanged
) -> None:
    await feature_codes.update_feature_code(session, FeatureCodeKey.LOGIN_LAST, code="*712")
    async with unchanged(ValidationError, match=r"\*712 \(login_last\) is also \*7"):
        await extensions.create_extension(session, "12", "Twelve")
    await extensions.create_extension(session, "13", "Thirteen")
