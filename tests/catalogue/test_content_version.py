"""Every write to a course's content — through the ORM or an UPDATE/DELETE statement — changes the course's content
version in the same transaction (the cached outline is keyed by it); other writes leave it alone."""

from sqlalchemy import delete, insert, select, update

from app.catalogue.models import Caption, Course, CourseStatus, Lesson, Material, MaterialKind, MaterialStatus, Module
from app.catalogue.versions import bump_courses
from app.enrolment.models import Enrolment
from app.learning import progress
from app.learning.models import Quiz
from tests.factories import create_user
from tests.factories.catalogue import create_course, create_material, first_lesson
from tests.factories.enrolment import enrol
from tests.factories.learning import create_quiz


def version_of(db, course_id: int) -> str:
    """What the database holds (not what the session remembers)."""
    return db.session.connection().scalar(select(Course.__table__.c.content_version)
                                          .where(Course.__table__.c.id == course_id))


def changes(db, course_id: int, edit) -> bool:
    before = version_of(db, course_id)
    edit()
    db.session.commit()
    after = version_of(db, course_id)
    assert db.session.get(Course, course_id).content_version == after  # a loaded course learns the new value
    return after != before


def test_every_kind_of_content_edit_changes_the_version(db):
    course = create_course(modules=2)
    other = create_course()
    lesson = first_lesson(course)
    material = create_material(lesson)
    quiz = create_quiz(course, kinds=("true_false",))
    edits = {
        "course title": lambda: setattr(course, "title", {"en": "New"}),
        "course unpublished": lambda: setattr(course, "status", CourseStatus.DRAFT),
        "module added": lambda: db.session.add(Module(course=course, key="new", title={"en": "M"})),
        "module title": lambda: setattr(course.modules[0], "title", {"en": "Renamed"}),
        "lesson title": lambda: setattr(lesson, "title", {"en": "Renamed"}),
        "lesson moved": lambda: setattr(lesson, "position", 7),
        "material title": lambda: setattr(material, "title", {"en": "Renamed"}),
        "material processed": lambda: setattr(material, "status", MaterialStatus.PROCESSING),
        "material deleted (soft)": lambda: setattr(material, "deleted_at", course.created_at),
        "caption added": lambda: db.session.add(Caption(
            material_id=material.id, language="lt", storage_backend="local", storage_key="c/1.vtt",
            original_filename="lt.vtt", size=10, content_type="text/vtt", sha256="0" * 64)),
        "quiz title": lambda: setattr(quiz, "title", {"en": "Final test"}),
        "progress statement": lambda: db.session.execute(
            update(Material).where(Material.id == material.id).values(media_progress=40)),
        "module deleted": lambda: db.session.delete(course.modules[-1]),
    }
    for name, edit in edits.items():
        other_before = version_of(db, other.id)
        assert changes(db, course.id, edit), name
        assert version_of(db, other.id) == other_before, f"{name} changed another course"


def test_a_material_or_caption_not_loaded_with_its_lesson_still_finds_its_course(db):
    course = create_course()
    material = create_material(first_lesson(course))
    create_quiz(course, kinds=())
    course_id, material_id = course.id, material.id
    db.session.expunge_all()  # nothing of the course in the session: the course is found through the lessons
    assert changes(db, course_id, lambda: setattr(db.session.get(Material, material_id), "title", {"en": "X"}))
    db.session.expunge_all()
    assert changes(db, course_id, lambda: db.session.add(Caption(
        material_id=material_id, language="pl", storage_backend="local", storage_key="c/2.vtt",
        original_filename="pl.vtt", size=10, content_type="text/vtt", sha256="0" * 64)))
    assert changes(db, course_id, lambda: db.session.execute(delete(Caption).where(Caption.material_id == material_id)))
    assert changes(db, course_id, lambda: db.session.execute(delete(Quiz).where(Quiz.course_id == course_id)))


def test_study_and_enrolment_do_not_change_the_version(db):
    course = create_course()
    trainee = create_user()
    lesson = first_lesson(course)
    before = version_of(db, course.id)
    enrol(trainee, course)
    progress.lesson_opened(trainee, lesson)
    progress.mark_done(trainee, lesson)
    db.session.execute(update(Enrolment).where(Enrolment.course_id == course.id).values(completed_at=None))
    db.session.commit()
    assert version_of(db, course.id) == before


def test_a_new_course_has_its_own_version_and_bump_courses_gives_a_new_one(db):
    first, second = create_course(), create_course()
    assert first.content_version != second.content_version
    before = version_of(db, first.id)
    bump_courses(db.session, [first.id])
    db.session.commit()
    assert version_of(db, first.id) != before


def test_insert_statements_change_the_version_of_the_courses_they_add_to(db):
    course, other = create_course(), create_course()
    lesson = first_lesson(course)
    module_id = course.modules[0].id
    before = version_of(db, other.id)
    assert changes(db, course.id, lambda: db.session.execute(insert(Lesson), [
        {"course_id": course.id, "module_id": module_id, "key": "bulk-1", "title": {"en": "Bulk"}}]))
    assert changes(db, course.id, lambda: db.session.execute(insert(Material).values(
        lesson_id=lesson.id, kind=MaterialKind.LINK, url="https://example.com", title={"en": "Link"})))
    assert version_of(db, other.id) == before


def test_a_material_moved_to_another_course_changes_both_versions(db):
    course, other = create_course(), create_course()
    material = create_material(first_lesson(course))
    before = version_of(db, course.id)
    assert changes(db, other.id, lambda: setattr(material, "lesson_id", first_lesson(other).id))
    assert version_of(db, course.id) != before
