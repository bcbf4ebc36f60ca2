"""Content not yet translated into the reader's language is shown in its own language and marked with it (lang=…),
with a note beside a text body."""

import re

from app.accounts.models import Country
from tests.factories import create_user
from tests.factories.catalogue import create_course, first_lesson
from tests.factories.enrolment import enrol


def _polish_only_lesson(db):
    course = create_course(title={"pl": "Spawanie MAG", "lt": "MAG suvirinimas"},
                           description={"pl": "Kurs dla spawaczy."})
    lesson = first_lesson(course)
    lesson.title, lesson.body = {"pl": "Bezpieczeństwo"}, {"pl": "## Zasady\n\nOkulary **zawsze**."}
    db.session.commit()
    return course, lesson


def test_a_lithuanian_reader_of_a_polish_only_lesson_gets_it_marked_as_polish(client, login, db):
    course, lesson = _polish_only_lesson(db)
    trainee = create_user(language="lt", country=Country.LT)
    enrol(trainee, course)
    login(trainee)
    html = client.get(f"/courses/{course.id}/lessons/{lesson.id}").get_data(as_text=True)
    assert '<div class="lesson-body" lang="pl"><h2>Zasady</h2>' in html
    assert '<p class="fallback-note muted">(lenkų kalba)</p>' in html
    assert '<h1><span lang="pl">Bezpieczeństwo</span></h1>' in html
    assert "<title>Bezpieczeństwo" in html  # the window's title carries no markup
    assert f'>{"MAG suvirinimas"}</a>' in html  # the course title exists in Lithuanian: not marked

    page = client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert '<span lang="pl">Bezpieczeństwo</span>' in page
    assert re.search(r'<div class="description" lang="pl"><p>Kurs dla spawaczy.</p>', page)
    assert '<p class="lead"><span lang="en">Summary</span></p>' in page  # the factory's summary is English only


def test_a_reader_in_the_texts_own_language_gets_no_mark_and_no_note(client, login, db):
    course, lesson = _polish_only_lesson(db)
    trainee = create_user(language="pl")
    enrol(trainee, course)
    login(trainee)
    html = client.get(f"/courses/{course.id}/lessons/{lesson.id}").get_data(as_text=True)
    assert '<div class="lesson-body"><h2>Zasady</h2>' in html
    assert "fallback-note" not in html and 'lang="pl">Bezpieczeństwo' not in html


def test_the_catalogue_and_my_progress_mark_titles_in_another_language(client, login, db):
    course = create_course(title={"pl": "Tylko polski kurs"})
    trainee = create_user(language="lt", country=Country.LT)
    enrol(trainee, course)
    login(trainee)
    for page in ("/courses/", "/learning/"):
        assert '<span lang="pl">Tylko polski kurs</span>' in client.get(page).get_data(as_text=True), page


def test_marked_text_is_escaped(client, login, db):
    course = create_course(title={"pl": "<script>alert(1)</script> & spółka"})
    login(create_user(language="lt"))
    html = client.get("/courses/").get_data(as_text=True)
    assert '<span lang="pl">&lt;script&gt;alert(1)&lt;/script&gt; &amp; spółka</span>' in html
    assert course.id
