"""Demo enrolments: the demo trainees in the demo courses, a request awaiting approval, a managed participant."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.accounts.models import Country, User
from app.accounts.services import find_user_by_email
from app.catalogue.models import Course
from app.core.db import utcnow
from app.core.demo import demo_seeder
from app.enrolment.models import Enrolment, EnrolmentEvent, EnrolmentStatus
from app.extensions import db

#: (trainee e-mail, course key, status)
PLAN = [
    ("kursant@example.com", "cnc-technologist-operator", EnrolmentStatus.ENROLLED),
    ("kursant@example.com", "mig-mag-tig-welding", EnrolmentStatus.ENROLLED),
    ("kursante@example.com", "mig-mag-tig-welding", EnrolmentStatus.ENROLLED),
    ("kursante@example.com", "laser-cutting-operator", EnrolmentStatus.REQUESTED),
    ("trainee@example.com", "cnc-technologist-operator", EnrolmentStatus.ENROLLED),
    ("trainee@example.com", "logistics-production-management", EnrolmentStatus.ENROLLED),
]
MANAGED = [("Zbigniew Wróblewski", Country.PL, "Zakład Mechaniki Precyzyjnej Łomża", "cnc-technologist-operator"),
           ("Vytautas Jankauskas", Country.LT, "UAB Suvirinimo technologijos", "mig-mag-tig-welding")]


#: The demo enrolments were made before the demo meetings (which count only for people enrolled by their start).
ENROLLED_AGO = timedelta(days=60)


def _ensure(user: User, course: Course, status: EnrolmentStatus) -> None:
    if db.session.scalar(select(Enrolment.id).where(Enrolment.user_id == user.id, Enrolment.course_id == course.id)):
        return
    since = utcnow() - ENROLLED_AGO
    enrolment = Enrolment(user_id=user.id, course_id=course.id, status=status, created_at=since,
                          status_changed_at=since)
    db.session.add(enrolment)
    db.session.flush()
    db.session.add(EnrolmentEvent(enrolment_id=enrolment.id, to_status=status, source="demo", created_at=since))


@demo_seeder(order=40)
def seed_demo_enrolments() -> None:
    courses = {c.key: c for c in db.session.scalars(select(Course))}
    for email, key, status in PLAN:
        user = find_user_by_email(email)
        if user and key in courses:
            _ensure(user, courses[key], status)
    for name, country, company, key in MANAGED:
        if key not in courses:
            continue
        person = db.session.scalar(select(User).where(User.full_name == name, User.email.is_(None)))
        if person is None:
            person = User(email=None, full_name=name, country=country, company_name=company,
                          language="lt" if country == Country.LT else "pl",
                          timezone="Europe/Vilnius" if country == Country.LT else "Europe/Warsaw")
            db.session.add(person)
            db.session.flush()
        _ensure(person, courses[key], EnrolmentStatus.ENROLLED)
    db.session.flush()
