"""API tokens: bearer secrets for the JSON API, shown once when made and stored as hashes.

Tokens are 32 random bytes, so a plain SHA-256 is enough to store them: unlike passwords
there is nothing to guess, and the lookup on every request must stay cheap.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.account_models import ApiToken, User
from yeastar_ctl.db.types import utcnow
from yeastar_ctl.services.errors import NotFoundError
from yeastar_ctl.services.users import active_user, get_user

TOKEN_BYTES: Final = 32
PREFIX: Final = "yc_"  # recognisable in logs and secret scanners


@dataclass(frozen=True)
class IssuedToken:
    id: int
    token: str  # the only time the clear token exists


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


async def create_token(session: AsyncSession, user_id: int) -> IssuedToken:
    await get_user(session, user_id)
    token = PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    row = ApiToken(token_hash=_digest(token), user_id=user_id)
    session.add(row)
    await session.flush()
    return IssuedToken(row.id, token)


async def user_for_token(session: AsyncSession, token: str) -> User | None:
    """The token's user (and the token's last use set to now), or None for an unknown token or
    a disabled user's."""
    row = await session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None:
        return None
    user = await active_user(session, row.user_id)
    if user is not None:
        row.last_used = utcnow()
        await session.flush()
    return user


@dataclass(frozen=True)
class TokenInfo:
    """What may be shown about a token: never the token itself (only its hash is kept)."""

    id: int
    created_at: datetime
    last_used: datetime | None


async def list_tokens(session: AsyncSession, user_id: int) -> list[TokenInfo]:
    await get_user(session, user_id)
    rows = await session.scalars(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id))
    return [TokenInfo(r.id, r.created_at, r.last_used) for r in rows]


async def revoke_token(session: AsyncSession, token_id: int, user_id: int | None = None) -> None:
    """Delete a token (of ``user_id`` when given, so one user's page cannot revoke another's)."""
    row = await session.get(ApiToken, token_id)
    if row is None or (user_id is not None and row.user_id != user_id):
        raise NotFoundError("API token", str(token_id))
    await session.delete(row)
    await session.flush()
