import re

import pytest
from sqlalchemy import select

from app.catalogue.models import Course, CourseStatus, Lesson, Module
from app.core.permissions import Role
from tests.factories import create_user
from tests.factories.catalogue import create_course, first_lesson, get_specialisation

NEW_COURSE = {"specialisation": "", "source_language": "pl", "title_pl": "Spawanie MAG blach", "title_lt": "",
              "title_en": "MAG welding of sheets", "summary_pl": "Krótko", "hours": "16",
              "enrolment_policy": "open"}


def test_a_trainer_creates_a_course_and_teaches_it(client, login, db):
    trainer = create_user(Role.TRAINER)
    login(trainer)
    spec = get_specialisation("welding")
    response = client.post_form("/teach/courses/new", {**NEW_COURSE, "specialisation": str(spec.id)})
    assert response.status_code == 303
    course = db.session.scalar(select(Course).where(Course.key == "spawanie-mag-blach"))
    assert course.status == CourseStatus.DRAFT and [t.id for t in course.trainers] == [trainer.id]
    assert course.title == {"pl": "Spawanie MAG blach", "en": "MAG welding of sheets"}


def test_bad_course_input_is_refused_and_creates_nothing(client, login, db):
    login(create_user(Role.TRAINER, language="lt"))
    spec = get_specialisation()
    data = {**NEW_COURSE, "specialisation": str(spec.id), "title_pl": "", "hours": "-3"}
    response = client.post_form("/teach/courses/new", data)
    assert response.status_code == 422
    assert db.session.scalar(select(Course)) is None
    response = client.post_form("/teach/courses/new", {**NEW_COURSE, "specialisation": str(spec.id),
                                                       "title_pl": ""})
    assert "Nurodykite pavadinimą bent kurso pradine kalba." in response.get_data(as_text=True)


def test_trainers_edit_only_their_courses(client, login, db):
    mine_trainer, other = create_user(Role.TRAINER), create_user(Role.TRAINER)
    course = create_course(trainers=[mine_trainer])
    login(other)
    assert client.get(f"/teach/courses/{course.id}").status_code == 403
    assert client.post_form(f"/teach/courses/{course.id}/modules", {"mod-title_en": "Hack"}).status_code == 403
    assert client.post_form(f"/teach/courses/{course.id}/status", {"status": "archived"}).status_code == 403
    assert client.post_form(f"/teach/lessons/{first_lesson(course).id}/links",
                            {"link-link_title_en": "Hack", "link-url": "https://example.com"}).status_code == 403
    db.session.expire_all()
    unchanged = db.session.get(Course, course.id)
    assert len(unchanged.modules) == 1 and unchanged.status == CourseStatus.PUBLISHED
    assert first_lesson(unchanged).materials == []
    client.post_form("/logout")
    login(mine_trainer)
    assert client.get(f"/teach/courses/{course.id}").status_code == 200
    assert client.post_form(f"/teach/courses/{course.id}/modules", {"mod-title_en": "Extra"}).status_code == 303
    db.session.expire_all()
    assert [m.title for m in db.session.get(Course, course.id).modules][-1] == {"en": "Extra"}


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_coordinators_and_admins_edit_every_course(client, login, db, role):
    course = create_course(trainers=[create_user(Role.TRAINER)])
    login(create_user(role))
    assert client.get(f"/teach/courses/{course.id}").status_code == 200


def test_trainees_cannot_author(client, login, db):
    course = create_course()
    lesson = first_lesson(course)
    login(create_user(Role.TRAINEE))
    assert client.get("/teach/").status_code == 403
    assert client.get(f"/teach/courses/{course.id}").status_code == 403
    assert client.post_form(f"/teach/lessons/{lesson.id}/move", {"direction": "down"}).status_code == 403
    assert client.post_form("/teach/courses/new", {**NEW_COURSE, "specialisation": str(course.specialisation_id)}) \
        .status_code == 403
    db.session.expire_all()
    assert db.session.get(Lesson, lesson.id).position == 0
    assert db.session.scalars(select(Course)).all() == [course]


