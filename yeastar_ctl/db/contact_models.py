"""Company contacts (seed: Contacts > Company Contacts) and the one row of caller-ID match options."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from yeastar_ctl.db.base import Base
from yeastar_ctl.db.types import utcnow
from yeastar_ctl.services.contact_matching import DEFAULT_MATCH_DIGITS, NumberMatch

CONTACT_NAME_LENGTH = 128
COMPANY_LENGTH = 128
EMAIL_LENGTH = 254
CONTACT_NUMBER_LENGTH = 64
CONTACT_OPTIONS_ID = 1
# The seed's list columns, in its order; import, export and the forms use the same fields.
CONTACT_NUMBER_FIELDS = ("business", "mobile", "home")


class CompanyContact(Base):
    __tablename__ = "company_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(CONTACT_NAME_LENGTH), index=True)
    company: Mapped[str | None] = mapped_column(String(COMPANY_LENGTH))
    email: Mapped[str | None] = mapped_column(String(EMAIL_LENGTH))
    business: Mapped[str | None] = mapped_column(String(CONTACT_NUMBER_LENGTH))
    mobile: Mapped[str | None] = mapped_column(String(CONTACT_NUMBER_LENGTH))
    home: Mapped[str | None] = mapped_column(String(CONTACT_NUMBER_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def numbers(self) -> tuple[str, ...]:
        return tuple(n for n in (self.business, self.mobile, self.home) if n)

    def __repr__(self) -> str:
        return f"<CompanyContact {self.id} {self.name!r}>"


class ContactMatchOptions(Base):
    """The Company Contacts > Options dialog: how an incoming caller ID is matched."""

    __tablename__ = "contact_match_options"
    __table_args__ = (CheckConstraint(f"id = {CONTACT_OPTIONS_ID}", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    match_mode: Mapped[NumberMatch] = mapped_column(default=NumberMatch.LAST_DIGITS)
    match_digits: Mapped[int] = mapped_column(default=DEFAULT_MATCH_DIGITS)
    ignore_symbols: Mapped[bool] = mapped_column(default=False)
