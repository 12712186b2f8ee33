"""Accounts and API tokens (the services the portal and the API authenticate with)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.cli import main as cli_main
from yeastar_ctl.db.account_models import Role
from yeastar_ctl.db.engine import make_engine, session_factory
from yeastar_ctl.services import api_tokens, users
from yeastar_ctl.services.errors import ValidationError
from yeastar_ctl.services.extensions import create_extension
from yeastar_ctl.services.queues import ManagerSpec, create_queue, set_managers


async def test_a_user_logs_in_by_username_or_email_with_the_right_password_only(session: AsyncSession) -> None:
    created = await users.create_user(session, "alice", Role.ADMINISTRATOR, password="s3cret-enough",
                                      email="alice@example.com")
    assert created.generated_password is None
    assert created.user.password_hash.startswith("$argon2")
    assert (await users.authenticate(session, "alice", "s3cret-enough")) is created.user
    assert (await users.authenticate(session, "ALICE@example.com", "s3cret-enough")) is created.user
    assert await users.authenticate(session, "alice", "wrong password") is None
    assert await users.authenticate(session, "nobody", "s3cret-enough") is None


async def test_without_a_password_one_is_generated_and_works(session: AsyncSession) -> None:
    created = await users.create_user(session, "admin", "administrator")
    assert created.generated_password and len(created.generated_password) >= 16
    assert await users.authenticate(session, "admin", created.generated_password) is created.user


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"username": "bad name", "role": "administrator"}, "username"),
    ({"username": "x", "role": "root"}, "role"),
    ({"username": "x", "role": "administrator", "password": "short"}, "password"),
    ({"username": "x", "role": "agent"}, "extension_number"),
    ({"username": "x", "role": "administrator", "email": "not-mail"}, "email"),
])
async def test_bad_accounts_are_refused(session: AsyncSession, kwargs: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        await users.create_user(session, **kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field


async def test_usernames_are_unique_and_extensions_must_exist(session: AsyncSession) -> None:
    await users.create_user(session, "alice", "administrator")
    with pytest.raises(ValidationError, match="taken"):
        await users.create_user(session, "Alice", "administrator")
    with pytest.raises(ValidationError, match="extension 1999 does not exist"):
        await users.create_user(session, "agent", "agent", extension_number="1999")


async def test_a_manager_sees_the_queues_whose_manager_list_holds_their_extension(session: AsyncSession) -> None:
    for number in ("1001", "1002"):
        await create_extension(session, number, f"Agent {number}")
    for number in ("6400", "6401"):
        await create_queue(session, number, f"Q{number}")
    await set_managers(session, "6401", [ManagerSpec("1001")])
    manager = (await users.create_user(session, "m", "queue_manager", extension_number="1001")).user
    agent = (await users.create_user(session, "a", "agent", extension_number="1002")).user
    admin = (await users.create_user(session, "root", "administrator")).user
    assert await users.managed_queue_numbers(session, manager) == ("6401",)
    assert await users.managed_queue_numbers(session, agent) == ()
    assert await users.managed_queue_numbers(session, admin) == ("6400", "6401")


async def test_tokens_are_stored_hashed_and_find_their_user(session: AsyncSession) -> None:
    user = (await users.create_user(session, "api", "administrator")).user
    issued = await api_tokens.create_token(session, user.id)
    assert issued.token.startswith("yc_")
    assert await api_tokens.user_for_token(session, issued.token) is user
    assert await api_tokens.user_for_token(session, issued.token + "x") is None
    await api_tokens.revoke_token(session, issued.id)
    assert await api_tokens.user_for_token(session, issued.token) is None


def test_cli_creates_an_administrator_with_a_one_time_password(
    migrated_db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: object,
) -> None:
    monkeypatch.setenv("YEASTAR_CTL_DATABASE_URL", migrated_db_url)
    monkeypatch.setenv("YEASTAR_CTL_VAR_DIR", str(tmp_path))
    assert cli_main(["user", "create", "root", "--role", "administrator"]) == 0
    out = capsys.readouterr().out
    assert "one-time password" in out
    assert cli_main(["user", "create", "root", "--role", "administrator"]) == 2
    assert cli_main(["user", "token", "root"]) == 0
    assert capsys.readouterr().out.startswith("yc_")


async def test_cli_lists_accounts_and_says_which_are_disabled(
    migrated_db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: object,
) -> None:
    monkeypatch.setenv("YEASTAR_CTL_DATABASE_URL", migrated_db_url)
    monkeypatch.setenv("YEASTAR_CTL_VAR_DIR", str(tmp_path))
    engine = make_engine(migrated_db_url)
    try:
        async with session_factory(engine).begin() as session:
            await users.create_user(session, "root", "administrator", password="a long password")
            leo = await users.create_user(session, "leo", "administrator", password="a long password")
            await users.set_disabled(session, leo.user.id, True)
    finally:
        await engine.dispose()
    assert await asyncio.to_thread(cli_main, ["user", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split() for line in lines] == [["leo", "administrator", "-", "disabled"],
                                                     ["root", "administrator", "-"]]
