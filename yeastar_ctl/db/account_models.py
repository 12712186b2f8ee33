"""Portal accounts: who may log in to the admin portal and call the JSON API, and their tokens."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from yeastar_ctl.db.base import Base
from yeastar_ctl.db.config_models import NUMBER_LENGTH
from yeastar_ctl.db.types import utcnow

USERNAME_LENGTH = 64
EMAIL_LENGTH = 254
# An argon2id encoded hash is about 100 characters; the margin covers stronger parameters.
PASSWORD_HASH_LENGTH = 255
TOKEN_HASH_LENGTH = 64  # hex SHA-256


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    QUEUE_MANAGER = "queue_manager"
    AGENT = "agent"


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(USERNAME_LENGTH), unique=True)
    email: Mapped[str | None] = mapped_column(String(EMAIL_LENGTH))
    password_hash: Mapped[str] = mapped_column(String(PASSWORD_HASH_LENGTH))
    role: Mapped[Role]
    # The extension a queue manager or agent is: managed queues and own status follow from it.
    extension_number: Mapped[str | None] = mapped_column(String(NUMBER_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Only the hash is kept: a leaked database does not hand out working tokens.
    token_hash: Mapped[str] = mapped_column(String(TOKEN_HASH_LENGTH), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used: Mapped[datetime | None]
