"""API tokens: personal access tokens and admins' service tokens. Only a hash of the secret is kept."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.core.db import TimestampMixin, utcnow
from app.extensions import db


class TokenScope(enum.StrEnum):
    """What a token may do, on top of what its owner may do (the owner's role and the domains' policies)."""

    READ = "read"  # GET the owner's own data: courses, lessons, enrolments, meetings, certificates, placements
    LEARNING = "learning"  # record lesson progress (done, read, video beacons)
    ATTENDANCE = "attendance"  # check in to a meeting with its code
    REPORTING = "reporting"  # the coordinators' figures: indicators, breakdowns, people


class ApiToken(TimestampMixin, db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Whose rights the token carries: a person (personal token) or a service user (service token).
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    #: The secret's first characters, shown in lists so people recognise a token (not enough to use it).
    prefix: Mapped[str] = mapped_column(String(16))
    #: SHA-256 of the whole secret (hex); the secret itself is shown once and never stored.
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: Sorted ``TokenScope`` values.
    scopes: Mapped[list] = mapped_column(JSON, default=list)
    #: An admin's integration token, acting as a service user (not a person's own token).
    is_service: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def scope_set(self) -> frozenset[TokenScope]:
        return frozenset(TokenScope(s) for s in self.scopes if s in TokenScope._value2member_map_)

    def is_usable(self, now: datetime | None = None) -> bool:
        """Not revoked, not expired, and its owner's account still active."""
        now = now or utcnow()
        return self.revoked_at is None and self.expires_at > now and bool(self.user.is_active) \
            and self.user.erased_at is None

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.prefix} user={self.user_id}>"
