"""Queue feature codes: log in/out, pause/unpause, log in to all / out of all / to last queues.

There are two shapes of code. The *prefix* codes are dialled followed by a number:
``login_toggle`` (``*7`` + queue, e.g. ``*76400``) and ``pause_toggle`` (``*07`` + queue,
optionally ``*`` + pause reason, e.g. ``*076400*03``; BLF hints use ``*07<ext>*<queue>*<reason>``).
The *exact* codes are dialled alone: ``login_all`` (``*77``), ``logout_all`` (``*077``) and
``login_last`` (``*78``).

The defaults overlap textually (``*77`` starts with ``*7``) and still work, because what follows
a prefix is resolved by looking up queue and extension numbers, never by length. So the rule
that keeps every dialled string unambiguous is about numbers that actually exist:

1. No two enabled codes are equal.
2. No enabled exact code equals an enabled prefix code followed by an existing queue or
   extension number (a queue ``7`` would make ``*77`` mean both "log in to all queues" and
   "log in to queue 7").
3. When one enabled prefix code extends another (``*7`` and ``*70``), no existing number ``n``
   may make ``<longer prefix> + n`` also read as ``<shorter prefix> + <an existing number>``.

Disabled codes take no part. The rule is checked when codes change and when an extension or
queue number is created or changed, since a new number can create an ambiguity too.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.enums import FeatureCodeKey
from yeastar_ctl.db.models import FeatureCode
from yeastar_ctl.services.errors import NotFoundError, ValidationError
from yeastar_ctl.services.numbering import used_numbers
from yeastar_ctl.services.validation import Problems, parse_choice

PREFIX_KEYS: Final = (FeatureCodeKey.LOGIN_TOGGLE, FeatureCodeKey.PAUSE_TOGGLE)
EXACT_KEYS: Final = (FeatureCodeKey.LOGIN_ALL, FeatureCodeKey.LOGOUT_ALL, FeatureCodeKey.LOGIN_LAST)
CODE_FORMAT: Final = re.compile(r"^\*[0-9]{1,6}$")

DEFAULT_FEATURE_CODES: Final[Mapping[FeatureCodeKey, str]] = {
    FeatureCodeKey.LOGIN_TOGGLE: "*7",
    FeatureCodeKey.PAUSE_TOGGLE: "*07",
    FeatureCodeKey.LOGIN_ALL: "*77",
    FeatureCodeKey.LOGOUT_ALL: "*077",
    FeatureCodeKey.LOGIN_LAST: "*78",
}


@dataclass(frozen=True)
class FeatureCodeSetting:
    code: str
    enabled: bool = True


def find_ambiguities(
    codes: Mapping[FeatureCodeKey, FeatureCodeSetting], numbers: Collection[str]
) -> list[str]:
    """Every violation of the module's rule, as sentences; empty when the set is usable."""
    enabled = {key: s.code for key, s in codes.items() if s.enabled}
    found: list[str] = []
    keys = [key for key in FeatureCodeKey if key in enabled]
    for i, first in enumerate(keys):
        for second in keys[i + 1 :]:
            if enabled[first] == enabled[second]:
                found.append(f"{first} and {second} both use {enabled[first]}")
    prefixes = [(key, enabled[key]) for key in PREFIX_KEYS if key in enabled]
    for exact_key in EXACT_KEYS:
        exact = enabled.get(exact_key)
        if exact is None:
            continue
        for prefix_key, prefix in prefixes:
            rest = exact[len(prefix) :]
            if exact != prefix and exact.startswith(prefix) and rest in numbers:
                found.append(f"{exact} ({exact_key}) is also {prefix} ({prefix_key}) + {rest}")
    for short_key, short in prefixes:
        for long_key, long in prefixes:
            if long == short or not long.startswith(short):
                continue
            infix = long[len(short) :]
            for number in sorted(numbers):
                if infix + number in numbers:
                    found.append(
                        f"{long}{number} ({long_key} + {number}) is also "
                        f"{short} ({short_key}) + {infix}{number}"
                    )
    return found


async def load_feature_codes(session: AsyncSession) -> dict[FeatureCodeKey, FeatureCodeSetting]:
    rows = await session.scalars(select(FeatureCode))
    return {row.key: FeatureCodeSetting(row.code, row.enabled) for row in rows}


async def ensure_number_unambiguous(session: AsyncSession, number: str, field: str) -> None:
    """Refuse a new extension/queue number that would make a feature code ambiguous."""
    codes = await load_feature_codes(session)
    numbers = await used_numbers(session)
    before = set(find_ambiguities(codes, numbers))
    introduced = [a for a in find_ambiguities(codes, numbers | {number}) if a not in before]
    if introduced:
        raise ValidationError(
            field, f"{number} would make a feature code ambiguous: {introduced[0]}"
        )


async def list_feature_codes(session: AsyncSession) -> list[FeatureCode]:
    rows = {row.key: row for row in await session.scalars(select(FeatureCode))}
    return [rows[key] for key in FeatureCodeKey if key in rows]


async def set_feature_codes(
    session: AsyncSession, changes: Mapping[FeatureCodeKey | str, FeatureCodeSetting]
) -> list[FeatureCode]:
    """Change several codes at once, so two codes can swap values in one step."""
    problems = Problems()
    current = await load_feature_codes(session)
    wanted = dict(current)
    for raw_key, setting in changes.items():
        key = problems.choice("key", raw_key, FeatureCodeKey)
        if key is None:
            continue
        if key not in current:
            raise NotFoundError("feature code", str(key))
        problems.pattern(key.value, setting.code, CODE_FORMAT, "'*' followed by 1-6 digits")
        problems.flag(f"{key.value}.enabled", setting.enabled)
        wanted[key] = setting
    problems.raise_if_any()
    numbers = await used_numbers(session)
    ambiguities = find_ambiguities(wanted, numbers)
    if ambiguities:
        raise ValidationError("code", ambiguities[0])
    rows = {row.key: row for row in await session.scalars(select(FeatureCode))}
    for key, setting in wanted.items():
        rows[key].code = setting.code
        rows[key].enabled = setting.enabled
    await session.flush()
    return await list_feature_codes(session)


async def update_feature_code(
    session: AsyncSession,
    key: FeatureCodeKey | str,
    *,
    code: str | None = None,
    enabled: bool | None = None,
) -> FeatureCode:
    checked = parse_choice("key", key, FeatureCodeKey)
    current = (await load_feature_codes(session)).get(checked)
    if current is None:
        raise NotFoundError("feature code", str(checked))
    setting = FeatureCodeSetting(
        current.code if code is None else code, current.enabled if enabled is None else enabled
    )
    rows = await set_feature_codes(session, {checked: setting})
    return next(row for row in rows if row.key == checked)
