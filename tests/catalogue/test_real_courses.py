"""The starter curricula shipped in courses/ import cleanly and meet the programme's minimum."""

from pathlib import Path

from sqlalchemy import select

from app.catalogue import importer
from app.catalogue.models import Course, Lesson, Specialisation
from tests.catalogue.test_importer import snapshot

COURSES = Path(__file__).resolve().parents[2] / "courses"


def test_every_specialisation_has_a_full_course_in_three_languages(db):
    importer.import_courses(COURSES)
    db.session.commit()
    specialisations = {s.code: s for s in db.session.scalars(select(Specialisation))}
    assert set(specialisations) == {"cnc", "welding", "laser", "logistics"}
    for spec in specialisations.values():
        courses = list(db.session.scalars(select(Course).where(Course.specialisation_id == spec.id)))
        assert courses, spec.code
        for course in courses:
            lessons = list(db.session.scalars(select(Lesson).where(Lesson.course_id == course.id)))
            assert len(course.modules) >= 3 and len(lessons) >= 8, course.key
            for item in [course, *course.modules, *lessons]:
                assert set(item.title) == {"pl", "lt", "en"}, (course.key, item.key if hasattr(item, "key") else "")
            for lesson in lessons:
                assert set(lesson.body) == {"pl", "lt", "en"} and all(len(t) > 400 for t in lesson.body.values())


def test_importing_the_real_courses_twice_gives_the_same_database(db):
    importer.import_courses(COURSES)
    db.session.commit()
    before = snapshot(db)
    report = importer.import_courses(COURSES)
    db.session.commit()
    db.session.expire_all()
    assert not report.changed and snapshot(db) == before


def test_every_course_imports_quizzes_using_every_question_type(db):
    from app.learning.models import Question, Quiz

    importer.import_courses(COURSES)
    db.session.commit()
    for course in db.session.scalars(select(Course)):
        quizzes = list(db.session.scalars(select(Quiz).where(Quiz.course_id == course.id)))
        assert len(quizzes) >= 2, course.key
        kinds = {q.type.value for q in db.session.scalars(select(Question).where(Question.course_id == course.id))}
        assert kinds == {"single", "multiple", "true_false", "numeric", "short_text"}, course.key


def test_the_import_reports_its_progress_in_bytes_up_to_the_folders_size(db):
    from contextlib import contextmanager

    from app.core.progress import Progress

    class Recorder(Progress):
        steps: list = []

        @contextmanager
        def step(self, label, total):
            done = []
            yield done.append
            self.steps.append((label, total, sum(done), len(done)))

    importer.import_courses(COURSES, Recorder())
    size = sum(f.stat().st_size for f in COURSES.rglob("*") if f.is_file() and f.parent != COURSES)
    [(label, total, done, reports)] = Recorder.steps
    assert label == "course files" and total == done == size and reports > 1
