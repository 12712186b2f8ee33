from __future__ import annotations

import pytest
from postgres import Unchanged
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.enums import FeatureCodeKey as K
from yeastar_ctl.db.models import FeatureCode
from yeastar_ctl.services import extensions, feature_codes, queues
from yeastar_ctl.services.errors import NotFoundError, ValidationError
from yeastar_ctl.services.feature_codes import (
    DEFAULT_FEATURE_CODES,
    FeatureCodeSetting,
    find_ambiguities,
)

DEFAULTS = {key: FeatureCodeSetting(code) for key, code in DEFAULT_FEATURE_CODES.items()}


def test_the_seed_defaults_coexist_with_seed_numbers() -> None:
    assert find_ambiguities(DEFAULTS, {"1000", "1001", "6400", "6499"}) == []


def test_an_exact_code_equal_to_prefix_plus_number_is_ambiguous() -> None:
    assert find_ambiguities(DEFAULTS, {"7"}) == [
        "*77 (login_all) is also *7 (login_toggle) + 7",
        "*077 (logout_all) is also *07 (pause_toggle) + 7",
    ]
    assert find_ambiguities(DEFAULTS, {"8"}) == ["*78 (login_last) is also *7 (login_toggle) + 8"]


def test_equal_enabled_codes_are_ambiguous_and_disabled_ones_do_not_count() -> None:
    codes = {**DEFAULTS, K.LOGIN_LAST: FeatureCodeSetting("*77")}
    assert find_ambiguities(codes, set()) == ["login_all and login_last both use *77"]
    codes[K.LOGIN_LAST] = FeatureCodeSetting("*77", enabled=False)
    assert find_ambiguities(codes, set()) == []
    codes[K.LOGIN_TOGGLE] = FeatureCodeSetting("*7", enabled=False)
    assert find_ambiguities(codes, {"7"}) == ["*077 (logout_all) is also *07 (pause_toggle) + 7"]


def test_nested_prefix_codes_are_ambiguous_only_with_colliding_numbers() -> None:
    codes = {**DEFAULTS, K.PAUSE_TOGGLE: FeatureCodeSetting("*70")}
    assert find_ambiguities(codes, {"6400", "1001"}) == []
    assert find_ambiguities(codes, {"6400", "06400"}) == [
        "*706400 (pause_toggle + 6400) is also *7 (login_toggle) + 06400"
    ]


async def test_update_and_list(session: AsyncSession) -> None:
    updated = await feature_codes.update_feature_code(session, "login_all", code="*88", enabled=False)
    assert (updated.key, updated.code, updated.enabled) == (K.LOGIN_ALL, "*88", False)
    listed = await feature_codes.list_feature_codes(session)
    assert [row.key for row in listed] == list(K)


async def test_codes_can_swap_in_one_call(session: AsyncSession) -> None:
    await feature_codes.set_feature_codes(
        session,
        {K.LOGIN_ALL: FeatureCodeSetting("*78"), K.LOGIN_LAST: FeatureCodeSetting("*77")},
    )
    codes = {row.key: row.code for row in await feature_codes.list_feature_codes(session)}
    assert (codes[K.LOGIN_ALL], codes[K.LOGIN_LAST]) == ("*78", "*77")


async def test_duplicate_codes_are_refused(session: AsyncSession, unchanged: Unchanged) -> None:
    async with unchanged(ValidationError, match="login_all and login_last both use \\*77"):
        await feature_codes.update_feature_code(session, K.LOGIN_LAST, code="*77")
    await feature_codes.update_feature_code(session, K.LOGIN_LAST, code="*77", enabled=False)
    async with unchanged(ValidationError, match="both use"):
        await feature_codes.update_feature_code(session, K.LOGIN_LAST, enabled=True)


async def test_ambiguous_collisions_with_numbers_are_refused(
    session: AsyncSession, unchanged: Unchanged
) -> None:
    await queues.create_queue(session, "6400", "Support")
    await extensions.create_extension(session, "1001", "A")
    async with unchanged(ValidationError, match="\\*76400 \\(login_all\\) is also \\*7"):
        await feature_codes.update_feature_code(session, K.LOGIN_ALL, code="*76400")
    async with unchanged(ValidationError, match="\\*071001 \\(logout_all\\) is also \\*07"):
        await feature_codes.update_feature_code(session, K.LOGOUT_ALL, code="*071001")


async def test_bad_format_and_unknown_key(session: AsyncSession, unchanged: Unchanged) -> None:
    for bad in ("77", "*", "*7a", "*1234567"):
        async with unchanged(ValidationError, match="'\\*' followed by 1-6 digits"):
            await feature_codes.update_feature_code(session, K.LOGIN_ALL, code=bad)
    async with unchanged(ValidationError, match="must be one of"):
        await feature_codes.update_feature_code(session, "login_sometimes", code="*5")


async def test_missing_row_is_not_found(session: AsyncSession) -> None:
    await session.execute(delete(FeatureCode).where(FeatureCode.key == K.LOGIN_LAST))
    with pytest.raises(NotFoundError, match="feature code login_last does not exist"):
        await feature_codes.update_feature_code(session, K.LOGIN_LAST, code="*79")
