"""Learning's home panels: the lesson to continue and what each certificate still needs (the completion rule
itself, batched), a trainee's page in a fixed number of queries, and who sees which panel."""

from __future__ import annotations

from datetime import timedelta

from app.core.db import utcnow
from app.core.home import home_panels
from app.core.permissions import Role
from app.learning import completion, progress
from app.learning.home import certificate_gaps, continue_learning
from app.learning.models import LessonProgress
from app.training import services
from app.training.models import AttendanceMethod, AttendanceStatus
from tests.factories import create_user
from tests.factories.catalogue import create_course
from tests.factories.enrolment import enrol
from tests.factories.learning import create_quiz
from tests.factories.training import create_meeting
from tests.querycount import assert_queries_do_not_grow


def lessons_of(course):
    return [lesson for module in course.modules for lesson in module.lessons]


def test_the_lesson_to_continue_is_the_first_not_done_of_the_course_worked_in_last(db):
    trainee = create_user()
    first, second = create_course(modules=1, lessons_per_module=3), create_course(modules=1, lessons_per_module=3)
    enrol(trainee, first)
    enrol(trainee, second)
    assert continue_learning(trainee)["enrolment"].course_id == second.id  # nothing opened yet: the latest one
    progress.mark_done(trainee, lessons_of(first)[0])
    db.session.commit()
    data = continue_learning(trainee)
    assert data["enrolment"].course_id == first.id
    assert data["progress"].next_lesson.id == lessons_of(first)[1].id
    assert data["percent"] == 33
    # Older activity in the first course, newer in the second: the second is continued.
    db.session.execute(db.update(LessonProgress).values(last_opened_at=utcnow() - timedelta(days=3)))
    progress.lesson_opened(trainee, lessons_of(second)[0])
    db.session.commit()
    assert continue_learning(trainee)["progress"].next_lesson.id == lessons_of(second)[0].id


def test_nothing_to_continue_without_courses(client, login, db):
    trainee = create_user()
    assert continue_learning(trainee) == {"enrolment": None, "progress": None, "percent": 0}
    assert certificate_gaps(trainee) == {"courses": []}
    login(trainee)
    page = client.get("/").get_data(as_text=True)
    assert "No meeting today." in page and "No course to continue." in page
    assert "Nothing missing: no course in progress." in page


def test_what_each_certificate_still_needs_is_what_the_completion_rule_says(db):
    trainee = create_user()
    course = create_course(modules=1, lessons_per_module=3)
    course.completion_rule = {"lessons": "all", "quizzes": "all", "min_attendance_percent": 80}
    quiz = create_quiz(course)
    enrol(trainee, course)
    held = [create_meeting(course, starts_at=utcnow() - timedelta(days=d)) for d in (3, 2)]
    services.record_attendance(held[0], trainee, AttendanceStatus.PRESENT, None, None, AttendanceMethod.ROSTER)
    services.record_attendance(held[1], trainee, AttendanceStatus.ABSENT, None, None, AttendanceMethod.ROSTER)
    progress.mark_done(trainee, lessons_of(course)[0])
    db.session.commit()
    (item,) = certificate_gaps(trainee)["courses"]
    assert (item.check.missing_lessons, item.check.missing_quizzes, item.check.attendance_ok,
            item.check.attendance) == (2, 1, False, 0.5)
    # Batched or one by one, the rule says the same.
    assert item.check == completion.check_rule(trainee.id, course)
    assert quiz.id


def test_a_completed_course_needs_nothing_more(db):
    trainee = create_user()
    course = create_course(modules=1, lessons_per_module=1)
    course.completion_rule = {"lessons": "all", "quizzes": "none", "min_attendance_percent": 0}
    enrolment = enrol(trainee, course)
    progress.mark_done(trainee, lessons_of(course)[0])
    db.session.commit()
    db.session.refresh(enrolment)
    assert enrolment.completed_at is not None
    assert certificate_gaps(trainee)["courses"] == []
    assert continue_learning(trainee)["enrolment"] is None


def test_the_trainees_page_names_the_missing_parts(client, login, db):
    trainee = create_user(language="pl")
    course = create_course(modules=1, lessons_per_module=2)
    course.completion_rule = {"lessons": "all", "quizzes": "none", "min_attendance_percent": 0}
    db.session.commit()
    enrol(trainee, course)
    login(trainee)
    page = client.get("/").get_data(as_text=True)
    assert "Kurs" in page and "Lekcja 1.1" in page
    assert "Zostały 2 lekcje" in page


def test_a_trainee_sees_only_the_trainees_panels(db):
    names = {panel.name for panel, _data in home_panels(create_user())}
    assert names == {"training.today", "learning.continue", "learning.certificate"}


def test_the_trainees_home_page_runs_a_fixed_number_of_queries(client, login, db):
    trainee = create_user()

    def grow(n):
        for _ in range(n):
            course = create_course(modules=2, lessons_per_module=n)
            create_quiz(course)
            enrol(trainee, course)
            progress.mark_done(trainee, lessons_of(course)[0])
            for day in range(n):
                meeting = create_meeting(course, starts_at=utcnow() - timedelta(days=day + 1))
                services.record_attendance(meeting, trainee, AttendanceStatus.PRESENT, None, None,
                                           AttendanceMethod.ROSTER)
                create_meeting(course, starts_at=utcnow() + timedelta(minutes=20 + day))  # today and to come
        db.session.commit()

    grow(1)
    login(trainee)
    assert_queries_do_not_grow(client, "/", grow, 4)
    assert trainee.role == Role.TRAINEE
