"""Only what was really played counts: replayed, out-of-order and forged beacons cannot complete a lesson."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.catalogue.models import MaterialKind, MaterialStatus
from app.core.db import utcnow
from app.learning import progress, watching
from app.learning.models import VideoProgress
from app.learning.progress import progress_of
from tests.catalogue.samples import MP4
from tests.factories import create_user
from tests.factories.catalogue import create_course, create_material, first_lesson
from tests.factories.enrolment import enrol

DURATION = 600.0  # a ten-minute welding video


@pytest.fixture
def video(db):
    course = create_course()
    lesson = first_lesson(course)
    material = create_material(lesson, data=MP4, filename="tig.mp4", kind=MaterialKind.VIDEO,
                               content_type="video/mp4", duration_seconds=DURATION)
    trainee = create_user()
    enrol(trainee, course)
    return trainee, lesson, material


def watch(trainee, material, start, end, at, sequence=1, opened=None):
    viewed = progress_of(trainee.id, material.lesson_id)
    return watching.record_beacon(trainee.id, material, start, end, end, DURATION, sequence, now=at,
                                  opened_at=opened or (viewed.last_opened_at if viewed else None))


@pytest.fixture
def t0(video):
    """The moment the trainee opened the lesson page."""
    trainee, lesson, _ = video
    moment = utcnow()
    progress.lesson_opened(trainee, lesson, now=moment)
    return moment


def test_honest_viewing_completes_the_lesson(db, video, t0):
    trainee, lesson, material = video
    for n, second in enumerate(range(0, 600, 10), 1):
        watch(trainee, material, second, second + 10, t0 + timedelta(seconds=second + 10), n)
    assert progress.check_watched(trainee, lesson)
    assert progress_of(trainee.id, lesson.id).completed_at is not None


def test_a_video_still_being_checked_does_not_hold_the_lesson_back(db, video, t0):
    trainee, lesson, material = video
    second = create_material(lesson, data=MP4, filename="mig.mp4", kind=MaterialKind.VIDEO,
                             content_type="video/mp4", duration_seconds=DURATION)
    second.status = MaterialStatus.PROCESSING  # a worker has not verified it yet: nobody can play it
    for n, moment in enumerate(range(0, 600, 10), 1):
        watch(trainee, material, moment, moment + 10, t0 + timedelta(seconds=moment + 10), n)
    assert progress.videos_of(lesson) == [material]
    assert progress.check_watched(trainee, lesson)


def test_a_forged_beacon_claiming_the_whole_video_earns_seconds(db, video, t0):
    trainee, lesson, material = video
    watch(trainee, material, 0, 10, t0)
    record = watch(trainee, material, 10, 600, t0 + timedelta(seconds=5), 2)
    assert record.watched_seconds < 40
    assert not progress.check_watched(trainee, lesson)


def test_replaying_the_same_beacon_adds_nothing(db, video, t0):
    trainee, lesson, material = video
    for n in range(1, 200):  # the same segment, again and again, for a long time
        record = watch(trainee, material, 0, 60, t0 + timedelta(seconds=60 * n), n)
    assert record.watched_seconds == 60
    assert not progress.check_watched(trainee, lesson)


def test_out_of_order_beacons_are_credited_once(db, video, t0):
    trainee, _, material = video
    watch(trainee, material, 20, 30, t0 + timedelta(seconds=30), 3)
    watch(trainee, material, 0, 10, t0 + timedelta(seconds=31), 1)
    record = watch(trainee, material, 10, 20, t0 + timedelta(seconds=32), 2)
    assert record.watched == [[0.0, 30.0]] and record.watched_seconds == 30


def test_seeking_to_the_end_does_not_count_the_skipped_part(db, video, t0):
    trainee, lesson, material = video
    watch(trainee, material, 0, 30, t0 + timedelta(seconds=30))
    record = watch(trainee, material, 570, 600, t0 + timedelta(hours=2), 2)
    assert record.watched_seconds == 60 and not progress.check_watched(trainee, lesson)


def test_a_beacon_cannot_shrink_the_known_duration(db, video):
    trainee, lesson, material = video
    watching.record_beacon(trainee.id, material, 0, 1, 1, 1.0, 1, now=utcnow() + timedelta(seconds=5))
    assert material.duration_seconds == DURATION
    assert not progress.check_watched(trainee, lesson)


def test_beacons_over_http_need_access_and_valid_numbers(client, login, db, video):
    trainee, _, material = video
    url = f"/learning/materials/{material.id}/beacon"
    payload = {"start": 0, "end": 5, "position": 5, "duration": DURATION, "sequence": 1}
    login(create_user())
    assert client.post(url, json=payload, headers={"X-CSRFToken": client.csrf_token()}).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(VideoProgress)) == 0
    client.post_form("/logout")
    login(trainee)
    headers = {"X-CSRFToken": client.csrf_token()}
    assert client.post(url, json={**payload, "end": "lots"}, headers=headers).status_code == 400
    assert client.post(url, json={**payload, "end": float("nan")}, headers=headers).status_code == 400
    response = client.post(url, json=payload, headers=headers)
    assert response.status_code == 200 and response.json["lesson_done"] is False


def test_reloading_the_page_does_not_buy_more_than_real_time(db, video, t0):
    trainee, lesson, material = video
    for reload in range(30):  # reload every 5 seconds, each time claiming the whole video
        opened = t0 + timedelta(seconds=5 * reload)
        progress.lesson_opened(trainee, lesson, now=opened)
        record = watch(trainee, material, 0, 600, opened + timedelta(seconds=5), reload + 1)
    assert record.watched_seconds <= 150 * 2 + 10  # 150 s of real time at most at double speed
    assert not progress.check_watched(trainee, lesson)
