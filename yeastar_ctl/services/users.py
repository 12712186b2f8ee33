"""Portal accounts: create, authenticate and list users; passwords are argon2 hashes.

There is no default password anywhere: an account gets the password its creator gives, or a
generated one that is shown once (``create_user`` returns it) and never stored in clear.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.account_models import USERNAME_LENGTH, Role, User
from yeastar_ctl.services import extensions as extension_service
from yeastar_ctl.services import queues as queue_service
from yeastar_ctl.services.errors import NotFoundError, ValidationError
from yeastar_ctl.services.validation import Problems

USERNAME: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@\-]{0,%d}$" % (USERNAME_LENGTH - 1))
PASSWORD_MIN: Final = 10
PASSWORD_MAX: Final = 256
GENERATED_PASSWORD_BYTES: Final = 15  # 20 URL-safe characters

_hasher = PasswordHasher()
# Verifying against this when the user does not exist keeps the time of a failed login the
# same for unknown and known usernames, so timing does not reveal which accounts exist.
_DUMMY_HASH: Final = _hasher.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class CreatedUser:
    user: User
    generated_password: str | None  # set only when the service made the password up


def generate_password() -> str:
    return secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)


def _check_password(problems: Problems, password: str) -> None:
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        problems.add("password", f"must be {PASSWORD_MIN} to {PASSWORD_MAX} characters")


async def list_users(session: AsyncSession) -> list[User]:
    return list(await session.scalars(select(User).order_by(User.username)))


async def get_user(session: AsyncSession, user_id: int) -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise NotFoundError("user", str(user_id))
    return user


async def create_user(
    session: AsyncSession,
    username: str,
    role: Role | str,
    *,
    password: str | None = None,
    email: str | None = None,
    extension_number: str | None = None,
) -> CreatedUser:
    problems = Problems()
    problems.pattern("username", username, USERNAME, "letters, digits and ._@- (at most 64)")
    checked_role = problems.choice("role", role, Role)
    if email is not None and not extension_service.EMAIL.fullmatch(email):
        problems.add("email", f"must be an email address, got {email!r}")
    if password is not None:
        _check_password(problems, password)
    if checked_role in (Role.QUEUE_MANAGER, Role.AGENT) and not extension_number:
        problems.add("extension_number", "a queue manager or agent must be an extension")
    problems.raise_if_any()
    if extension_number is not None and await extension_service.get_by_number(session, extension_number) is None:
        raise ValidationError("extension_number", f"extension {extension_number} does not exist")
    taken = await session.scalar(select(func.count()).select_from(User).where(
        func.lower(User.username) == username.lower()))
    if taken:
        raise ValidationError("username", f"{username} is already taken")
    generated = None if password is not None else generate_password()
    assert checked_role is not None  # raise_if_any() passed
    user = User(
        username=username, email=email, role=checked_role, extension_number=extension_number,
        password_hash=_hasher.hash(password if password is not None else generated or ""),
    )
    session.add(user)
    await session.flush()
    return CreatedUser(user, generated)


async def authenticate(session: AsyncSession, login: str, password: str) -> User | None:
    """The user whose username or email is ``login`` and whose password matches, else None."""
    user = await session.scalar(select(User).where(or_(
        func.lower(User.username) == login.lower(), func.lower(User.email) == login.lower())))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
        await session.flush()
    return user


async def set_password(session: AsyncSession, user_id: int, password: str) -> None:
    problems = Problems()
    _check_password(problems, password)
    problems.raise_if_any()
    user = await get_user(session, user_id)
    user.password_hash = _hasher.hash(password)
    await session.flush()


async def managed_queue_numbers(session: AsyncSession, user: User) -> tuple[str, ...]:
    """The queues ``user`` may see: every queue for an administrator, those whose manager list
    holds the user's extension for a queue manager, none for an agent."""
    queues = await queue_service.list_queues(session)
    if user.role == Role.ADMINISTRATOR:
        return tuple(q.number for q in queues)
    if user.role != Role.QUEUE_MANAGER or not user.extension_number:
        return ()
    managed = []
    for queue in queues:
        managers = await queue_service.list_managers(session, queue.number)
        if any(m.extension == user.extension_number for m in managers):
            managed.append(queue.number)
    return tuple(managed)
