"""Demo learning: progress for the demo trainees, one completed course with a certificate, and a quiz tried and
not yet passed in a course under way."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.accounts.services import find_user_by_email
from app.catalogue.models import Course, Lesson
from app.core.db import utcnow
from app.core.demo import demo_seeder
from app.enrolment.models import Enrolment, EnrolmentStatus
from app.extensions import db
from app.learning.completion import evaluate_completion
from app.learning.models import LessonProgress, ProgressSource, Quiz, QuizAttempt
from app.training.models import Attendance, AttendanceMethod, AttendanceStatus, TrainingSession


@demo_seeder(order=70)
def seed_demo_learning() -> None:
    person = find_user_by_email("kursant@example.com")
    course = db.session.scalar(select(Course).where(Course.key == "mig-mag-tig-welding"))
    if person is None or course is None:
        return
    _seed_failed_attempt(person, course)
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == person.id,
                                                          Enrolment.course_id == course.id))
    if enrolment is None or enrolment.status != EnrolmentStatus.ENROLLED or enrolment.completed_at:
        return
    now = utcnow()
    for lesson in db.session.scalars(select(Lesson).where(Lesson.course_id == course.id)):
        if db.session.scalar(select(LessonProgress.id).where(LessonProgress.user_id == person.id,
                                                             LessonProgress.lesson_id == lesson.id)) is None:
            db.session.add(LessonProgress(user_id=person.id, lesson_id=lesson.id, course_id=course.id,
                                          first_opened_at=now - timedelta(days=10),
                                          completed_at=now - timedelta(days=9), completed_via=ProgressSource.READ))
    for quiz in db.session.scalars(select(Quiz).where(Quiz.course_id == course.id)):
        db.session.add(QuizAttempt(quiz_id=quiz.id, user_id=person.id, started_at=now - timedelta(days=8),
                                   submitted_at=now - timedelta(days=8), snapshot=[], answers={}, results=[],
                                   score=1, max_score=1, percent=100, passed=True))
    # The demo meetings of the course are all counted as attended (past and future), for a complete example.
    for meeting in db.session.scalars(select(TrainingSession).where(TrainingSession.course_id == course.id,
                                                                    TrainingSession.starts_at <= now)):
        attendance = db.session.scalar(select(Attendance).where(Attendance.session_id == meeting.id,
                                                                Attendance.user_id == person.id))
        if attendance is None:
            db.session.add(Attendance(session_id=meeting.id, user_id=person.id, status=AttendanceStatus.PRESENT,
                                      method=AttendanceMethod.ROSTER))
        else:
            attendance.status = AttendanceStatus.PRESENT
    db.session.flush()
    evaluate_completion(enrolment, None, cause="demo data")


def _seed_failed_attempt(person, finished_course: Course) -> None:
    """The first quiz of the trainee's first course under way, tried once and failed: its result page."""
    quiz = db.session.scalar(select(Quiz).join(Enrolment, Enrolment.course_id == Quiz.course_id).where(
        Enrolment.user_id == person.id, Enrolment.status == EnrolmentStatus.ENROLLED,
        Quiz.course_id != finished_course.id).order_by(Quiz.course_id, Quiz.id).limit(1))
    if quiz is None or db.session.scalar(select(QuizAttempt.id).where(QuizAttempt.quiz_id == quiz.id,
                                                                      QuizAttempt.user_id == person.id)):
        return
    tried = utcnow() - timedelta(days=2)
    db.session.add(QuizAttempt(quiz_id=quiz.id, user_id=person.id, started_at=tried, submitted_at=tried,
                               snapshot=[], answers={}, results=[], score=1, max_score=3, percent=100 / 3,
                               passed=False))
