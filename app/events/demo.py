"""Demo events (``flask seed-demo``): a coming study visit in Lithuania, full, with a waiting list; a members-only
cluster meeting; and a fair held last month with its attendance recorded."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.accounts.models import Country, User
from app.accounts.services import find_user_by_email
from app.core.db import utcnow
from app.core.demo import demo_seeder
from app.events.models import Event, EventKind, EventRegistration, EventVisibility, RegistrationStatus
from app.extensions import db
from app.training.models import Attendance, AttendanceChange, AttendanceMethod, AttendanceStatus, TrainingSession


def _event(organiser: User, kind: EventKind, visibility: EventVisibility, title: dict, summary: dict,
           programme: dict, starts: datetime, hours: float, venue: tuple, capacity: int | None) -> Event:
    company, address, country = venue
    meeting = TrainingSession(course_id=None, title=title, starts_at=starts, ends_at=starts + timedelta(hours=hours),
                              timezone=str(starts.tzinfo), venue_company=company, venue_address=address,
                              venue_country=country, capacity=capacity, language=country.value.lower())
    event = Event(kind=kind, visibility=visibility, title=title, summary=summary, programme=programme,
                  source_language="pl", organiser=organiser, meeting=meeting)
    db.session.add_all([meeting, event])
    db.session.flush()
    return event


def _register(event: Event, people: list[User], capacity: int | None, at: datetime) -> None:
    for position, person in enumerate(people):
        confirmed = capacity is None or position < capacity
        db.session.add(EventRegistration(
            event_id=event.id, user_id=person.id, created_at=at + timedelta(minutes=position),
            status=RegistrationStatus.CONFIRMED if confirmed else RegistrationStatus.WAITING,
            confirmed_at=at + timedelta(minutes=position) if confirmed else None))
    db.session.flush()


@demo_seeder(order=85)
def seed_demo_events() -> None:
    if db.session.scalar(select(Event.id).limit(1)) is not None:
        return
    organiser = find_user_by_email("koordynator@example.com")
    if organiser is None:
        return
    now, today = utcnow(), utcnow().date()
    people = [u for u in (find_user_by_email(e) for e in (
        "kursant@example.com", "kursante@example.com", "trainee@example.com", "trener@example.com",
        "mokytojas@example.com")) if u is not None]
    vilnius = ZoneInfo("Europe/Vilnius")
    visit = _event(organiser, EventKind.STUDY_VISIT, EventVisibility.PUBLIC,
                   {"pl": "Wizyta studyjna: obróbka laserowa w Kownie", "lt": "Studijų vizitas: lazerinis apdirbimas "
                    "Kaune", "en": "Study visit: laser cutting in Kaunas"},
                   {"pl": "Zwiedzanie hali produkcyjnej i pokaz cięcia laserowego.",
                    "lt": "Gamybos cecho apžiūra ir lazerinio pjovimo demonstracija."},
                   {"pl": "09:00 Powitanie\n10:00 Zwiedzanie hali\n12:00 Pokaz cięcia laserowego\n13:30 Obiad",
                    "lt": "09:00 Pasveikinimas\n10:00 Cecho apžiūra\n12:00 Lazerinio pjovimo demonstracija\n"
                          "13:30 Pietūs"},
                   datetime.combine(today + timedelta(days=12), time(9, 0), vilnius), 6,
                   ("UAB Kauno lazeris", "Pramonės pr. 16, LT-51329 Kaunas", Country.LT), 3)
    _register(visit, people, 3, now - timedelta(days=3))
    _event(organiser, EventKind.CLUSTER_MEETING, EventVisibility.MEMBERS,
           {"pl": "Spotkanie członków klastra", "lt": "Klasterio narių susitikimas"},
           {"pl": "Plan działań na kolejny rok."}, {},
           datetime.combine(today + timedelta(days=20), time(10, 0), ZoneInfo("Europe/Warsaw")), 3,
           ("Park Naukowo-Technologiczny Suwałki", "ul. Innowacyjna 1, 16-400 Suwałki", Country.PL), None)
    fair = _event(organiser, EventKind.FAIR, EventVisibility.PUBLIC,
                  {"pl": "Targi pracy w metalu", "lt": "Metalo darbo mugė"},
                  {"pl": "Firmy klastra przedstawiły oferty pracy i staży."}, {},
                  datetime.combine(today - timedelta(days=25), time(10, 0), ZoneInfo("Europe/Warsaw")), 5,
                  ("Hala Arena Suwałki", "ul. Wojska Polskiego 2, 16-400 Suwałki", Country.PL), None)
    _register(fair, people[:3], None, now - timedelta(days=30))
    for position, person in enumerate(people[:3]):
        status = AttendanceStatus.PRESENT if position != 2 else AttendanceStatus.ABSENT
        attendance = Attendance(session_id=fair.meeting_id, user_id=person.id, status=status,
                                method=AttendanceMethod.ROSTER, recorded_by_id=organiser.id)
        db.session.add(attendance)
        db.session.flush()
        db.session.add(AttendanceChange(attendance_id=attendance.id, to_status=status,
                                        method=AttendanceMethod.ROSTER, actor_id=organiser.id))
    db.session.flush()
