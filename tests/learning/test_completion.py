"""One definition of "complete": each rule component alone and together; corrections flip it with history."""

import io
from datetime import timedelta

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from app.catalogue.models import Course
from app.certificates import services as certificate_services
from app.certificates.models import Certificate
from app.core.db import utcnow
from app.core.permissions import Role
from app.enrolment.models import Enrolment
from app.learning import progress
from app.learning.completion import check_rule, evaluate_completion
from app.learning.models import CompletionEvent, QuizAttempt
from app.training.models import AttendanceMethod, AttendanceStatus
from app.training.services import record_attendance
from tests.factories import create_user
from tests.factories.catalogue import create_course
from tests.factories.enrolment import enrol
from tests.factories.learning import create_quiz
from tests.factories.training import create_meeting


def rule(course, lessons="none", quizzes="none", attendance=0):
    course.completion_rule = {"lessons": lessons, "quizzes": quizzes, "min_attendance_percent": attendance}


def finish_lessons(user, course):
    for module in course.modules:
        for lesson in module.lessons:
            progress.mark_done(user, lesson)


def pass_quiz(user, quiz):
    from app.core.db import utcnow as now

    attempt = QuizAttempt(quiz_id=quiz.id, user_id=user.id, submitted_at=now(), snapshot=[], percent=100,
                          passed=True, score=1, max_score=1)
    from app.extensions import db

    db.session.add(attempt)
    db.session.flush()


@pytest.fixture
def setup(db):
    trainer = create_user(Role.TRAINER)
    course = create_course(trainers=[trainer], modules=2, lessons_per_module=2)
    trainee = create_user(full_name="Gražina Šimkutė", language="lt")
    enrolment = enrol(trainee, course)
    return trainer, course, trainee, enrolment


def test_lessons_alone(db, setup):
    _, course, trainee, enrolment = setup
    rule(course, lessons="all")
    assert not evaluate_completion(enrolment)
    finish_lessons(trainee, course)  # completion is evaluated by the progress change itself
    assert enrolment.completed_at is not None


def test_quizzes_alone(db, setup):
    _, course, trainee, enrolment = setup
    rule(course, quizzes="all")
    quiz = create_quiz(course)
    assert not evaluate_completion(enrolment)
    pass_quiz(trainee, quiz)
    assert evaluate_completion(enrolment)


def test_attendance_alone_and_waived_without_meetings(db, setup):
    trainer, course, trainee, enrolment = setup
    rule(course, attendance=80)
    assert evaluate_completion(enrolment)  # no meeting planned: waived
    db.session.query(CompletionEvent).delete()
    enrolment.completed_at = None
    meetings = [create_meeting(course, trainer=trainer, starts_at=utcnow() - timedelta(days=d)) for d in (3, 2)]
    assert not evaluate_completion(enrolment)
    record_attendance(meetings[0], trainee, AttendanceStatus.PRESENT, None, trainer, AttendanceMethod.ROSTER)
    assert enrolment.completed_at is None  # 50%
    record_attendance(meetings[1], trainee, AttendanceStatus.LATE, None, trainer, AttendanceMethod.ROSTER)
    assert enrolment.completed_at is not None  # 100%, through the attendance signal


def test_all_components_together(db, setup):
    trainer, course, trainee, enrolment = setup
    rule(course, lessons="all", quizzes="all", attendance=50)
    quiz = create_quiz(course)
    meeting = create_meeting(course, trainer=trainer, starts_at=utcnow() - timedelta(days=1))
    finish_lessons(trainee, course)
    pass_quiz(trainee, quiz)
    check = check_rule(trainee.id, course)
    assert check.lessons_ok and check.quizzes_ok and not check.attendance_ok
    assert not evaluate_completion(enrolment)
    record_attendance(meeting, trainee, AttendanceStatus.PRESENT, None, trainer, AttendanceMethod.ROSTER)
    assert enrolment.completed_at is not None


def test_an_attendance_correction_flips_completion_both_ways_with_history(db, setup):
    trainer, course, trainee, enrolment = setup
    rule(course, attendance=100)
    meeting = create_meeting(course, trainer=trainer, starts_at=utcnow() - timedelta(days=1))
    record_attendance(meeting, trainee, AttendanceStatus.PRESENT, None, trainer, AttendanceMethod.ROSTER)
    first_certificate = certificate_services.valid_for_enrolment(enrolment.id)
    assert enrolment.completed_at and first_certificate
    record_attendance(meeting, trainee, AttendanceStatus.ABSENT, "pomyłka w liście", trainer, AttendanceMethod.ROSTER)
    assert enrolment.completed_at is None
    assert first_certificate.revoked_at is not None and first_certificate.revoke_reason == "completion withdrawn"
    record_attendance(meeting, trainee, AttendanceStatus.PRESENT, None, trainer, AttendanceMethod.ROSTER)
    assert enrolment.completed_at is not None
    events = db.session.scalars(select(CompletionEvent).where(CompletionEvent.enrolment_id == enrolment.id)
                                .order_by(CompletionEvent.id)).all()
    assert [e.completed for e in events] == [True, False, True]
    assert "absent" in events[1].cause and events[1].actor_id == trainer.id
    certificates_now = db.session.scalars(select(Certificate).where(Certificate.enrolment_id == enrolment.id)).all()
    assert len(certificates_now) == 2 and sum(c.is_valid for c in certificates_now) == 1


