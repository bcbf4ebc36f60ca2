"""People and how they get in: users, roles, invitations."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import TimestampMixin, enum_column, utcnow
from app.core.permissions import Role
from app.extensions import db


class Country(enum.StrEnum):
    PL = "PL"
    LT = "LT"
    OTHER = "OTHER"


class Gender(enum.StrEnum):
    """Asked only for the funder's statistics; a person may leave it empty."""

    FEMALE = "female"
    MALE = "male"
    OTHER = "other"


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Lower-cased; empty for participants recorded by a coordinator who never log in.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    #: Argon2 hash; empty until an invited person sets a password.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(enum_column(Role), default=Role.TRAINEE, index=True)
    country: Mapped[Country] = mapped_column(enum_column(Country, 8), default=Country.PL)
    language: Mapped[str] = mapped_column(String(8), default="pl")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Warsaw")
    #: Videos start at the smallest rendition (mobile data, a weak factory Wi-Fi); chosen on the player.
    data_saver: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    #: Employer: a member of the cluster network (app.network) ...
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id", ondelete="SET NULL"), index=True)
    #: ... or, when it is not in the directory ("other"), its name as the person wrote it, kept for matching later
    #: (app.network.employers suggests firms; a coordinator confirms).
    company_name: Mapped[str | None] = mapped_column(String(200))
    gender: Mapped[Gender | None] = mapped_column(enum_column(Gender))
    is_active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None]
    #: Secret part of the person's calendar feed URL (regenerated to revoke it).
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: A record merged into another account (e.g. a managed participant who later got a login); kept, inactive.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The privacy notice the person agreed to (its version) and when; empty for managed participants, whose
    #: consent is collected on paper by the coordinator.
    consent_version: Mapped[str | None] = mapped_column(String(32))
    consent_at: Mapped[datetime | None]
    #: Set when the person's data was erased on request (the row stays, anonymised, for the statistics).
    erased_at: Mapped[datetime | None]
    #: Notifications not read yet: the header's badge without a query on every page (kept by app.notifications).
    unread_notifications: Mapped[int] = mapped_column(default=0, server_default="0")

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email or '-'} {self.role}>"

    @property
    def is_managed(self) -> bool:
        """Recorded by a coordinator without an e-mail: takes part, is counted, never logs in."""
        return self.email is None

    @property
    def can_log_in(self) -> bool:
        return self.may_log_in(self.is_active, self.email, self.password_hash)

    @staticmethod
    def may_log_in(is_active: bool, email: str | None, password_hash: str | None) -> bool:
        """The rule, for those who read the columns without the row (``sessions.caller_with``)."""
        return bool(is_active and email and password_hash)

    def __eq__(self, other: object) -> bool:
        # Rows compare by identity, not by Flask-Login's session id (which names a login, not a person).
        if not isinstance(other, User):
            return NotImplemented
        return self is other or (self.id is not None and self.id == other.id)

    def __hash__(self) -> int:
        return hash(("users", self.id)) if self.id is not None else id(self)

    #: The secret of the login this request runs under (set when logging in or loading the session; never stored).
    session_token = None  # (not a column)

    def get_id(self) -> str:
        # Flask-Login keeps this in the session cookie and the remember-me cookie: it names one server-side
        # login (``UserSession``), so logging out or "log out everywhere" ends a copied cookie too.
        if not self.session_token:
            raise RuntimeError("log people in with app.accounts.sessions.log_in, which records the login")
        return f"{self.id}:{self.session_token}"


class UserSession(db.Model):
    """One login of one person (a browser or a device). The cookies name it; revoking it ends them on the server."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the secret in the cookie (the secret itself is never stored).
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Updated by writing requests at most every few minutes (reading pages never write).
    last_seen_at: Mapped[datetime | None]
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(200))
    remember: Mapped[bool] = mapped_column(default=False)
    revoked_at: Mapped[datetime | None]


class Invitation(TimestampMixin, db.Model):
    """An admin's invitation: the link it sends lets the person set a password for the account made for them."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    accepted_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None
