"""Training meetings (in-company sessions) and the attendance that proves who took part."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Country, User
from app.catalogue.models import Course
from app.core.db import TimestampMixin, enum_column, utcnow
from app.core.files import StoredFile
from app.core.urls import path_for
from app.extensions import db
from app.training.hosts import host_of


class MeetingStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class AttendanceStatus(enum.StrEnum):
    PRESENT = "present"
    LATE = "late"
    EXCUSED = "excused"
    ABSENT = "absent"


#: Statuses that count as having attended.
ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


class AttendanceMethod(enum.StrEnum):
    ROSTER = "roster"  # the trainer's roster form
    SELF_CHECKIN = "self_checkin"  # the trainee scanned the meeting's rotating QR code or typed its short code
    TICKET_SCAN = "ticket_scan"  # the trainer scanned the trainee's personal QR ticket


def _secret() -> str:
    return secrets.token_urlsafe(24)


class TrainingSession(TimestampMixin, db.Model):
    """A meeting of a course: held at a firm on either side of the border, or online. Without a course it is
    *hosted* by another domain (an event outside courses, ``app.training.hosts``)."""

    __tablename__ = "training_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: None: a hosted meeting (``app.training.hosts``), e.g. an event's.
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"), index=True)
    #: Per language, like course titles (``app.core.translated``); falls back to the course's source language.
    title: Mapped[dict] = mapped_column(JSON, default=dict)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    #: The venue's zone (Europe/Warsaw or Europe/Vilnius): the .ics feed names it, the page shows it next to
    #: the viewer's own time.
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Warsaw")
    venue_company: Mapped[str | None] = mapped_column(String(200))
    venue_address: Mapped[str | None] = mapped_column(String(300))
    venue_country: Mapped[Country] = mapped_column(enum_column(Country, 8), default=Country.PL)
    online_url: Mapped[str | None] = mapped_column(String(500))
    trainer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    capacity: Mapped[int | None]
    #: Language of the printed attendance sheet.
    language: Mapped[str] = mapped_column(String(8), default="pl")
    status: Mapped[MeetingStatus] = mapped_column(enum_column(MeetingStatus), default=MeetingStatus.SCHEDULED)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    #: Key for the rotating check-in codes; never leaves the server.
    checkin_secret: Mapped[str] = mapped_column(String(64), default=_secret)

    course: Mapped[Course | None] = relationship()
    trainer: Mapped[User | None] = relationship()
    attendances: Mapped[list[Attendance]] = relationship(back_populates="session")
    signed_sheets: Mapped[list[SignedSheet]] = relationship(back_populates="session",
                                                           order_by="SignedSheet.created_at.desc()")

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def source_language(self) -> str:
        """The language the titles fall back to: the course's, or the host's."""
        if self.course is not None:
            return self.course.source_language
        host = host_of(self)
        return host.source_language(self) if host else self.language

    @property
    def heading(self) -> dict:
        """Per-language name of what the meeting belongs to: its course's title, or its host's (an event's)."""
        if self.course is not None:
            return self.course.title
        host = host_of(self)
        return host.heading(self) if host else {}

    @property
    def link(self) -> str:
        """Where a participant reads about it: the meeting's page, or its host's page."""
        host = host_of(self)
        return host.link(self) if host else path_for("training.meeting", meeting_id=self.id)


class Attendance(db.Model):
    """The current attendance of one person at one meeting; every change is kept in AttendanceChange."""

    __tablename__ = "attendances"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[AttendanceStatus] = mapped_column(enum_column(AttendanceStatus))
    remark: Mapped[str | None] = mapped_column(String(500))
    method: Mapped[AttendanceMethod] = mapped_column(enum_column(AttendanceMethod))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    session: Mapped[TrainingSession] = relationship(back_populates="attendances")
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    changes: Mapped[list[AttendanceChange]] = relationship(back_populates="attendance",
                                                           order_by="AttendanceChange.id")


class AttendanceChange(db.Model):
    """Append-only history: every value an attendance ever had, who set it, when and how."""

    __tablename__ = "attendance_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    attendance_id: Mapped[int] = mapped_column(ForeignKey("attendances.id"), index=True)
    from_status: Mapped[AttendanceStatus | None] = mapped_column(enum_column(AttendanceStatus))
    to_status: Mapped[AttendanceStatus] = mapped_column(enum_column(AttendanceStatus))
    from_remark: Mapped[str | None] = mapped_column(String(500))
    to_remark: Mapped[str | None] = mapped_column(String(500))
    method: Mapped[AttendanceMethod] = mapped_column(enum_column(AttendanceMethod))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    attendance: Mapped[Attendance] = relationship(back_populates="changes")
    actor: Mapped[User | None] = relationship()


class SignedSheet(StoredFile, TimestampMixin, db.Model):
    """A scan of the attendance sheet signed on paper; a new upload never removes the earlier ones."""

    __tablename__ = "signed_sheets"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id"), index=True)

    session: Mapped[TrainingSession] = relationship(back_populates="signed_sheets")
