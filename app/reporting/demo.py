"""Demo indicators: the targets of the project this platform comes from (88 trainees, 12 internships, 3 meetings
per specialisation), over a demo project period around today."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.accounts.models import Country
from app.core.demo import demo_seeder
from app.extensions import db
from app.reporting.models import Indicator, Measure

#: (code, measure, unit, milestone, target, country, names pl/lt/en)
INDICATORS = [
    ("W1", Measure.TRAINEES_ENROLLED, "persons", 44, 88, None,
     ("Liczba uczestników szkoleń", "Mokymų dalyvių skaičius", "Trainees taking part in training")),
    ("W1.1", Measure.TRAINEES_ENROLLED, "persons", 22, 44, Country.LT,
     ("w tym uczestnicy z Litwy", "iš jų dalyviai iš Lietuvos", "of whom trainees from Lithuania")),
    ("W2", Measure.TRAINEES_COMPLETED, "persons", 30, 80, None,
     ("Liczba osób, które ukończyły szkolenie", "Mokymus baigusių asmenų skaičius", "Trainees who completed training")),
    ("W3", Measure.MEETINGS_HELD, "meetings", 6, 12, None,
     ("Spotkania szkoleniowe w firmach", "Mokymo susitikimai įmonėse", "Training meetings held in companies")),
    ("W4", Measure.ATTENDANCE_RATE, "%", 80, 80, None,
     ("Frekwencja na spotkaniach", "Susitikimų lankomumas", "Attendance at meetings")),
    ("W5", Measure.PLACEMENTS_COMPLETED, "persons", 4, 12, None,
     ("Liczba osób, które odbyły staż", "Praktiką atlikusių asmenų skaičius", "Trainees who completed an internship")),
    ("W5.1", Measure.CROSS_BORDER_PLACEMENTS, "persons", 3, 10, None,
     ("w tym staże w firmach po drugiej stronie granicy", "iš jų praktikos įmonėse kitoje sienos pusėje",
      "of whom in firms across the border")),
]


@demo_seeder(order=90)
def seed_demo_indicators() -> None:
    if db.session.scalar(select(Indicator.id).limit(1)) is not None:
        return
    today = date.today()
    start, end = today - timedelta(days=120), today + timedelta(days=240)
    for position, (code, measure, unit, milestone, target, country, (pl, lt, en)) in enumerate(INDICATORS):
        db.session.add(Indicator(code=code, measure=measure, unit=unit, baseline=0, milestone_value=milestone,
                                 milestone_on=today + timedelta(days=60), target_value=target, country=country,
                                 name={"pl": pl, "lt": lt, "en": en}, period_start=start, period_end=end,
                                 position=position))
    db.session.flush()


@demo_seeder(order=91)
def seed_demo_quiet_trainee() -> None:
    """One demo trainee enrolled a month ago without any activity since, so the at-risk list has an example."""
    from app.accounts.services import find_user_by_email
    from app.core.db import utcnow
    from app.enrolment.models import Enrolment, EnrolmentStatus

    person = find_user_by_email("kursante@example.com")
    if person is None:
        return
    for enrolment in db.session.scalars(select(Enrolment).where(Enrolment.user_id == person.id,
                                                                Enrolment.status == EnrolmentStatus.ENROLLED)):
        enrolment.created_at = min(enrolment.created_at, utcnow() - timedelta(days=30))
    db.session.flush()
