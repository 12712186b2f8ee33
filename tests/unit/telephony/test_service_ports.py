"""The call flows' ports on the real services."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from yeastar_ctl.db.engine import session_factory
from yeastar_ctl.services import contacts
from yeastar_ctl.telephony.service_ports import DbContactLookup


async def test_the_contact_lookup_matches_with_the_stored_options(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    async with sessions.begin() as session:
        await contacts.create_contact(session, contacts.ContactSpec("Ann Lee", mobile="+44 7700 900123"))
    lookup = DbContactLookup(sessions)
    assert await lookup("447700900123") is None  # symbols count by default
    async with sessions.begin() as session:
        await contacts.update_match_options(session, ignore_symbols=True)
    assert await lookup("00447700900123") == "Ann Lee"  # the next call sees the change
    assert await lookup("0900124") is None
