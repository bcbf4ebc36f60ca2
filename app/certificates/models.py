"""Certificates: course and internship certificates, verifiable by anyone."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import TimestampMixin, enum_column
from app.extensions import db


class CertificateKind(enum.StrEnum):
    COURSE = "course"
    PLACEMENT = "placement"


class Certificate(TimestampMixin, db.Model):
    """A certificate (of a course or an internship); its facts are copied at issue time, so the document never
    changes afterwards. Enrolment, course and placement are referenced by table name only: certificates sit below
    the domains that issue them."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[CertificateKind] = mapped_column(enum_column(CertificateKind, length=32),
                                                  default=CertificateKind.COURSE)
    enrolment_id: Mapped[int | None] = mapped_column(ForeignKey("enrolments.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"), index=True)
    #: For internship certificates.
    placement_id: Mapped[int | None] = mapped_column(ForeignKey("placements.id"), index=True)
    holder_name: Mapped[str] = mapped_column(String(200))
    #: Course title per language and specialisation title per language, as on the day of issue.
    course_title: Mapped[dict] = mapped_column(JSON, default=dict)
    specialisation_title: Mapped[dict] = mapped_column(JSON, default=dict)
    hours: Mapped[int] = mapped_column(default=0)
    started_on: Mapped[datetime | None]
    completed_at: Mapped[datetime]
    language: Mapped[str] = mapped_column(String(8), default="pl")
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None
