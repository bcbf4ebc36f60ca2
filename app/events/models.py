"""Events outside courses — study visits, fairs, gatherings, cluster meetings — with registration and a waiting
list. Each event owns one course-less meeting (``TrainingSession``, ``app.training.hosts``): its time, place,
zone, capacity, attendance, sheets, evidence pack, reminders and calendar entry are training's."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.accounts.models import User
from app.catalogue.models import Specialisation
from app.core.db import TimestampMixin, enum_column, utcnow
from app.core.files import StoredFile
from app.extensions import db
from app.network.models import Company
from app.training.models import TrainingSession


class EventKind(enum.StrEnum):
    STUDY_VISIT = "study_visit"
    FAIR = "fair"
    GATHERING = "gathering"
    CLUSTER_MEETING = "cluster_meeting"


class EventVisibility(enum.StrEnum):
    PUBLIC = "public"
    #: People of the cluster only (``policies.is_of_cluster``).
    MEMBERS = "members"


class RegistrationStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    CANCELLED = "cancelled"


class Event(TimestampMixin, db.Model):
    """An event outside courses. Cancelled when its meeting is (``meeting.status``)."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind))
    visibility: Mapped[EventVisibility] = mapped_column(enum_column(EventVisibility), default=EventVisibility.PUBLIC)
    #: Per language (``app.core.translated``), falling back to ``source_language``.
    title: Mapped[dict] = mapped_column(JSON, default=dict)
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
    #: The programme, per language (plain text, one line per item).
    programme: Mapped[dict] = mapped_column(JSON, default=dict)
    source_language: Mapped[str] = mapped_column(String(5))
    organiser_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: The member of the network hosting it (a study visit's firm), if any.
    host_company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id", ondelete="SET NULL"), index=True)
    #: For the indicators per specialisation.
    specialisation_id: Mapped[int | None] = mapped_column(ForeignKey("specialisations.id"), index=True)
    #: Registration closes here (and at the start in any case).
    registration_deadline: Mapped[datetime | None]
    meeting_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id"), unique=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organiser: Mapped[User] = relationship()
    host_company: Mapped[Company | None] = relationship()
    specialisation: Mapped[Specialisation | None] = relationship()
    #: ``TrainingSession.event`` (the backref) lets the host seam find the event of a meeting once per meeting
    #: (training itself never names it).
    meeting: Mapped[TrainingSession] = relationship(backref=backref("event", uselist=False))
    photos: Mapped[list[EventPhoto]] = relationship(back_populates="event", order_by="EventPhoto.id")

    @property
    def is_cancelled(self) -> bool:
        return self.meeting.is_cancelled


class EventRegistration(TimestampMixin, db.Model):
    """One person's place at an event (or on its waiting list); the waiting order is (created_at, id). Cancelling
    keeps the row; registering again re-uses it and goes to the end of the list."""

    __tablename__ = "event_registrations"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[RegistrationStatus] = mapped_column(enum_column(RegistrationStatus))
    confirmed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]

    event: Mapped[Event] = relationship()
    user: Mapped[User] = relationship()


class EventPhoto(StoredFile, TimestampMixin, db.Model):
    """A photo taken at the event, uploaded by its organisers once it has ended (checked by content)."""

    __tablename__ = "event_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)

    event: Mapped[Event] = relationship(back_populates="photos")
