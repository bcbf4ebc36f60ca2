"""Generated downloads: asked for in a request, built by a worker (here, in the test's process), shown with their
progress, offered only to the person who asked, failed after their last attempt, and deleted when they expire."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.accounts.models import User
from app.catalogue.models import course_trainers
from app.core.db import utcnow
from app.core.models import AuditEntry
from app.core.permissions import Role
from app.downloads.models import GeneratedFile, GeneratedStatus
from app.downloads.services import BUILDERS, NotBuildable, builder, remove_expired
from app.jobs.models import OutboxMessage
from app.notifications.models import Notification
from app.storage import get_storage
from tests.downloads.helpers import ask, fetch_generated
from tests.factories import create_user
from tests.factories.catalogue import create_course
from tests.factories.training import create_meeting
from tests.reporting import world as w
from tests.workoff import work_off


@pytest.fixture
def coordinator(db, client, login):
    w.build()
    user = create_user(Role.COORDINATOR, language="pl")
    login(user)
    return user


def objects() -> list[str]:
    return [o.key for o in get_storage().iter_objects() if o.key.startswith("generated/")]


def test_an_export_is_asked_for_shown_with_its_progress_and_offered_when_ready(client, db, coordinator):
    page = ask(client, "/reports/export/people.xlsx?figure=enrolled&country=LT")
    html = client.get(page).get_data(as_text=True)
    assert "mcc-trainees-enrolled.xlsx" in html and "Czeka na swoją kolej" in html
    status = client.get(page + "/status").json
    assert (status["status"], status["progress"], status["url"]) == ("queued", 0, None)
    assert client.get(page + "/file").status_code == 404  # nothing to download yet

    assert work_off("downloads.build") == ["done"]
    status = client.get(page + "/status").json
    assert (status["status"], status["progress"], status["name"]) == ("ready", 100, "mcc-trainees-enrolled.xlsx")
    assert "Pobierz" in client.get(page).get_data(as_text=True)
    response = client.get(status["url"])
    assert response.status_code == 200
    assert 'attachment; filename=mcc-trainees-enrolled.xlsx' in response.headers["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.data), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "Imię i nazwisko" and [r[0] for r in rows[1:]] == ["Gražina", "Jonas"]  # the asker's language
    row = db.session.scalar(select(GeneratedFile))
    assert row.sha256 and row.size == len(response.data) and row.requested_by_id == coordinator.id
    assert row.expires_at - row.finished_at == timedelta(days=7)
    notification = db.session.scalar(select(Notification).where(Notification.user_id == coordinator.id))
    assert notification.kind == "export.ready" and notification.link == page
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "reporting.exported"))
    assert entry.actor_id == coordinator.id and entry.after["filters"] == {"figure": "enrolled", "country": "LT"}


def test_only_the_person_who_asked_gets_the_file(client, login, db, coordinator):
    page = ask(client, "/reports/export/at-risk.xlsx")
    work_off("downloads.build")
    url = client.get(page + "/status").json["url"]
    for someone in (create_user(Role.COORDINATOR), create_user(Role.ADMIN), create_user(Role.TRAINER)):
        login(someone)
        for path in (page, page + "/status", url):
            assert client.get(path).status_code == 403, (someone.role, path)
    client.post_form("/logout")
    assert "/login" in client.get(url).location


def test_asking_again_while_it_is_made_gives_the_same_file(client, db, coordinator):
    first = ask(client, "/reports/export/figures-country.xlsx?country=PL")
    assert ask(client, "/reports/export/figures-country.xlsx?country=PL") == first
    assert ask(client, "/reports/export/figures-country.xlsx?country=LT") != first
    assert db.session.scalar(select(func.count()).select_from(GeneratedFile)) == 2


def test_xlsx_lists_go_to_a_worker_and_csv_streams_in_the_request(client, db, coordinator):
    assert client.get("/reports/export/people.csv?figure=enrolled").status_code == 200
    assert client.get("/reports/export/indicators.xlsx").status_code == 200  # one row per indicator: at once
    assert db.session.scalar(select(func.count()).select_from(GeneratedFile)) == 0
    for path in ("/reports/export/people.xlsx", "/reports/export/figures-company.xlsx",
                 "/reports/export/at-risk.xlsx", "/reports/export/placements.xlsx"):
        ask(client, path)
    assert db.session.scalar(select(func.count()).select_from(GeneratedFile)) == 4


def test_the_askers_permission_is_checked_again_when_the_file_is_built(client, login, db):
    world = w.build()
    login(world.trainer)
    page = ask(client, f"/reports/export/attendance-{world.courses['welding'].id}.xlsx")
    db.session.execute(course_trainers.delete().where(course_trainers.c.user_id == world.trainer.id))
    db.session.commit()  # no longer teaches the course when the worker gets to it
    work_off("downloads.build")
    assert client.get(page + "/status").json["status"] == "failed"
    assert "Nie udało się przygotować" in client.get(page).get_data(as_text=True) or \
        "could not be prepared" in client.get(page).get_data(as_text=True)
    assert objects() == []


@pytest.fixture
def broken_builders():
    attempts = []

    @builder("tests.gone", "text/plain", may_build=lambda user, params: True)
    def gone(params, asker, out, progress):
        raise NotBuildable("its meeting was deleted")

    @builder("tests.flaky", "text/plain", may_build=lambda user, params: True)
    def flaky(params, asker, out, progress):
        attempts.append(1)
        progress(50)
        raise OSError("the disk is full")

    yield attempts
    BUILDERS.pop("tests.gone")
    BUILDERS.pop("tests.flaky")


def test_a_file_that_cannot_be_built_fails_at_once_and_a_failing_build_after_its_attempts(app, db,
                                                                                          broken_builders):
    from app.downloads.services import BUILD_ATTEMPTS, ask_for_file

    user = create_user(Role.COORDINATOR)
    with app.test_request_context("/"):
        gone = ask_for_file(user, "tests.gone", {}, "gone.txt")
        flaky = ask_for_file(user, "tests.flaky", {}, "flaky.txt")
    db.session.commit()
    work_off("downloads.build")
    db.session.refresh(gone)
    assert gone.status == GeneratedStatus.FAILED
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.payload["file"].as_integer() == flaky.id))
    for attempt in range(1, BUILD_ATTEMPTS):
        db.session.refresh(flaky)
        assert (flaky.status, flaky.attempts) == (GeneratedStatus.WORKING, attempt)  # the outbox tries again
        message.available_at = utcnow()  # the retry is due
        db.session.commit()
        work_off("downloads.build")
    db.session.refresh(message)
    db.session.refresh(flaky)
    assert flaky.status == GeneratedStatus.FAILED and flaky.attempts == BUILD_ATTEMPTS == len(broken_builders)
    assert flaky.storage_key is None and objects() == []
    assert message.done_at is not None  # the page says "failed"; nothing more for the admins' failed jobs


def test_expired_files_are_deleted_with_their_objects_and_recorded(app, client, db, coordinator):
    page = ask(client, "/reports/export/at-risk.xlsx")
    work_off("downloads.build")
    row = db.session.scalar(select(GeneratedFile))
    key = row.storage_key
    assert objects() == [key]
    assert remove_expired() == 0
    row.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert client.get(page + "/status").json["status"] == "expired"
    assert client.get(page + "/file").status_code == 404
    from app.jobs.outbox import HANDLERS

    HANDLERS["downloads.remove_expired"].run({})  # the scheduled upkeep
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(GeneratedFile)) == 0 and objects() == []
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "downloads.expired_removed"))
    assert entry.after == {"files": 1, "objects": 1, "kept_days": 7}
    assert client.get(page).status_code == 404


def test_files_never_finished_are_removed_too(app, client, db, coordinator, monkeypatch):
    monkeypatch.setitem(app.config, "GENERATED_FILES_DAYS", 2)
    ask(client, "/reports/export/at-risk.xlsx")
    row = db.session.scalar(select(GeneratedFile))
    row.created_at = utcnow() - timedelta(days=4)  # its job never ran
    db.session.commit()
    assert remove_expired() == 1


def test_an_erasure_deletes_every_generated_file(client, login, db, coordinator):
    from app.privacy.erasure import erase_person

    ask(client, "/reports/export/people.xlsx")
    work_off("downloads.build")
    assert len(objects()) == 1
    person = db.session.scalar(select(User).where(User.full_name == "Gražina"))
    erase_person(create_user(Role.ADMIN), person, "request of 2026-12-01")
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(GeneratedFile)) == 0 and objects() == []


def test_the_evidence_pack_is_built_for_the_trainer_who_asked(client, login, db):
    trainer = create_user(Role.TRAINER)
    meeting = create_meeting(create_course(trainers=[trainer]), trainer=trainer)
    login(trainer)
    response = fetch_generated(client, f"/meetings/{meeting.id}/evidence.zip")
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert {"attendance-sheet.pdf", "attendance.csv", "materials.csv"} <= set(names)
    row = db.session.scalar(select(GeneratedFile))
    assert row.kind == "training.evidence_pack" and row.params == {"meeting": meeting.id}
    day = meeting.starts_at.astimezone(ZoneInfo(meeting.timezone))  # the meeting's own day (UTC's may be another)
    assert row.original_filename == f"evidence-meeting-{meeting.id}-{day:%Y%m%d}.zip"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "training.evidence_exported"))
    assert entry.actor_id == trainer.id and entry.after == {"generated_file": row.id}
