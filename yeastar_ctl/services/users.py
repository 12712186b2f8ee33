"""Portal accounts: create, change, disable, delete, authenticate and list users; passwords are
argon2 hashes.

There is no default password anywhere: an account gets the password its creator gives, or a
generated one that is shown once (``create_user`` returns it) and never stored in clear.

A disabled account keeps its row and password, with its hash marked (``!`` in front, as
``/etc/shadow`` locks an account): no hash starts with ``!``, so it can neither log in nor use
its API tokens, and enabling it removes the mark. The last enabled administrator can be neither
demoted, disabled nor deleted: somebody must always be able to administer the system.
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
from yeastar_ctl.services.validation import UNSET, Problems, Unset

USERNAME: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@\-]{0,%d}$" % (USERNAME_LENGTH - 1))
PASSWORD_MIN: Final = 10
PASSWORD_MAX: Final = 256
GENERATED_PASSWORD_BYTES: Final = 15  # 20 URL-safe characters
DISABLED_MARK: Final = "!"

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


def _check_account(problems: Problems, role: Role | str, email: str | None, extension_number: str | None) -> Role | None:
    """The role, after recording the problems of a role, email and extension that belong together."""
    checked_role = problems.choice("role", role, Role)
    if email is not None and not extension_service.EMAIL.fullmatch(email):
        problems.add("email", f"must be an email address, got {email!r}")
    if checked_role in (Role.QUEUE_MANAGER, Role.AGENT) and not extension_number:
        problems.add("extension_number", "a queue manager or agent must be an extension")
    return checked_role


async def _ensure_extension(session: AsyncSession, extension_number: str | None) -> None:
    if extension_number is not None and await extension_service.get_by_number(session, extension_number) is None:
        raise ValidationError("extension_number", f"extension {extension_number} does not exist")


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
    checked_role = _check_account(problems, role, email, extension_number)
    if password is not None:
        _check_password(problems, password)
    problems.raise_if_any()
    await _ensure_extension(session, extension_number)
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


def is_disabled(user: User) -> bool:
    return user.password_hash.startswith(DISABLED_MARK)


async def _ensure_another_admin(session: AsyncSession, user: User, field: str, doing: str) -> None:
    """Refuse ``doing`` to the last enabled administrator."""
    if user.role != Role.ADMINISTRATOR or is_disabled(user):
        return
    others = await session.scalar(select(func.count()).select_from(User).where(
        User.role == Role.ADMINISTRATOR, User.id != user.id, ~User.password_hash.startswith(DISABLED_MARK)))
    if not others:
        raise ValidationError(field, f"{user.username} is the last administrator and cannot be {doing}; "
                                     "make another user an administrator first")


async def update_user(
    session: AsyncSession,
    user_id: int,
    *,
    role: Role | str | None = None,
    email: str | None | Unset = UNSET,
    extension_number: str | None | Unset = UNSET,
) -> User:
    """Change the role, email and/or extension (None clears the email or the extension)."""
    user = await get_user(session, user_id)
    new_email = user.email if isinstance(email, Unset) else email
    new_extension = user.extension_number if isinstance(extension_number, Unset) else extension_number
    problems = Problems()
    checked_role = _check_account(problems, user.role if role is None else role, new_email, new_extension)
    problems.raise_if_any()
    assert checked_role is not None
    await _ensure_extension(session, new_extension)
    if checked_role != Role.ADMINISTRATOR:
        await _ensure_another_admin(session, user, "role", "demoted")
    user.role, user.email, user.extension_number = checked_role, new_email, new_extension
    await session.flush()
    return user


async def set_disabled(session: AsyncSession, user_id: int, disabled: bool) -> User:
    user = await get_user(session, user_id)
    if disabled and not is_disabled(user):
        await _ensure_another_admin(session, user, "disabled", "disabled")
        user.password_hash = DISABLED_MARK + user.password_hash
    elif not disabled and is_disabled(user):
        user.password_hash = user.password_hash[len(DISABLED_MARK):]
    await session.flush()
    return user


async def delete_user(session: AsyncSession, user_id: int) -> None:
    """Delete an account with its API tokens (the database cascades them)."""
    user = await get_user(session, user_id)
    await _ensure_another_admin(session, user, "user", "deleted")
    await session.delete(user)
    await session.flush()


async def authenticate(session: AsyncSession, login: str, password: str) -> User | None:
    """The user whose username or email is ``login`` and whose password matches, else None."""
    user = await session.scalar(select(User).where(or_(
        func.lower(User.username) == login.lower(), func.lower(User.email) == login.lower())))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None  # a disabled account's marked hash is not a valid hash
    if user is None:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
        await session.flush()
    return user


async def set_password(session: AsyncSession, user_id: int, password: str | None = None) -> str | None:
    """An administrator's reset: the given password, or a generated one (returned, to show once).
    A disabled account stays disabled."""
    problems = Problems()
    if password is not None:
        _check_password(problems, password)
    problems.raise_if_any()
    user = await get_user(session, user_id)
    generated = None if password is not None else generate_password()
    mark = DISABLED_MARK if is_disabled(user) else ""
    user.password_hash = mark + _hasher.hash(password if password is not None else generated or "")
    await session.flush()
    return generated


async def change_own_password(session: AsyncSession, user_id: int, current: str, new: str) -> None:
    """A user's own change: only with their current password."""
    user = await get_user(session, user_id)
    try:
        _hasher.verify(user.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise ValidationError("current_password", "is not your current password") from None
    if new == current:
        raise ValidationError("new_password", "must differ from the current password")
    try:
        await set_password(session, user_id, new)
    except ValidationError as exc:
        raise ValidationError("new_password", exc.message) from None


async def active_user(session: AsyncSession, user_id: int) -> User | None:
    """The user a login session or token stands for, or None once deleted or disabled."""
    user = await session.get(User, user_id)
    return None if user is None or is_disabled(user) else user


async def managed_queue_numbers(session: AsyncSession, user: User) -> tuple[str, ...]:
    """The queues ``user`` may see: every queue for an administrator, those whose manager list
    holds the user's extension for a queue manager, none for an agent."""
    if user.role == Role.ADMINISTRATOR:
        return tuple(q.number for q in await queue_service.list_queues(session))
    if user.role != Role.QUEUE_MANAGER or not user.extension_number:
        return ()
    return await queue_service.queues_managed_by(session, user.extension_number)
