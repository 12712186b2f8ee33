"""Extensions: the users, their SIP credentials and presence."""

from __future__ import annotations

import re
import secrets
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.config_models import NAME_LENGTH
from yeastar_ctl.db.enums import Presence
from yeastar_ctl.db.models import Extension
from yeastar_ctl.services.destinations import EXTENSION_DESTINATIONS, ensure_not_routed_to
from yeastar_ctl.services.errors import NotFoundError
from yeastar_ctl.services.feature_codes import ensure_number_unambiguous
from yeastar_ctl.services.numbering import ensure_number_free
from yeastar_ctl.services.validation import UNSET, Problems, Unset

EXTENSION_NUMBER: Final = re.compile(r"^[0-9]{2,10}$")
EMAIL: Final = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
EMAIL_MAX: Final = 254
# Secrets land in pjsip.conf, where ';' starts a comment, so the alphabet stays conservative.
SIP_SECRET: Final = re.compile(r"^[A-Za-z0-9._~@%+=:\-]{8,64}$")
GENERATED_SECRET_BYTES: Final = 18  # 24 URL-safe characters


def generate_sip_secret() -> str:
    return secrets.token_urlsafe(GENERATED_SECRET_BYTES)


async def list_extensions(session: AsyncSession) -> list[Extension]:
    rows = await session.scalars(
        select(Extension).order_by(func.length(Extension.number), Extension.number)
    )
    return list(rows)


async def get_by_number(session: AsyncSession, number: str) -> Extension | None:
    return await session.scalar(select(Extension).where(Extension.number == number))


async def get_extension(session: AsyncSession, number: str) -> Extension:
    extension = await get_by_number(session, number)
    if extension is None:
        raise NotFoundError("extension", number)
    return extension


def _check_fields(
    problems: Problems,
    *,
    number: str | None,
    name: str | None,
    email: str | None | Unset,
    sip_secret: str | None,
    presence: Presence | str | None,
) -> tuple[str | None, Presence | None]:
    """Checks the given fields (None/UNSET: not being set); returns cleaned name and presence."""
    if number is not None:
        problems.pattern("number", number, EXTENSION_NUMBER, "2 to 10 digits")
    cleaned_name = problems.text("name", name, NAME_LENGTH) if name is not None else None
    if isinstance(email, str) and (len(email) > EMAIL_MAX or not EMAIL.fullmatch(email)):
        problems.add("email", f"must be an email address, got {email!r}")
    if sip_secret is not None:
        problems.pattern(
            "sip_secret", sip_secret, SIP_SECRET, "8-64 letters, digits or ._~@%+=:-"
        )
    checked_presence = (
        problems.choice("presence", presence, Presence) if presence is not None else None
    )
    return cleaned_name, checked_presence


async def _check_new_number(session: AsyncSession, number: str) -> None:
    await ensure_number_free(session, number)
    await ensure_number_unambiguous(session, number, "number")


async def create_extension(
    session: AsyncSession,
    number: str,
    name: str,
    *,
    email: str | None = None,
    sip_secret: str | None = None,
    presence: Presence | str = Presence.AVAILABLE,
) -> Extension:
    """Add an extension; a SIP secret is generated unless one is given."""
    problems = Problems()
    cleaned_name, checked_presence = _check_fields(
        problems, number=number, name=name, email=email, sip_secret=sip_secret, presence=presence
    )
    problems.raise_if_any()
    assert cleaned_name is not None and checked_presence is not None  # raise_if_any() passed
    await _check_new_number(session, number)
    extension = Extension(
        number=number,
        name=cleaned_name,
        email=email,
        sip_secret=sip_secret or generate_sip_secret(),
        presence=checked_presence,
    )
    session.add(extension)
    await session.flush()
    return extension


async def update_extension(
    session: AsyncSession,
    number: str,
    *,
    new_number: str | None = None,
    name: str | None = None,
    email: str | None | Unset = UNSET,
    sip_secret: str | None = None,
    presence: Presence | str | None = None,
) -> Extension:
    """Change the given fields; ``email=None`` clears the address, omitting it keeps it."""
    extension = await get_extension(session, number)
    problems = Problems()
    cleaned_name, checked_presence = _check_fields(
        problems,
        number=new_number,
        name=name,
        email=email,
        sip_secret=sip_secret,
        presence=presence,
    )
    problems.raise_if_any()
    if new_number is not None and new_number != number:
        await ensure_not_routed_to(session, EXTENSION_DESTINATIONS, "extension", number)
        await _check_new_number(session, new_number)
        extension.number = new_number
    if cleaned_name is not None:
        extension.name = cleaned_name
    if not isinstance(email, Unset):
        extension.email = email
    if sip_secret is not None:
        extension.sip_secret = sip_secret
    if checked_presence is not None:
        extension.presence = checked_presence
    await session.flush()
    return extension


async def regenerate_sip_secret(session: AsyncSession, number: str) -> Extension:
    return await update_extension(session, number, sip_secret=generate_sip_secret())


async def set_presence(session: AsyncSession, number: str, presence: Presence | str) -> Extension:
    return await update_extension(session, number, presence=presence)


async def delete_extension(session: AsyncSession, number: str) -> None:
    """Delete an extension and its queue memberships; refused while a queue routes to it."""
    extension = await get_extension(session, number)
    await ensure_not_routed_to(session, EXTENSION_DESTINATIONS, "extension", number)
    await session.delete(extension)
    await session.flush()
