"""Project indicators: what the funder counts, with the targets written in the project. Actual values are never
stored: they are computed from the data every time (``app.reporting.measures``)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Country, Gender
from app.catalogue.models import Specialisation
from app.core.db import TimestampMixin, enum_column
from app.extensions import db


class Measure(enum.StrEnum):
    TRAINEES_ENROLLED = "trainees_enrolled"
    TRAINEES_COMPLETED = "trainees_completed"
    MEETINGS_HELD = "meetings_held"
    ATTENDANCE_RATE = "attendance_rate"
    PLACEMENTS_COMPLETED = "placements_completed"
    CROSS_BORDER_PLACEMENTS = "cross_border_placements"
    TRAINEE_HOURS = "trainee_hours"
    CERTIFICATES_ISSUED = "certificates_issued"
    #: Member firms employing someone enrolled or hosting an internship (the indicator's country: the firm's).
    FIRMS_INVOLVED = "firms_involved"
    #: Completed internships across the border (each internship, not people).
    CROSS_BORDER_COOPERATIONS = "cross_border_cooperations"
    #: Cooperation between members (``app.cooperation.figures``): requests counted by when they were opened, the
    #: country is the requester's, a specialisation covers the processes named after it.
    COOPERATION_REQUESTS_POSTED = "cooperation_requests_posted"
    COOPERATION_REQUESTS_ANSWERED = "cooperation_requests_answered"
    COOPERATION_REQUESTS_MATCHED = "cooperation_requests_matched"
    COOPERATION_ORDERS_COMPLETED = "cooperation_orders_completed"
    COOPERATION_RESPONSE_HOURS = "cooperation_response_hours"
    COOPERATION_CROSS_BORDER_SHARE = "cooperation_cross_border_share"
    COOPERATION_VALUE_EUR = "cooperation_value_eur"
    COOPERATION_VALUE_PLN = "cooperation_value_pln"
    COOPERATION_SATISFACTION = "cooperation_satisfaction"
    #: People who attended (present or late) an event outside courses (``app.events``) held in the period.
    EVENT_PARTICIPANTS = "event_participants"


class Indicator(TimestampMixin, db.Model):
    __tablename__ = "indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The code in the programme's monitoring system (e.g. "RCO 01" or the project's own numbering).
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[dict] = mapped_column(JSON, default=dict)
    measure: Mapped[Measure] = mapped_column(enum_column(Measure, 32))
    unit: Mapped[str] = mapped_column(String(32), default="persons")
    baseline: Mapped[float] = mapped_column(Float, default=0)
    milestone_value: Mapped[float | None] = mapped_column(Float)
    milestone_on: Mapped[date | None]
    target_value: Mapped[float] = mapped_column(Float)
    #: Optional breakdown: only this specialisation, trainees of this country, of this gender.
    specialisation_id: Mapped[int | None] = mapped_column(ForeignKey("specialisations.id"))
    country: Mapped[Country | None] = mapped_column(enum_column(Country, 8))
    gender: Mapped[Gender | None] = mapped_column(enum_column(Gender))
    #: The project period the indicator counts over (open ends count everything).
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    position: Mapped[int] = mapped_column(default=0)

    specialisation: Mapped[Specialisation | None] = relationship()


class EnrolmentSummary(db.Model):
    """What the reports need to know about one enrolment, kept up to date on every write
    (``app.reporting.summaries``) so the dashboard and the at-risk list read thousands of these instead of joining
    every attendance record. Figures about meetings cover the meetings of the course the person belongs to
    (``app.training.membership``) that are not cancelled, held or still to come: which of them are held depends on
    the clock, so readers subtract the few meetings still to come (``measures.held``)."""

    __tablename__ = "enrolment_summaries"

    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(index=True)
    course_id: Mapped[int] = mapped_column(index=True)
    #: Meetings of the course (not cancelled) the person belongs to, and of them attended (present or late) or
    #: excused, and the hours of those attended.
    meetings: Mapped[int] = mapped_column(default=0)
    attended: Mapped[int] = mapped_column(default=0)
    excused: Mapped[int] = mapped_column(default=0)
    attended_hours: Mapped[float] = mapped_column(Float, default=0.0)
    #: Enrolled now (an open period): the person belongs to every meeting still to come, so readers take those
    #: out to get the held ones. Otherwise all the meetings counted above are held already.
    open_period: Mapped[bool] = mapped_column(default=False)
    #: Last attendance recorded at a meeting of theirs (any), lesson of the course opened, quiz started (any
    #: course), and the latest of the three.
    last_seen_at: Mapped[datetime | None]
    last_lesson_at: Mapped[datetime | None]
    last_quiz_at: Mapped[datetime | None]
    last_activity_at: Mapped[datetime | None]