def test_a_withdrawn_enrolment_is_not_evaluated(db, setup):
    _, course, trainee, enrolment = setup
    from app.enrolment.services import withdraw

    withdraw(enrolment, trainee)
    rule(course)
    assert not evaluate_completion(enrolment)


def certificate_for(db, setup):
    _, course, _trainee, enrolment = setup
    rule(course)
    evaluate_completion(enrolment)
    db.session.commit()
    return db.session.scalar(select(Certificate).where(Certificate.enrolment_id == enrolment.id))


def test_certificate_pdf_has_name_course_code_and_a_qr_to_the_verify_page(app, client, login, db, setup):
    certificate = certificate_for(db, setup)
    _, course, trainee, _ = setup
    login(trainee)
    pdf = client.get(f"/learning/certificates/{certificate.code}.pdf")
    assert pdf.status_code == 200
    reader = PdfReader(io.BytesIO(pdf.data))
    text = reader.pages[0].extract_text()
    assert "Gražina Šimkutė" in text and course.title["lt"] in text and certificate.code in text
    assert "Mokymų baigimo pažymėjimas" in text  # the holder's language
    image = reader.pages[0].images[0]
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.data)))
    assert decoded and decoded[0].text.endswith(f"/verify/{certificate.code}")
    bilingual = PdfReader(io.BytesIO(client.get(f"/learning/certificates/{certificate.code}.pdf?bilingual=1").data))
    both = bilingual.pages[0].extract_text()
    assert "Zaświadczenie o ukończeniu szkolenia" in both and "Mokymų baigimo pažymėjimas" in both


def test_verify_reports_valid_revoked_and_unknown_codes(client, login, db, setup):
    certificate = certificate_for(db, setup)
    page = client.get(f"/verify/{certificate.code}", headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Valid certificate." in html and "Gražina Šimkutė" in html
    assert setup[2].email not in html  # no personal data beyond name, course and date
    assert client.get(f"/verify/{certificate.code.lower().replace('-', '')}").status_code == 200
    unknown = client.get("/verify/AAAA-BBBB-CCCC", headers={"Accept-Language": "pl"})
    assert unknown.status_code == 404 and "Nie ma zaświadczenia o kodzie" in unknown.get_data(as_text=True)
    login(create_user(Role.COORDINATOR))
    assert client.post_form(f"/learning/certificates/{certificate.id}/revoke", {"reason": ""}).status_code == 303
    db.session.refresh(certificate)
    assert certificate.is_valid
    client.post_form(f"/learning/certificates/{certificate.id}/revoke", {"reason": "Błędne dane"})
    html = client.get(f"/verify/{certificate.code}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "This certificate has been revoked." in html


def test_only_coordinators_revoke_and_only_holders_download(client, login, db, setup):
    certificate = certificate_for(db, setup)
    login(create_user(Role.TRAINER))
    assert client.post_form(f"/learning/certificates/{certificate.id}/revoke", {"reason": "x"}).status_code == 403
    assert client.get(f"/learning/certificates/{certificate.code}.pdf").status_code == 403
    db.session.refresh(certificate)
    assert certificate.is_valid


def test_trainers_set_the_rule_and_everyone_is_evaluated_again(client, login, db, setup):
    trainer, course, _trainee, enrolment = setup
    login(trainer)
    response = client.post_form(f"/teach/courses/{course.id}/learning", {"lessons": "none", "quizzes": "none",
                                                                        "min_attendance_percent": "0"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Enrolment, enrolment.id).completed_at is not None
    assert client.post_form(f"/teach/courses/{course.id}/learning", {"lessons": "all", "quizzes": "none",
                                                                     "min_attendance_percent": "101"}).status_code \
        == 422
    client.post_form("/logout")
    login(create_user(Role.TRAINER))
    assert client.get(f"/teach/courses/{course.id}/learning").status_code == 403
    assert client.post_form(f"/teach/courses/{course.id}/learning", {"lessons": "all", "quizzes": "all",
                                                                     "min_attendance_percent": "100"}).status_code \
        == 403
    db.session.expire_all()
    assert db.session.get(Course, course.id).completion_rule["min_attendance_percent"] == 0
