"""The declarative base every table hangs off."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, MetaData
from sqlalchemy.orm import DeclarativeBase

from yeastar_ctl.db.types import UTCDateTime

# Explicit names make constraints addressable from later Alembic revisions on both backends
# (SQLite batch mode cannot drop an unnamed constraint).
NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Enums are stored as their values in plain VARCHAR columns (no native PostgreSQL ENUM and
# no CHECK): adding a value later needs no migration, and the services validate input.
ENUM_LENGTH = 32


def _enum_values(enum_cls: type[enum.Enum]) -> list[str]:
    return [str(member.value) for member in enum_cls]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: UTCDateTime(),
        enum.Enum: Enum(
            enum.Enum,
            native_enum=False,
            create_constraint=False,
            length=ENUM_LENGTH,
            values_callable=_enum_values,
            validate_strings=True,
        ),
    }
