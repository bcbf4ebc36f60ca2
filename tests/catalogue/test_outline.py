"""The outline: reading order across modules, the quizzes shown under a lesson, several courses built together,
and a copy through the cache (pickled) that answers the same."""

import pickle

from app.catalogue.models import Module
from app.catalogue.outline import build_outline, build_outlines, outline_of
from app.extensions import db as _db
from app.learning.models import Quiz
from tests.factories.catalogue import create_course, create_material


def test_reading_order_neighbours_and_quizzes(db):
    course = create_course(modules=2, lessons_per_module=2)
    first, second = course.modules
    first.position, second.position = 5, 1  # the second module comes first
    with_material = first.lessons[0]
    material = create_material(with_material, filename="a.pdf")
    db.session.add_all([
        Quiz(course_id=course.id, key="module", module_id=second.id, title={"en": "Module quiz"}, position=2),
        Quiz(course_id=course.id, key="lesson", lesson_id=second.lessons[1].id, title={"en": "Lesson quiz"},
             position=1)])
    db.session.commit()
    outline = outline_of(course)
    order = [lesson.id for lesson in outline.lessons]
    assert order == [lesson.id for module in (second, first) for lesson in module.lessons]
    assert outline.neighbours(order[1]) == (outline.lesson(order[0]), outline.lesson(order[2]))  # across modules
    assert outline.neighbours(order[0])[0] is None and outline.neighbours(order[-1])[1] is None
    assert outline.module_of(order[2]).id == first.id
    assert [q.title["en"] for q in outline.quizzes_of(outline.lesson(order[1]))] == ["Lesson quiz", "Module quiz"]
    assert [q.title["en"] for q in outline.quizzes_of(outline.lesson(order[0]))] == ["Module quiz"]
    assert outline.quizzes_of(outline.lesson(order[2])) == []
    assert [m.id for m in outline.lesson(with_material.id).materials] == [material.id]
    assert outline.lesson(10**9) is None

    copy = pickle.loads(pickle.dumps(outline))  # noqa: S301  (what the cache does with its own data)
    assert copy == outline and copy.neighbours(order[1]) == outline.neighbours(order[1])


def test_several_courses_are_built_together_as_each_alone(db):
    courses = [create_course(modules=2), create_course(modules=1), create_course(modules=0)]
    _db.session.add(Module(course=courses[2], key="late", title={"en": "Late"}))
    _db.session.commit()
    together = build_outlines({c.id: c.content_version for c in courses})
    assert together == {c.id: build_outline(c.id, c.content_version) for c in courses}
    assert [len(together[c.id].lessons) for c in courses] == [4, 2, 0]
