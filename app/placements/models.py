"""Cross-border internships: offers and applications, placements with their
history, documents, logbooks and evaluations."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.catalogue.models import Specialisation
from app.core.db import TimestampMixin, enum_column, utcnow
from app.core.files import StoredFile
from app.extensions import db
from app.network.models import Company


class OfferStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class InternshipOffer(TimestampMixin, db.Model):
    __tablename__ = "internship_offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    specialisation_id: Mapped[int] = mapped_column(ForeignKey("specialisations.id"), index=True)
    title: Mapped[dict] = mapped_column(JSON, default=dict)
    description: Mapped[dict] = mapped_column(JSON, default=dict)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    places: Mapped[int] = mapped_column(default=1)
    working_language: Mapped[str] = mapped_column(String(8), default="pl")
    location: Mapped[str | None] = mapped_column(String(200))
    planned_hours: Mapped[int] = mapped_column(default=160)
    status: Mapped[OfferStatus] = mapped_column(enum_column(OfferStatus), default=OfferStatus.OPEN)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    company: Mapped[Company] = relationship()
    specialisation: Mapped[Specialisation] = relationship()


class ApplicationStatus(enum.StrEnum):
    OPEN = "open"  # waiting for matching
    PLACED = "placed"  # a placement was made from it
    REPLACED = "replaced"  # the trainee sent a newer one


class Application(TimestampMixin, db.Model):
    """A trainee's application: up to three offers in order of preference, and a motivation."""

    __tablename__ = "internship_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    motivation: Mapped[str] = mapped_column(Text)
    status: Mapped[ApplicationStatus] = mapped_column(enum_column(ApplicationStatus, 16),
                                                      default=ApplicationStatus.OPEN)

    user: Mapped[User] = relationship()
    choices: Mapped[list[ApplicationChoice]] = relationship(back_populates="application",
                                                            order_by="ApplicationChoice.rank",
                                                            cascade="all, delete-orphan")


class ApplicationChoice(db.Model):
    __tablename__ = "internship_application_choices"
    __table_args__ = (UniqueConstraint("application_id", "rank", name="uq_application_choice_rank"),
                      UniqueConstraint("application_id", "offer_id", name="uq_application_choice_offer"))

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("internship_applications.id", ondelete="CASCADE"),
                                                index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("internship_offers.id"), index=True)
    rank: Mapped[int]

    application: Mapped[Application] = relationship(back_populates="choices")
    offer: Mapped[InternshipOffer] = relationship()


class PlacementStatus(enum.StrEnum):
    PROPOSED = "proposed"
    AGREED = "agreed"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


#: Allowed lifecycle moves; anything else is refused.
TRANSITIONS = {
    PlacementStatus.PROPOSED: {PlacementStatus.AGREED, PlacementStatus.CANCELLED},
    PlacementStatus.AGREED: {PlacementStatus.IN_PROGRESS, PlacementStatus.CANCELLED},
    PlacementStatus.IN_PROGRESS: {PlacementStatus.COMPLETED, PlacementStatus.CANCELLED},
    PlacementStatus.COMPLETED: set(),
    PlacementStatus.CANCELLED: set(),
}
#: Statuses that occupy the trainee and one of the company's places.
ACTIVE = (PlacementStatus.PROPOSED, PlacementStatus.AGREED, PlacementStatus.IN_PROGRESS, PlacementStatus.COMPLETED)


class Placement(TimestampMixin, db.Model):
    __tablename__ = "placements"

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    specialisation_id: Mapped[int] = mapped_column(ForeignKey("specialisations.id"), index=True)
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("internship_offers.id"))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    planned_hours: Mapped[int]
    status: Mapped[PlacementStatus] = mapped_column(enum_column(PlacementStatus), default=PlacementStatus.PROPOSED,
                                                    index=True)
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancel_reason: Mapped[str | None] = mapped_column(Text)

    trainee: Mapped[User] = relationship(foreign_keys=[trainee_id])
    mentor: Mapped[User | None] = relationship(foreign_keys=[mentor_id])
    company: Mapped[Company] = relationship()
    specialisation: Mapped[Specialisation] = relationship()
    offer: Mapped[InternshipOffer | None] = relationship()
    logbook: Mapped[list[LogbookEntry]] = relationship(back_populates="placement", order_by="LogbookEntry.day")
    documents: Mapped[list[PlacementDocument]] = relationship(back_populates="placement",
                                                              order_by="PlacementDocument.created_at")
    events: Mapped[list[PlacementEvent]] = relationship(back_populates="placement", order_by="PlacementEvent.id")

    @property
    def is_cross_border(self) -> bool:
        """Derived, never typed: the trainee comes from another country than the host firm."""
        return self.trainee.country != self.company.country


class PlacementEvent(db.Model):
    __tablename__ = "placement_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id"), index=True)
    from_status: Mapped[PlacementStatus | None] = mapped_column(enum_column(PlacementStatus))
    to_status: Mapped[PlacementStatus] = mapped_column(enum_column(PlacementStatus))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    placement: Mapped[Placement] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class DocumentKind(enum.StrEnum):
    AGREEMENT = "agreement"
    INSURANCE = "insurance"
    EVALUATION = "evaluation"
    OTHER = "other"


class PlacementDocument(StoredFile, TimestampMixin, db.Model):
    __tablename__ = "placement_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind))

    placement: Mapped[Placement] = relationship(back_populates="documents")


class EntryStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    CONFIRMED = "confirmed"
    RETURNED = "returned"


class LogbookEntry(TimestampMixin, db.Model):
    __tablename__ = "logbook_entries"
    __table_args__ = (UniqueConstraint("placement_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id"), index=True)
    day: Mapped[date]
    hours: Mapped[float] = mapped_column(Float)
    tasks: Mapped[str] = mapped_column(Text)
    status: Mapped[EntryStatus] = mapped_column(enum_column(EntryStatus), default=EntryStatus.SUBMITTED)
    mentor_comment: Mapped[str | None] = mapped_column(Text)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]

    placement: Mapped[Placement] = relationship(back_populates="logbook")


class Evaluation(TimestampMixin, db.Model):
    """The mentor's assessment at the end: competences rated 1–5 and a comment."""

    __tablename__ = "placement_evaluations"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id"), unique=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    ratings: Mapped[dict] = mapped_column(JSON, default=dict)
    comment: Mapped[str | None] = mapped_column(Text)
