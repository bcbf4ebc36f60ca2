"""Demo meetings: three per course at cluster firms on both sides of the border, the first one already held — all
three in the welding course, whose programme is over (the learning demo completes it, with a certificate)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.accounts.models import Country
from app.catalogue.models import Course
from app.core.db import utcnow
from app.core.demo import demo_seeder
from app.enrolment.models import Enrolment, EnrolmentStatus
from app.extensions import db
from app.training.models import Attendance, AttendanceChange, AttendanceMethod, AttendanceStatus, TrainingSession

VENUES = [
    ("Zakład Mechaniki Precyzyjnej Łomża", "ul. Zjazd 23, 18-400 Łomża", Country.PL, "Europe/Warsaw", "pl"),
    ("UAB Marijampolės metalas", "Gamyklų g. 7, LT-68108 Marijampolė", Country.LT, "Europe/Vilnius", "lt"),
    ("Metal-Tech Suwałki Sp. z o.o.", "ul. Sejneńska 78, 16-400 Suwałki", Country.PL, "Europe/Warsaw", "pl"),
]
#: The course whose meetings are all over (a certificate needs the programme finished: ``learning.completion``).
FINISHED_COURSE = "mig-mag-tig-welding"
#: Titled in the three languages (the third meeting in two, so the pages show a fallback and the missing-language
#: notice).
TITLES = [{"pl": f"Spotkanie warsztatowe {n}", "lt": f"Praktinis užsiėmimas {n}", "en": f"Workshop {n}"}
          for n in (1, 2)] + [{"pl": "Spotkanie warsztatowe 3", "lt": "Praktinis užsiėmimas 3"}]


@demo_seeder(order=45)
def seed_demo_meetings() -> None:
    today = utcnow().date()
    for index, course in enumerate(db.session.scalars(select(Course).order_by(Course.id))):
        if db.session.scalar(select(TrainingSession.id).where(TrainingSession.course_id == course.id)):
            continue
        trainer = course.trainers[0] if course.trainers else None
        for number, (company, address, country, zone, language) in enumerate(VENUES):
            offset = -35 + 14 * number if course.key == FINISHED_COURSE else -14 + 21 * number
            day = today + timedelta(days=offset + index)
            starts = datetime.combine(day, time(9, 0), ZoneInfo(zone))
            meeting = TrainingSession(course=course, title=dict(TITLES[number]), starts_at=starts,
                                      ends_at=starts + timedelta(hours=6), timezone=zone, venue_company=company,
                                      venue_address=address, venue_country=country, trainer=trainer,
                                      language=language)
            db.session.add(meeting)
            db.session.flush()
            if meeting.starts_at <= utcnow():  # a meeting held: its attendance is recorded
                enrolled = db.session.scalars(select(Enrolment).where(
                    Enrolment.course_id == course.id, Enrolment.status == EnrolmentStatus.ENROLLED))
                for position, enrolment in enumerate(enrolled):
                    status = AttendanceStatus.PRESENT if position % 4 != 3 else AttendanceStatus.ABSENT
                    attendance = Attendance(session_id=meeting.id, user_id=enrolment.user_id, status=status,
                                            method=AttendanceMethod.ROSTER, recorded_by_id=trainer.id if trainer
                                            else None)
                    db.session.add(attendance)
                    db.session.flush()
                    db.session.add(AttendanceChange(attendance_id=attendance.id, to_status=status,
                                                    method=AttendanceMethod.ROSTER,
                                                    actor_id=trainer.id if trainer else None))
    db.session.flush()
