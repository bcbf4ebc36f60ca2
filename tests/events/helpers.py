"""Builders for events (committed, like the other factories)."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.accounts.models import Country, User
from app.core.db import utcnow
from app.events.models import Event, EventKind, EventVisibility
from app.extensions import db
from app.training.models import TrainingSession


def create_event(organiser: User, *, capacity: int | None = 10, starts_at: datetime | None = None,
                 hours: float = 4, visibility: EventVisibility = EventVisibility.PUBLIC,
                 kind: EventKind = EventKind.STUDY_VISIT, title: dict | None = None,
                 registration_deadline: datetime | None = None, timezone: str = "Europe/Vilnius",
                 **fields) -> Event:
    starts_at = starts_at or utcnow() + timedelta(days=7)
    title = title or {"pl": "Wizyta studyjna w Kownie", "lt": "Studijų vizitas Kaune"}
    meeting = TrainingSession(course_id=None, title=title, starts_at=starts_at,
                              ends_at=starts_at + timedelta(hours=hours), timezone=timezone,
                              venue_company="UAB Kauno lazeris", venue_address="Pramonės pr. 16, Kaunas",
                              venue_country=Country.LT, capacity=capacity, language="pl")
    event = Event(kind=kind, visibility=visibility, title=title, summary={"pl": "Pokaz cięcia laserowego."},
                  programme={"pl": "09:00 Powitanie\n10:00 Zwiedzanie"}, source_language="pl",
                  organiser=organiser, meeting=meeting, registration_deadline=registration_deadline, **fields)
    db.session.add_all([meeting, event])
    db.session.commit()
    return event
