"""What people are told: notifications (in the app, and by mail as each person prefers)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import enum_column, utcnow
from app.extensions import db


class Delivery(enum.StrEnum):
    """How a person wants a category by mail (in the app they always see everything)."""

    IMMEDIATELY = "immediately"
    DAILY = "daily"
    OFF = "off"


class Notification(db.Model):
    """One thing one person is told. Stored as its kind and facts, rendered in the reader's language and zone."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: The registered kind ("meeting.moved"), which names its category and its texts (``app.notifications.kinds``).
    kind: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(32))
    #: The facts the texts are filled with (titles per language, times in UTC, names).
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Where the notification leads (a path in this app).
    link: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    #: When it left by mail (alone or in a digest); None while it waits for the daily digest, or never mailed.
    mailed_at: Mapped[datetime | None]


class NotificationPreference(db.Model):
    """A person's choice for one category (without a row, the category's default applies)."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(32))
    delivery: Mapped[Delivery] = mapped_column(enum_column(Delivery, 16))
