"""The installable app's server side: manifest, service worker, offline pages, the fresh CSRF token, and the
Idempotency-Key that makes a replayed action count once per person."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.core.db import utcnow
from app.learning.models import LessonProgress
from app.offline import idempotency
from app.offline.models import ReplayKey
from app.placements.models import LogbookEntry, PlacementStatus
from tests.factories import create_user
from tests.factories.catalogue import create_course, first_lesson
from tests.factories.enrolment import enrol
from tests.factories.placements import create_company, create_placement

KEY = "0b6a4c1e-3f2d-4e8a-9c7b-5d1e2f3a4b5c"


def count(db, model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_manifest_and_service_worker(client, db):
    manifest = client.get("/manifest.webmanifest")
    assert manifest.status_code == 200 and manifest.mimetype == "application/manifest+json"
    body = manifest.json
    assert body["display"] == "standalone" and body["start_url"] == "/" and body["lang"] == "en"
    assert {(i["sizes"], i["purpose"]) for i in body["icons"]} == {
        ("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")}
    for icon in body["icons"]:
        assert client.get(icon["src"]).status_code == 200
    worker = client.get("/sw.js")
    assert worker.status_code == 200 and worker.mimetype == "text/javascript"
    assert worker.headers["Cache-Control"] == "no-cache"
    source = worker.get_data(as_text=True)
    assert source.startswith("self.MCC_SW = {") and "https://" not in source  # no CDN
    assert "/static/vendor/workbox-7.4.1/" in source and '"revision": "' in source
    policy = worker.headers["Content-Security-Policy"]
    assert "worker-src 'self'" in policy and "manifest-src 'self'" in policy and "'unsafe-inline'" not in policy
    page = client.get("/").get_data(as_text=True)
    assert 'rel="manifest"' in page and "js/offline/app.js" in page and 'id="net-status"' in page


def test_the_offline_pages_in_the_persons_language(client, login, db):
    assert client.get("/offline").status_code == 200
    assert client.get("/offline/saved").status_code == 302  # to log in
    login(create_user(language="pl"))
    assert "Jesteś offline" in client.get("/offline").get_data(as_text=True)
    saved = client.get("/offline/saved")
    assert saved.status_code == 200 and "Kursy zapisane na tym urządzeniu" in saved.get_data(as_text=True)
    token = client.get("/offline/token")
    assert token.headers["Cache-Control"] == "no-store" and token.json["csrf"]


@pytest.fixture
def trainee_lesson(db):
    course = create_course()
    trainee = create_user()
    enrol(trainee, course)
    return trainee, first_lesson(course)


def test_a_lesson_done_sent_twice_with_one_key_counts_once(client, login, db, trainee_lesson):
    trainee, lesson = trainee_lesson
    login(trainee)
    url = f"/learning/lessons/{lesson.id}/done"
    first = client.post_form(url, headers={"Idempotency-Key": KEY})
    assert first.status_code == 303
    again = client.post_form(url, headers={"Idempotency-Key": KEY})
    assert again.status_code == 200 and again.json["duplicate"] is True and again.json["ok"] is True
    assert count(db, ReplayKey, ReplayKey.user_id == trainee.id) == 1
    assert count(db, LessonProgress, LessonProgress.completed_at.is_not(None)) == 1
    # The same key from someone else is theirs: it runs (and is refused by the rules, as live: not enrolled).
    login(create_user())
    assert client.post_form(url, headers={"Idempotency-Key": KEY}).status_code == 403
    assert count(db, ReplayKey) == 1


def test_a_malformed_key_is_refused_and_changes_nothing(client, login, db, trainee_lesson):
    trainee, lesson = trainee_lesson
    login(trainee)
    for key in ("short", "x" * 65, "<script>alert(1)</script>", "a b c d e f g h"):
        response = client.post_form(f"/learning/lessons/{lesson.id}/done", headers={"Idempotency-Key": key})
        assert response.status_code == 400 and response.json["ok"] is False, key
    assert count(db, ReplayKey) == 0 and count(db, LessonProgress) == 0


def test_a_logbook_day_sent_twice_is_one_entry_and_a_refused_one_leaves_no_key(client, login, db):
    trainee = create_user()
    placement = create_placement(trainee, create_company(), status=PlacementStatus.IN_PROGRESS)
    login(trainee)
    url = f"/placements/{placement.id}/logbook"
    day = {"log-day": date.today().isoformat(), "log-hours": "6", "log-tasks": "Turning shafts on the CNC lathe"}
    refused = {**day, "log-day": (date.today() + timedelta(days=1)).isoformat()}  # the future: refused
    assert client.post(url, data={"log-csrf_token": client.csrf_token(), **refused},
                       headers={"Idempotency-Key": KEY}).status_code in (303, 422)
    assert count(db, ReplayKey) == 0 and count(db, LogbookEntry) == 0
    for _ in range(2):
        response = client.post(url, data={"log-csrf_token": client.csrf_token(), **day},
                               headers={"Idempotency-Key": KEY})
        assert response.status_code in (200, 303)
    assert count(db, LogbookEntry, LogbookEntry.placement_id == placement.id) == 1
    assert count(db, ReplayKey, ReplayKey.endpoint == "placements.add_logbook_day") == 1


def test_two_claims_of_one_key_count_once_and_old_keys_are_forgotten(db):
    person = create_user()
    assert idempotency.claim(person, KEY, "learning.mark_done") is True
    assert idempotency.claim(person, KEY, "learning.mark_done") is False
    # A second request that looked before the first one's key was written loses at the unique pair.
    db.session.add(ReplayKey(user_id=person.id, key="ffffffff-race", endpoint="x"))
    db.session.flush()
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(ReplayKey(user_id=person.id, key="ffffffff-race", endpoint="x"))
    old = db.session.scalar(select(ReplayKey).where(ReplayKey.key == KEY))
    old.created_at = utcnow() - idempotency.KEEP_FOR - timedelta(days=1)
    db.session.flush()
    assert idempotency.forget_old_keys() == 1
    assert count(db, ReplayKey, ReplayKey.key == KEY) == 0


def test_the_upkeep_runs_from_the_command_line(app, db):
    result = app.test_cli_runner().invoke(args=["jobs", "run", "offline.forget_old_keys"])
    assert result.exit_code == 0 and "offline.forget_old_keys done." in result.output, result.output