def test_reordering_modules_and_lessons(client, login, db):
    trainer = create_user(Role.TRAINER)
    course = create_course(trainers=[trainer], modules=2, lessons_per_module=3)
    login(trainer)
    second_module = course.modules[1]
    client.post_form(f"/teach/modules/{second_module.id}/move", {"direction": "up"})
    last_lesson = course.modules[0].lessons[2]
    client.post_form(f"/teach/lessons/{last_lesson.id}/move", {"direction": "up"})
    db.session.expire_all()
    modules = list(db.session.scalars(select(Module).where(Module.course_id == course.id).order_by(Module.position)))
    assert modules[0].id == second_module.id
    first_module_lessons = sorted(modules[1].lessons, key=lambda x: x.position)
    assert [lesson.key for lesson in first_module_lessons] == ["m0-l0", "m0-l2", "m0-l1"]


def test_the_first_and_last_items_offer_only_the_move_they_can_make(client, login, db):
    trainer = create_user(Role.TRAINER, language="en")
    course = create_course(trainers=[trainer], modules=2, lessons_per_module=3)
    login(trainer)
    page = client.get(f"/teach/courses/{course.id}").get_data(as_text=True)

    def offered(direction: str, path: str) -> bool:
        form = re.search(rf'action="{re.escape(path)}"[^>]*>\s*<input[^>]*>\s*<input[^>]*value="{direction}"', page)
        return form is not None

    first, middle, last = course.modules[0].lessons
    assert not offered("up", f"/teach/lessons/{first.id}/move") and offered("down", f"/teach/lessons/{first.id}/move")
    assert offered("up", f"/teach/lessons/{middle.id}/move") and offered("down", f"/teach/lessons/{middle.id}/move")
    assert offered("up", f"/teach/lessons/{last.id}/move") and not offered("down", f"/teach/lessons/{last.id}/move")
    top, bottom = course.modules
    assert not offered("up", f"/teach/modules/{top.id}/move") and offered("down", f"/teach/modules/{top.id}/move")
    assert offered("up", f"/teach/modules/{bottom.id}/move") and not offered("down", f"/teach/modules/{bottom.id}/move")


def test_editing_a_lesson_in_three_languages_and_moving_it(client, login, db):
    trainer = create_user(Role.TRAINER)
    course = create_course(trainers=[trainer], modules=2)
    lesson = first_lesson(course)
    login(trainer)
    response = client.post_form(f"/teach/lessons/{lesson.id}", {
        "title_pl": "Parametry cięcia", "title_lt": "Pjovimo parametrai", "title_en": "Cutting parameters",
        "body_pl": "## vc\n\nn = 1000·vc/(π·D)", "body_lt": "", "body_en": "", "module": str(course.modules[1].id),
        "duration_minutes": "40"})
    assert response.status_code == 303
    db.session.expire_all()
    lesson = db.session.get(Lesson, lesson.id)
    assert lesson.title["lt"] == "Pjovimo parametrai" and lesson.module_id == course.modules[1].id
    assert lesson.body == {"pl": "## vc\n\nn = 1000·vc/(π·D)"}


def test_publishing_needs_a_lesson_and_is_recorded(client, login, db):
    trainer = create_user(Role.TRAINER)
    empty = create_course(trainers=[trainer], status=CourseStatus.DRAFT, modules=0)
    full = create_course(trainers=[trainer], status=CourseStatus.DRAFT)
    login(trainer)
    response = client.post_form(f"/teach/courses/{empty.id}/status", {"status": "published"}, follow_redirects=True)
    assert "Add at least one lesson before publishing the course." in response.get_data(as_text=True)
    client.post_form(f"/teach/courses/{full.id}/status", {"status": "published"})
    client.post_form(f"/teach/courses/{full.id}/status", {"status": "archived"})
    db.session.expire_all()
    assert db.session.get(Course, empty.id).status == CourseStatus.DRAFT
    assert db.session.get(Course, full.id).status == CourseStatus.ARCHIVED
    assert db.session.get(Course, full.id).published_at is not None


def test_only_coordinators_assign_trainers(client, login, db):
    trainer, other = create_user(Role.TRAINER), create_user(Role.TRAINER)
    course = create_course(trainers=[trainer])
    login(trainer)
    assert client.post_form(f"/teach/courses/{course.id}/trainers", {"tr-trainers": [str(other.id)]}).status_code \
        == 403
    db.session.expire_all()
    assert [t.id for t in db.session.get(Course, course.id).trainers] == [trainer.id]
    client.post_form("/logout")
    login(create_user(Role.COORDINATOR))
    client.post_form(f"/teach/courses/{course.id}/trainers", {"tr-trainers": [str(trainer.id), str(other.id)]})
    db.session.expire_all()
    assert {t.id for t in db.session.get(Course, course.id).trainers} == {trainer.id, other.id}
