"""What a device saves for a course made available offline: lesson pages, files, the smallest video rendition."""

from app.catalogue.models import MaterialKind
from app.core.permissions import Role
from tests.factories import create_user
from tests.factories.catalogue import create_course, create_material, first_lesson
from tests.factories.enrolment import enrol
from tests.learning.test_player import converted_video


def test_the_course_bundle_lists_pages_files_and_the_smallest_rendition(client, login, db):
    course = create_course(lessons_per_module=2)
    lesson = first_lesson(course)
    pdf = create_material(lesson, filename="wps.pdf")
    create_material(lesson, kind=MaterialKind.LINK, filename="link")  # nothing stored: not saved
    video = converted_video(lesson, heights=(360, 720))
    trainee = create_user()
    enrol(trainee, course)
    login(trainee)
    response = client.get(f"/courses/{course.id}/offline.json")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    bundle = response.json
    urls = [f["url"] for f in bundle["files"]]
    lessons = [each.id for module in course.modules for each in module.lessons]
    assert urls[0] == f"/courses/{course.id}"
    assert all(f"/courses/{course.id}/lessons/{lesson_id}" in urls for lesson_id in lessons)
    assert f"/materials/{pdf.id}/file" in urls
    assert f"/materials/{video.id}/media/360p.mp4" in urls and f"/materials/{video.id}/media/720p.mp4" not in urls
    assert f"/materials/{video.id}/media/poster.jpg" in urls
    assert {"url": f"/materials/{pdf.id}/file", "size": pdf.size} in bundle["files"]
    assert bundle["size"] == sum(f["size"] for f in bundle["files"]) and bundle["course"] == course.id
    # Every listed URL answers the trainee (what the device caches is what the pages ask for).
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_only_participants_get_the_bundle(client, login, db):
    course = create_course()
    assert client.get(f"/courses/{course.id}/offline.json").status_code == 302  # to log in
    login(create_user(Role.TRAINEE))
    assert client.get(f"/courses/{course.id}/offline.json").status_code == 403
    assert client.get("/courses/999999/offline.json").status_code == 404
