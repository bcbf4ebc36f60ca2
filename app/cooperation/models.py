"""Service requests between members: what one member asks of the others, the offers it gets, the thread with each
offering member, the order's history (every status step a row: history, not overwrite) and the ratings at the end."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Column, Float, ForeignKey, Numeric, String, Table, Text, UniqueConstraint, true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.core.db import TimestampMixin, enum_column, utcnow
from app.core.files import StoredFile
from app.extensions import db
from app.network.models import Company, Process


class RequestStatus(enum.StrEnum):
    OPEN = "open"
    AGREED = "agreed"
    IN_PROGRESS = "in_progress"
    DELIVERED = "delivered"
    CLOSED = "closed"
    CANCELLED = "cancelled"


#: Where a request may go next; closed and cancelled are final.
TRANSITIONS: dict[RequestStatus, frozenset[RequestStatus]] = {
    RequestStatus.OPEN: frozenset({RequestStatus.CANCELLED}),  # agreed only by accepting an offer
    RequestStatus.AGREED: frozenset({RequestStatus.IN_PROGRESS, RequestStatus.CANCELLED}),
    RequestStatus.IN_PROGRESS: frozenset({RequestStatus.DELIVERED, RequestStatus.CANCELLED}),
    RequestStatus.DELIVERED: frozenset({RequestStatus.CLOSED}),
    RequestStatus.CLOSED: frozenset(),
    RequestStatus.CANCELLED: frozenset(),
}
FINAL = frozenset({RequestStatus.CLOSED, RequestStatus.CANCELLED})


class Visibility(enum.StrEnum):
    ALL = "all"  # every member
    CHOSEN = "chosen"  # the members in request_audience
    ONE = "one"  # one member (also in request_audience)


class Currency(enum.StrEnum):
    EUR = "EUR"
    PLN = "PLN"


class OfferStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


request_audience = Table(
    "service_request_audience", db.metadata,
    Column("request_id", ForeignKey("service_requests.id", ondelete="CASCADE"), primary_key=True),
    Column("company_id", ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True),
)


class ServiceRequest(TimestampMixin, db.Model):
    __tablename__ = "service_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    process: Mapped[Process] = mapped_column(enum_column(Process, 32), index=True)
    #: Material values (app.network.models.Material); a matching capability lists every one of them.
    materials: Mapped[list] = mapped_column(JSON, default=list)
    quantity: Mapped[int | None]
    unit: Mapped[str | None] = mapped_column(String(20))
    max_thickness_mm: Mapped[float | None] = mapped_column(Float)
    deadline: Mapped[date | None]
    delivery_place: Mapped[str | None] = mapped_column(String(200))
    cross_border: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    visibility: Mapped[Visibility] = mapped_column(enum_column(Visibility, 16), default=Visibility.ALL)
    status: Mapped[RequestStatus] = mapped_column(enum_column(RequestStatus, 16), default=RequestStatus.OPEN,
                                                  index=True)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    company: Mapped[Company] = relationship()
    created_by: Mapped[User | None] = relationship()
    audience: Mapped[list[Company]] = relationship(secondary=request_audience)
    offers: Mapped[list[RequestOffer]] = relationship(back_populates="request", order_by="RequestOffer.id")
    events: Mapped[list[RequestEvent]] = relationship(order_by="RequestEvent.id")
    files: Mapped[list[RequestFile]] = relationship(order_by="RequestFile.id")

    @property
    def accepted_offer(self) -> RequestOffer | None:
        return next((o for o in self.offers if o.status == OfferStatus.ACCEPTED), None)


class RequestEvent(db.Model):
    """One step of a request's life: who moved it, when, from what to what."""

    __tablename__ = "service_request_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[RequestStatus | None] = mapped_column(enum_column(RequestStatus, 16))
    to_status: Mapped[RequestStatus] = mapped_column(enum_column(RequestStatus, 16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str | None] = mapped_column(String(500))

    actor: Mapped[User | None] = relationship()


class RequestOffer(TimestampMixin, db.Model):
    """A member's answer to a request. One per member and request."""

    __tablename__ = "service_request_offers"
    __table_args__ = (UniqueConstraint("request_id", "company_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    price: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    currency: Mapped[Currency] = mapped_column(enum_column(Currency, 3), default=Currency.EUR)
    lead_time_days: Mapped[int | None]
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[OfferStatus] = mapped_column(enum_column(OfferStatus, 16), default=OfferStatus.SUBMITTED)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    request: Mapped[ServiceRequest] = relationship(back_populates="offers")
    company: Mapped[Company] = relationship()


class RequestFile(StoredFile, TimestampMixin, db.Model):
    """A drawing or picture attached to a request (offer_id empty) or to an offer."""

    __tablename__ = "service_request_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id", ondelete="CASCADE"), index=True)
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("service_request_offers.id", ondelete="CASCADE"))


class RequestMessage(TimestampMixin, db.Model):
    """The thread between the requester and one offering member (``company_id`` is the other party)."""

    __tablename__ = "service_request_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)

    author: Mapped[User | None] = relationship()


class RequestRating(TimestampMixin, db.Model):
    """One side's rating of the cooperation (``company_id`` is the member that rates)."""

    __tablename__ = "service_request_ratings"
    __table_args__ = (UniqueConstraint("request_id", "company_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    score: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
