"""Accounts: editing, disabling, deleting, passwords, and never losing the last administrator."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.account_models import Role, User
from yeastar_ctl.services import api_tokens, users
from yeastar_ctl.services.errors import NotFoundError, ValidationError
from yeastar_ctl.services.extensions import create_extension
from yeastar_ctl.services.queues import create_queue, list_managers, queues_managed_by, set_queues_managed_by

PASSWORD = "long enough secret"


async def make(session: AsyncSession, username: str, role: Role = Role.ADMINISTRATOR, extension: str | None = None) -> User:
    return (await users.create_user(session, username, role, password=PASSWORD, extension_number=extension)).user


async def test_role_email_and_extension_change_and_none_clears(session: AsyncSession) -> None:
    await create_extension(session, "1001", "Leo")
    await make(session, "root")
    user = await make(session, "mia", Role.AGENT, "1001")
    await users.update_user(session, user.id, role="queue_manager", email="mia@example.com")
    assert (user.role, user.email, user.extension_number) == (Role.QUEUE_MANAGER, "mia@example.com", "1001")
    await users.update_user(session, user.id, role=Role.ADMINISTRATOR, email=None, extension_number=None)
    assert (user.role, user.email, user.extension_number) == (Role.ADMINISTRATOR, None, None)


@pytest.mark.parametrize(("changes", "field"), [
    ({"role": "root"}, "role"),
    ({"email": "not-mail"}, "email"),
    ({"extension_number": None}, "extension_number"),  # an agent must be an extension
    ({"extension_number": "1999"}, "extension_number"),
])
async def test_a_wrong_change_is_refused_and_changes_nothing(
    session: AsyncSession, changes: dict[str, object], field: str,
) -> None:
    await create_extension(session, "1001", "Leo")
    user = await make(session, "mia", Role.AGENT, "1001")
    with pytest.raises(ValidationError) as caught:
        await users.update_user(session, user.id, **changes)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert (user.role, user.email, user.extension_number) == (Role.AGENT, None, "1001")


async def test_the_last_administrator_is_never_demoted_disabled_or_deleted(session: AsyncSession) -> None:
    await create_extension(session, "1001", "Leo")
    root = await make(session, "root")
    attempts = (
        (lambda: users.update_user(session, root.id, role="agent", extension_number="1001"), "role"),
        (lambda: users.set_disabled(session, root.id, True), "disabled"),
        (lambda: users.delete_user(session, root.id), "user"),
    )
    for attempt, field in attempts:
        with pytest.raises(ValidationError, match="last administrator") as caught:
            await attempt()
        assert caught.value.field == field
    assert (root.role, root.extension_number, users.is_disabled(root)) == (Role.ADMINISTRATOR, None, False)
    # A disabled administrator does not count: the enabled one is still the last.
    other = await make(session, "other")
    await users.set_disabled(session, other.id, True)
    with pytest.raises(ValidationError, match="last administrator"):
        await users.delete_user(session, root.id)
    await users.set_disabled(session, other.id, False)
    await users.delete_user(session, root.id)
    assert [u.username for u in await users.list_users(session)] == ["other"]


async def test_a_disabled_user_cannot_log_in_or_use_tokens_until_enabled(session: AsyncSession) -> None:
    await make(session, "root")
    user = await make(session, "ops")
    issued = await api_tokens.create_token(session, user.id)
    await users.set_disabled(session, user.id, True)
    assert users.is_disabled(user)
    assert await users.authenticate(session, "ops", PASSWORD) is None
    assert await api_tokens.user_for_token(session, issued.token) is None
    assert await users.active_user(session, user.id) is None
    await users.set_password(session, user.id, "another long password")  # a reset keeps it disabled
    assert await users.authenticate(session, "ops", "another long password") is None
    await users.set_disabled(session, user.id, False)
    assert await users.authenticate(session, "ops", "another long password") is user
    assert await api_tokens.user_for_token(session, issued.token) is user


async def test_deleting_a_user_removes_their_tokens(session: AsyncSession) -> None:
    await make(session, "root")
    user = await make(session, "ops")
    issued = await api_tokens.create_token(session, user.id)
    await users.delete_user(session, user.id)
    assert await api_tokens.user_for_token(session, issued.token) is None
    with pytest.raises(NotFoundError):
        await users.get_user(session, user.id)


async def test_own_password_needs_the_current_one(session: AsyncSession) -> None:
    user = await make(session, "root")
    with pytest.raises(ValidationError) as caught:
        await users.change_own_password(session, user.id, "wrong password", "a new long password")
    assert caught.value.field == "current_password"
    with pytest.raises(ValidationError) as caught:
        await users.change_own_password(session, user.id, PASSWORD, "short")
    assert caught.value.field == "new_password"
    with pytest.raises(ValidationError) as caught:
        await users.change_own_password(session, user.id, PASSWORD, PASSWORD)
    assert caught.value.field == "new_password"
    assert await users.authenticate(session, "root", PASSWORD) is user
    await users.change_own_password(session, user.id, PASSWORD, "a new long password")
    assert await users.authenticate(session, "root", PASSWORD) is None
    assert await users.authenticate(session, "root", "a new long password") is user


async def test_a_reset_without_a_password_generates_one(session: AsyncSession) -> None:
    user = await make(session, "root")
    generated = await users.set_password(session, user.id)
    assert generated and await users.authenticate(session, "root", generated) is user
    assert await users.set_password(session, user.id, "chosen long password") is None
    with pytest.raises(ValidationError):
        await users.set_password(session, user.id, "short")


async def test_tokens_are_listed_without_the_secret_and_revoked_only_for_their_user(session: AsyncSession) -> None:
    root = await make(session, "root")
    other = await make(session, "other")
    first = await api_tokens.create_token(session, root.id)
    await api_tokens.create_token(session, root.id)
    assert [t.id for t in await api_tokens.list_tokens(session, root.id)] == [first.id, first.id + 1]
    with pytest.raises(NotFoundError):
        await api_tokens.revoke_token(session, first.id, other.id)
    await api_tokens.revoke_token(session, first.id, root.id)
    assert [t.id for t in await api_tokens.list_tokens(session, root.id)] == [first.id + 1]
    with pytest.raises(NotFoundError):
        await api_tokens.revoke_token(session, first.id)


async def test_the_queues_an_extension_manages_are_set_from_the_users_side(session: AsyncSession) -> None:
    await create_extension(session, "1001", "Leo")
    for number in ("6400", "6401", "6402"):
        await create_queue(session, number, f"Q{number}")
    await set_queues_managed_by(session, "1001", ["6400", "6402"])
    assert await queues_managed_by(session, "1001") == ("6400", "6402")
    await set_queues_managed_by(session, "1001", ["6401", "6402"])
    assert await queues_managed_by(session, "1001") == ("6401", "6402")
    assert [m.extension for m in await list_managers(session, "6400")] == []
    with pytest.raises(ValidationError, match="queue 6499 does not exist") as caught:
        await set_queues_managed_by(session, "1001", ["6499"])
    assert caught.value.field == "managed_queues"
    with pytest.raises(ValidationError, match="extension 1999"):
        await set_queues_managed_by(session, "1999", [])
