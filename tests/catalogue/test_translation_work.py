"""Authors finish the translations: a material's title in every language, and a notice of what is still missing."""

from flask_babel import force_locale
from sqlalchemy import event, select

from app.catalogue.gaps import course_gaps, lesson_gaps
from app.catalogue.models import Course
from app.core.models import AuditEntry
from app.core.permissions import Role
from tests.factories import create_user
from tests.factories.catalogue import create_course, create_material, first_lesson
from tests.factories.enrolment import enrol
from tests.factories.training import create_meeting


def _course_with_material(db):
    trainer = create_user(Role.TRAINER, language="pl")
    course = create_course(trainers=[trainer])
    material = create_material(first_lesson(course), filename="karta.pdf")
    material.title = {"pl": "Karta technologiczna"}  # uploaded with a Polish title
    db.session.commit()
    return trainer, course, material


def test_the_courses_trainer_gives_a_materials_title_in_every_language_and_it_is_audited(client, login, db):
    trainer, course, material = _course_with_material(db)
    login(trainer)
    lesson_page = client.get(f"/teach/lessons/{material.lesson_id}").get_data(as_text=True)
    assert f"/teach/materials/{material.id}/title" in lesson_page
    form = client.get(f"/teach/materials/{material.id}/title").get_data(as_text=True)
    assert 'value="Karta technologiczna"' in form and 'name="title_lt"' in form and 'name="title_en"' in form
    response = client.post_form(f"/teach/materials/{material.id}/title", {
        "title_pl": "Karta technologiczna", "title_lt": " Technologinė kortelė ", "title_en": "Process sheet"})
    assert response.status_code == 303 and response.location.endswith(f"/teach/lessons/{material.lesson_id}#materials")
    db.session.refresh(material)
    assert material.title == {"pl": "Karta technologiczna", "lt": "Technologinė kortelė", "en": "Process sheet"}
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "catalogue.material_renamed"))
    assert entry.actor_id == trainer.id and entry.object_id == str(material.id)
    assert entry.before == {"title": {"pl": "Karta technologiczna"}} and entry.after["title"]["lt"] == \
        "Technologinė kortelė"
    vilnius = create_user(language="lt")
    enrol(vilnius, course)
    client.post_form("/logout")
    login(vilnius)
    lesson = client.get(f"/courses/{course.id}/lessons/{material.lesson_id}").get_data(as_text=True)
    assert "Technologinė kortelė" in lesson and "Karta technologiczna" not in lesson


def test_another_trainer_and_a_trainee_may_not_change_a_materials_title(client, login, db):
    _trainer, course, material = _course_with_material(db)
    trainee = create_user(language="pl")
    enrol(trainee, course)
    for person in (create_user(Role.TRAINER), trainee):
        login(person)
        assert client.get(f"/teach/materials/{material.id}/title").status_code == 403
        response = client.post_form(f"/teach/materials/{material.id}/title", {"title_pl": "Przejęte"})
        assert response.status_code == 403
        client.post_form("/logout")
    db.session.refresh(material)
    assert material.title == {"pl": "Karta technologiczna"}
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "catalogue.material_renamed")) is None


def test_a_material_without_any_title_or_with_a_too_long_one_is_refused_and_nothing_changes(client, login, db):
    trainer, _course, material = _course_with_material(db)
    login(trainer)
    response = client.post_form(f"/teach/materials/{material.id}/title", {"title_pl": "  ", "title_lt": ""})
    assert response.status_code == 422
    assert "Podaj tytuł materiału." in response.get_data(as_text=True)
    response = client.post_form(f"/teach/materials/{material.id}/title", {"title_lt": "x" * 201})
    assert response.status_code == 422
    db.session.refresh(material)
    assert material.title == {"pl": "Karta technologiczna"}
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "catalogue.material_renamed")) is None


def test_the_gaps_name_what_is_missing_in_which_language(app, db):
    _trainer, course, _material = _course_with_material(db)
    lesson = first_lesson(course)
    lesson.title, lesson.body = {"pl": "Bezpieczeństwo", "lt": "Sauga"}, {"pl": "Tekst"}
    course.description = {}  # written in no language: not a translation gap
    db.session.commit()
    gaps = course_gaps(course)
    assert ("lesson_text", "Bezpieczeństwo") in gaps["lt"] and ("lesson_text", "Bezpieczeństwo") in gaps["en"]
    assert ("lesson_title", "Bezpieczeństwo") in gaps["en"] and ("lesson_title", "Bezpieczeństwo") not in gaps["lt"]
    assert ("material_title", "Karta technologiczna") in gaps["lt"]
    assert ("course_summary", "") in gaps["pl"]  # the factory's summary is in English only
    assert not any(kind == "course_description" for found in gaps.values() for kind, _ in found)
    assert ("course_title", "") not in gaps.get("lt", [])
    assert lesson_gaps(lesson, "pl")["lt"] == [("lesson_text", "Bezpieczeństwo"),
                                               ("material_title", "Karta technologiczna")]


def test_the_author_sees_the_missing_languages_on_the_course_and_lesson_pages(client, login, db):
    trainer, course, _material = _course_with_material(db)
    lesson = first_lesson(course)
    lesson.title, lesson.body = {"pl": "Bezpieczeństwo", "lt": "Sauga"}, {"pl": "Tekst"}
    db.session.commit()
    login(trainer)
    with force_locale("pl"):
        for page in (f"/teach/courses/{course.id}", f"/teach/lessons/{lesson.id}"):
            html = client.get(page).get_data(as_text=True)
            assert "Brakuje po litewsku:</strong>" in html, page
            assert "tekst lekcji „Bezpieczeństwo”" in html and "tytuł materiału „Karta technologiczna”" in html


def test_the_trainer_sees_which_languages_the_meeting_title_lacks(client, login, db):
    trainer = create_user(Role.TRAINER, language="en")
    course = create_course(trainers=[trainer])
    meeting = create_meeting(course, trainer=trainer, title={"pl": "Spotkanie", "lt": "Užsiėmimas"})
    login(trainer)
    for page in (f"/meetings/{meeting.id}", f"/meetings/{meeting.id}/edit"):
        html = client.get(page).get_data(as_text=True)
        assert "<strong>Missing in English:</strong> meeting title" in html, page
        assert "Missing in Lithuanian" not in html
    trainee = create_user()
    enrol(trainee, course)
    client.post_form("/logout")
    login(trainee)
    assert "Missing in" not in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def test_the_notice_costs_three_queries_however_large_the_course(app, db):
    trainer = create_user(Role.TRAINER)
    small, large = (create_course(trainers=[trainer], modules=m, lessons_per_module=n) for m, n in ((1, 1), (4, 6)))
    for course in (small, large):
        for module in course.modules:
            for lesson in module.lessons:
                create_material(lesson)
    statements = []

    def record(_conn, _cursor, statement, *args):
        statements.append(statement)

    for course in (small, large):
        db.session.expire_all()
        course = db.session.get(Course, course.id)
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            gaps = course_gaps(course)
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        assert len(statements) == 3 and gaps
