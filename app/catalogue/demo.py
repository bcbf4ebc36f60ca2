"""Demo courses: the starter curricula from ``courses/``, published and taught by the demo trainers."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from app.accounts.services import find_user_by_email
from app.catalogue import importer
from app.catalogue.models import Course, CourseStatus
from app.core.db import utcnow
from app.core.demo import demo_seeder
from app.extensions import db

COURSES_DIR = Path(__file__).resolve().parents[2] / "courses"
#: specialisation code -> e-mails of the demo trainers who teach its course
TEACHING = {"cnc": ["trener@example.com"], "welding": ["mokytojas@example.com"],
            "laser": ["trener@example.com", "mokytojas@example.com"], "logistics": ["mokytojas@example.com"]}


@demo_seeder(order=20)
def seed_demo_courses() -> None:
    if not (COURSES_DIR / "specialisations.yaml").exists():
        return
    importer.import_courses(COURSES_DIR)  # replaced material files are deleted once the seeding commits
    for course in db.session.scalars(select(Course)):
        if course.status == CourseStatus.DRAFT and course.published_at is None:
            course.status, course.published_at = CourseStatus.PUBLISHED, utcnow()
        for email in TEACHING.get(course.specialisation.code, []):
            trainer = find_user_by_email(email)
            if trainer and trainer not in course.trainers:
                course.trainers.append(trainer)
    db.session.flush()
