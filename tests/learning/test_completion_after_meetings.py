"""Completion counts the meetings a trainee belongs to and waits for the course's last meeting; the certificate
follows completion."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import Country
from app.certificates import services as certificate_services
from app.certificates.models import Certificate
from app.core.db import utcnow
from app.core.permissions import Role
from app.learning import completion
from app.learning.completion import check_rule, evaluate_completion
from app.training.models import AttendanceMethod, AttendanceStatus
from app.training.services import cancel_meeting, record_attendance
from tests.factories import create_user
from tests.factories.catalogue import create_course
from tests.factories.enrolment import enrol
from tests.factories.training import create_meeting


def ago(**delta):
    return utcnow() - timedelta(**delta)


def present(meeting, person, trainer):
    record_attendance(meeting, person, AttendanceStatus.PRESENT, None, trainer, AttendanceMethod.ROSTER)


@pytest.fixture
def course(db):
    trainer = create_user(Role.TRAINER)
    course = create_course(trainers=[trainer])
    course.completion_rule = {"lessons": "none", "quizzes": "none", "min_attendance_percent": 80}
    return trainer, course


def certificates_of(db, enrolment):
    return db.session.scalars(select(Certificate).where(Certificate.enrolment_id == enrolment.id)).all()


def test_a_trainee_enrolled_after_two_meetings_who_attends_the_rest_completes(db, course):
    trainer, course = course
    meetings = [create_meeting(course, trainer=trainer, starts_at=ago(days=d)) for d in (10, 8, 4, 2)]
    late = create_user(full_name="Ona Vėlyvoji")
    enrolment = enrol(late, course, since=ago(days=6))
    present(meetings[2], late, trainer)
    assert enrolment.completed_at is None  # 1 of their 2
    present(meetings[3], late, trainer)
    assert check_rule(late.id, course).attendance == 1.0
    assert enrolment.completed_at is not None and certificate_services.valid_for_enrolment(enrolment.id)


def test_no_certificate_while_a_later_meeting_is_planned_and_one_once_the_last_is_recorded(db, course):
    trainer, course = course
    held = create_meeting(course, trainer=trainer, starts_at=ago(days=3))
    last = create_meeting(course, trainer=trainer, starts_at=utcnow() + timedelta(days=7))
    person = create_user()
    enrolment = enrol(person, course)
    present(held, person, trainer)  # 100 % of the meetings held so far
    check = check_rule(person.id, course)
    assert check.requirements_met and not check.meetings_over and check.last_meeting_at == last.starts_at
    assert enrolment.completed_at is None and certificates_of(db, enrolment) == []
    last.starts_at, last.ends_at = ago(minutes=20), utcnow() + timedelta(hours=2)  # the day came
    db.session.flush()
    present(last, person, trainer)
    assert enrolment.completed_at is not None
    assert len(certificates_of(db, enrolment)) == 1 and certificates_of(db, enrolment)[0].is_valid


def test_people_nobody_marked_at_the_last_meeting_complete_once_it_has_started(db, course):
    trainer, course = course
    held = [create_meeting(course, trainer=trainer, starts_at=ago(days=d)) for d in (9, 6, 3, 1)]
    last = create_meeting(course, trainer=trainer, starts_at=utcnow() + timedelta(hours=1))
    person = create_user()
    enrolment = enrol(person, course)
    for meeting in held:
        present(meeting, person, trainer)
    assert enrolment.completed_at is None
    assert completion.complete_after_meetings() == 0  # the last meeting has not started
    last.starts_at = ago(minutes=30)  # absent from it: 4 of 5 is still 80 %
    db.session.flush()
    assert completion.complete_after_meetings() == 1
    assert enrolment.completed_at is not None and certificate_services.valid_for_enrolment(enrolment.id)


def test_cancelling_the_last_planned_meeting_completes_whoever_met_the_rest(db, course):
    trainer, course = course
    held = create_meeting(course, trainer=trainer, starts_at=ago(days=2))
    coming = create_meeting(course, trainer=trainer, starts_at=utcnow() + timedelta(days=5))
    person = create_user()
    enrolment = enrol(person, course)
    present(held, person, trainer)
    assert enrolment.completed_at is None
    cancel_meeting(trainer, coming, "Awaria maszyny")
    assert enrolment.completed_at is not None and certificate_services.valid_for_enrolment(enrolment.id)


def test_a_meeting_added_after_completion_does_not_take_the_certificate_back(db, course):
    trainer, course = course
    held = create_meeting(course, trainer=trainer, starts_at=ago(days=2))
    person = create_user()
    enrolment = enrol(person, course)
    present(held, person, trainer)
    certificate = certificate_services.valid_for_enrolment(enrolment.id)
    assert enrolment.completed_at is not None and certificate
    create_meeting(course, trainer=trainer, starts_at=utcnow() + timedelta(days=10))
    assert evaluate_completion(enrolment)
    assert certificate.is_valid and len(certificates_of(db, enrolment)) == 1


def test_the_trainee_is_told_the_course_completes_after_its_last_meeting(client, login, db, course):
    trainer, course = course
    create_meeting(course, trainer=trainer, starts_at=ago(days=2))
    create_meeting(course, trainer=trainer, starts_at=utcnow() + timedelta(days=12))
    for language, text in (("en", "The course is completed after its last meeting, on"),
                           ("pl", "Kurs kończy się po ostatnim spotkaniu,"),
                           ("lt", "Kursas baigiamas po paskutinio susitikimo,")):
        person = create_user(language=language, country=Country.LT if language == "lt" else Country.PL)
        enrol(person, course)
        login(person)
        page = client.get(f"/courses/{course.id}").get_data(as_text=True)
        assert text in page, language
        assert text in client.get("/learning/").get_data(as_text=True), language
        client.post_form("/logout")
    login(create_user(language="en"))
    page = client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert "To complete this course" not in page  # not enrolled: the outline only
