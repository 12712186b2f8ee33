"""OpenAPI schemas made from value dataclasses (``api_common.dataclass_schema``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import pytest

from yeastar_ctl.db.enums import Presence
from yeastar_ctl.web.api_common import dataclass_schema


@dataclass(frozen=True)
class Inner:
    at: datetime


@dataclass(frozen=True)
class Outer:
    name: str
    count: int
    on: bool
    presence: Presence | None
    tags: tuple[str, ...]
    inner: Inner | None
    inners: tuple[Inner, ...]


@dataclass(frozen=True)
class Odd:
    price: Decimal


def test_each_field_type_has_its_schema() -> None:
    schema = dataclass_schema(Outer, {Inner: "Inner"}, exclude=("count",), input_=True)
    assert schema == {"type": "object", "additionalProperties": False, "properties": {
        "name": {"type": "string"}, "on": {"type": "boolean"},
        "presence": {"type": "string", "enum": [p.value for p in Presence], "nullable": True},
        "tags": {"type": "array", "items": {"type": "string"}},
        "inner": {"allOf": [{"$ref": "#/components/schemas/Inner"}], "nullable": True},
        "inners": {"type": "array", "items": {"$ref": "#/components/schemas/Inner"}}}}
    assert dataclass_schema(Inner) == {"type": "object", "properties": {"at": {"type": "string", "format": "date-time"}}}


def test_a_type_without_a_schema_is_refused_rather_than_guessed() -> None:
    with pytest.raises(TypeError, match="Decimal"):
        dataclass_schema(Odd)
