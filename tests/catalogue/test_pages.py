import pytest

from app.catalogue.models import CourseStatus
from app.core.permissions import Role
from tests.factories import create_user
from tests.factories.catalogue import create_course, create_material, first_lesson
from tests.factories.enrolment import enrol


def test_public_catalogue_lists_published_courses_only(client, db):
    create_course(title={"pl": "Spawanie TIG stali nierdzewnej", "en": "TIG welding of stainless steel"},
                  specialisation="welding")
    create_course(title={"pl": "Szkic", "en": "Draft course"}, status=CourseStatus.DRAFT)
    html = client.get("/courses/", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert "Spawanie TIG stali nierdzewnej" in html and "Szkic" not in html


def test_search_is_unicode_aware_and_language_filter_works(client, db):
    create_course(title={"pl": "Łączenie blach", "lt": "Lakštų jungimas"})
    create_course(title={"pl": "Cięcie laserem"})
    html = client.get("/courses/?q=ŁĄCZENIE", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert "Łączenie blach" in html and "Cięcie laserem" not in html
    html = client.get("/courses/?language=lt", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert "Łączenie blach" in html and "Cięcie laserem" not in html
    html = client.get("/courses/?language=xx").get_data(as_text=True)
    assert "Not a valid choice." in html


def test_titles_fall_back_to_the_source_language(client, db):
    course = create_course(title={"pl": "Tylko po polsku"})
    html = client.get(f"/courses/{course.id}", headers={"Accept-Language": "lt"}).get_data(as_text=True)
    assert "Tylko po polsku" in html


def test_course_page_shows_the_outline_to_everyone(client, db):
    course = create_course(modules=2, lessons_per_module=2)
    html = client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert html.count("Lesson ") >= 4 and "Module 2" in html


def test_drafts_are_hidden_from_trainees_and_anonymous(client, login, db):
    trainer = create_user(Role.TRAINER)
    course = create_course(status=CourseStatus.DRAFT, trainers=[trainer])
    assert client.get(f"/courses/{course.id}").status_code == 404
    login(create_user(Role.TRAINEE))
    assert client.get(f"/courses/{course.id}").status_code == 403
    client.post_form("/logout")
    login(trainer)
    assert client.get(f"/courses/{course.id}").status_code == 200


def test_lessons_need_an_enrolment(client, login, db):
    course = create_course()
    lesson = first_lesson(course)
    url = f"/courses/{course.id}/lessons/{lesson.id}"
    assert client.get(url).status_code == 302  # anonymous: to the login page
    trainee = create_user(Role.TRAINEE)
    login(trainee)
    assert client.get(url).status_code == 403
    enrol(trainee, course)
    response = client.get(url)
    assert response.status_code == 200 and "<h2>Text</h2>" in response.get_data(as_text=True)


def test_lesson_markdown_cannot_inject_script(client, login, db):
    course = create_course()
    lesson = first_lesson(course)
    lesson.body = {"en": "Hello <script>alert('x')</script> [click](javascript:alert(1)) <img src=x onerror=alert(1)>"}
    db.session.commit()
    trainee = create_user(Role.TRAINEE)
    enrol(trainee, course)
    login(trainee)
    html = client.get(f"/courses/{course.id}/lessons/{lesson.id}").get_data(as_text=True)
    body = html.split('class="lesson-body">')[1].split("</div>")[0]
    assert "<script" not in body and "<img" not in body and 'href="javascript' not in body
    assert "&lt;script&gt;" in body  # shown as text, harmless


def test_lesson_page_shows_materials_inline(client, login, db):
    course = create_course()
    lesson = first_lesson(course)
    video = create_material(lesson, data=b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100, filename="tig.mp4",
                            kind=__import__("app.catalogue.models", fromlist=["MaterialKind"]).MaterialKind.VIDEO,
                            content_type="video/mp4")
    pdf = create_material(lesson)
    trainee = create_user(Role.TRAINEE)
    enrol(trainee, course)
    login(trainee)
    html = client.get(f"/courses/{course.id}/lessons/{lesson.id}").get_data(as_text=True)
    assert f'<source src="/materials/{video.id}/file" type="video/mp4">' in html  # not converted: as stored
    assert f'<iframe class="pdf-preview" src="/materials/{pdf.id}/file"' in html


@pytest.mark.parametrize("role", [Role.TRAINER, Role.COORDINATOR, Role.ADMIN])
def test_staff_who_manage_see_lessons_without_enrolment(client, login, db, role):
    user = create_user(role)
    course = create_course(trainers=[user] if role == Role.TRAINER else [])
    login(user)
    assert client.get(f"/courses/{course.id}/lessons/{first_lesson(course).id}").status_code == 200


def test_a_trainer_of_another_course_is_refused(client, login, db):
    course = create_course(trainers=[create_user(Role.TRAINER)])
    login(create_user(Role.TRAINER))
    assert client.get(f"/courses/{course.id}/lessons/{first_lesson(course).id}").status_code == 403
