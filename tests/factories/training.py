"""Builders for meetings and attendance."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.accounts.models import Country
from app.core.db import utcnow
from app.extensions import db
from app.training.models import TrainingSession


def create_meeting(course, *, starts_at: datetime | None = None, hours: float = 3, trainer=None,
                   timezone: str = "Europe/Warsaw", title: str | dict = "Spotkanie warsztatowe", language: str = "pl",
                   **fields) -> TrainingSession:
    starts_at = starts_at or utcnow() - timedelta(minutes=10)  # running now by default
    fields = {"venue_company": "Metal-Tech Suwałki", "venue_address": "ul. Sejneńska 78, Suwałki",
              "venue_country": Country.PL, **fields}
    # A plain string is the title in the course's source language (most tests need one title only).
    title = title if isinstance(title, dict) else {course.source_language: title}
    meeting = TrainingSession(course_id=course.id, title=title, starts_at=starts_at,
                              ends_at=starts_at + timedelta(hours=hours), timezone=timezone, trainer=trainer,
                              language=language, **fields)
    db.session.add(meeting)
    db.session.commit()
    return meeting
