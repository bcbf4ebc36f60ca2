"""Who takes part in which course, and every change of that, with who made it and when."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.catalogue.models import Course
from app.core.db import TimestampMixin, enum_column, utcnow
from app.extensions import db


class EnrolmentStatus(enum.StrEnum):
    REQUESTED = "requested"  # waiting for approval
    WAITLISTED = "waitlisted"  # the course is full; promoted when a place frees up
    ENROLLED = "enrolled"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"  # unenrolled (by themselves or a coordinator); the row and its history stay


class Enrolment(TimestampMixin, db.Model):
    """One row per person and course; re-enrolling reuses it, so its history tells the whole story."""

    __tablename__ = "enrolments"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    status: Mapped[EnrolmentStatus] = mapped_column(enum_column(EnrolmentStatus), index=True)
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When the course's completion rule was last met (None while it is not); history in completion_events.
    completed_at: Mapped[datetime | None] = mapped_column(index=True)

    user: Mapped[User] = relationship()
    course: Mapped[Course] = relationship()
    events: Mapped[list[EnrolmentEvent]] = relationship(
        back_populates="enrolment", order_by="[EnrolmentEvent.created_at, EnrolmentEvent.id]")


class EnrolmentEvent(TimestampMixin, db.Model):
    """A status change of an enrolment (append-only)."""

    __tablename__ = "enrolment_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id"), index=True)
    from_status: Mapped[EnrolmentStatus | None] = mapped_column(enum_column(EnrolmentStatus))
    to_status: Mapped[EnrolmentStatus] = mapped_column(enum_column(EnrolmentStatus))
    #: Who made the change; None for the system (e.g. automatic promotion from the waiting list).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    #: What triggered the change when it matters: "self", "approval", "bulk-import", "waitlist-promotion"...
    source: Mapped[str | None] = mapped_column(String(32))

    enrolment: Mapped[Enrolment] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
