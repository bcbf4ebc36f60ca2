"""The weekly at-risk notices: each trainer hears of the at-risk trainees of their own courses, each of those
trainees gets a nudge about themselves; once a week, Monday morning."""

from datetime import UTC, date, datetime, timedelta

import pytest

from app.core.db import utcnow
from app.core.permissions import Role
from app.jobs.outbox import HANDLERS
from app.jobs.schedule import SCHEDULE
from app.reporting.risk import notify_at_risk
from tests.factories import create_user
from tests.factories.catalogue import create_course
from tests.factories.enrolment import enrol
from tests.notifications.helpers import body_of, deliver, kinds_of, notices, shown

NO_RULE = {"lessons": "none", "quizzes": "none", "min_attendance_percent": 0}


def enrolled_long_ago(person, course, days=30):
    """Enrolled ``days`` ago and not seen since."""
    enrolment = enrol(person, course)
    enrolment.created_at = utcnow() - timedelta(days=days)
    return enrolment


@pytest.fixture
def classes(db):
    trainer, other_trainer = create_user(Role.TRAINER, language="pl"), create_user(Role.TRAINER)
    coordinator = create_user(Role.COORDINATOR)
    course = create_course(trainers=[trainer], completion_rule=NO_RULE,
                           title={"pl": "Obróbka CNC", "en": "CNC machining"})
    other_course = create_course(trainers=[other_trainer], completion_rule=NO_RULE)
    long_over = create_course(trainers=[trainer], completion_rule=NO_RULE, ends_on=date.today() - timedelta(days=40))
    quiet = create_user(full_name="Cichy Nowak", language="pl")
    fresh = create_user(full_name="Nowy Świeży")
    elsewhere = create_user(full_name="Obcy Kursant")
    enrolled_long_ago(quiet, course)
    enrol(fresh, course)  # enrolled today: not at risk
    enrolled_long_ago(elsewhere, other_course)
    enrolled_long_ago(create_user(full_name="Dawno Temu"), long_over)
    db.session.commit()
    return trainer, other_trainer, coordinator, quiet, fresh, elsewhere


def test_each_trainer_gets_a_digest_of_their_own_courses_and_each_trainee_a_nudge(db, classes):
    trainer, other_trainer, coordinator, quiet, fresh, elsewhere = classes
    assert notify_at_risk() == (2, 2)
    assert notify_at_risk() == (0, 0)  # the same week: once
    db.session.commit()
    [digest] = notices(trainer)
    assert digest.kind == "risk.digest" and digest.link == "/reports/at-risk"
    title, body = shown(digest)
    assert title == "Zagrożeni uczestnicy Twoich kursów w tym tygodniu: 1"
    assert body == "- Cichy Nowak, Obróbka CNC: brak aktywności od zapisu 30 dni temu"
    assert "Obcy Kursant" not in body and "Dawno Temu" not in body  # another trainer's; a course long over
    assert "Obcy Kursant" in shown(notices(other_trainer)[0])[1]
    [nudge] = notices(quiet)
    assert nudge.kind == "risk.nudge" and nudge.link.startswith("/courses/")
    assert shown(nudge) == ("Masz zaległości w kursie Obróbka CNC",
                            "Co widzimy: brak aktywności od zapisu 30 dni temu. Otwórz kurs, aby nadrobić "
                            "zaległości, albo poproś trenera o pomoc.")
    assert kinds_of(fresh) == kinds_of(coordinator) == []
    assert "Cichy Nowak" not in str(notices(elsewhere)[0].params)  # a nudge speaks of its reader only
    [mail] = deliver(digest)
    assert mail["To"] == trainer.email and "- Cichy Nowak, Obróbka CNC" in body_of(mail)


def test_a_course_that_just_ended_reaches_the_trainer_but_no_longer_nudges(db):
    trainer = create_user(Role.TRAINER)
    ended = create_course(trainers=[trainer], completion_rule=NO_RULE, ends_on=date.today() - timedelta(days=2))
    trainee = create_user(full_name="Prawie Koniec")
    enrolled_long_ago(trainee, ended)
    db.session.commit()
    HANDLERS["reporting.at_risk_notices"].run({})
    assert "Prawie Koniec" in shown(notices(trainer)[0])[1]
    assert notices(trainee) == []


def test_the_notices_leave_on_monday_morning(app):
    scheduled = SCHEDULE["reporting.at_risk_notices"]
    assert scheduled.is_due(datetime(2031, 3, 10, 6, 30, tzinfo=UTC))  # a Monday
    assert not scheduled.is_due(datetime(2031, 3, 11, 6, 30, tzinfo=UTC))
