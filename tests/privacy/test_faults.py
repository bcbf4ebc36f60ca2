"""Storage or database gone in the middle of an action: the person gets the 503 page (in their language) and
nothing is half-written — no row without its object, no object without its row."""

import io

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from app.catalogue.models import Material
from app.core.permissions import Role
from app.enrolment.models import Enrolment
from app.extensions import db
from app.storage import get_storage
from app.storage.base import StorageUnavailable
from app.training.models import Attendance, SignedSheet
from tests.catalogue import uploading
from tests.catalogue.samples import MP4, PDF
from tests.factories import create_user
from tests.factories.catalogue import create_course, first_lesson
from tests.factories.enrolment import enrol
from tests.factories.training import create_meeting

UNAVAILABLE = "The service is temporarily unavailable. Nothing was saved"


def database_gone(*args, **kwargs):
    raise OperationalError("COMMIT", {}, Exception("server closed the connection unexpectedly"))


def storage_gone(*args, **kwargs):
    raise StorageUnavailable("connection refused")


@pytest.fixture
def failing_commit(monkeypatch):
    """Make the next request's commit fail as if the database went away (the test body's own session works)."""

    def arm():
        monkeypatch.setattr(db.session, "commit", database_gone)

    yield arm
    monkeypatch.undo()


def objects() -> set[str]:
    return {o.key for o in get_storage().iter_objects()}


def test_database_down_when_an_upload_completes_removes_the_object(client, login, db, failing_commit):
    trainer = create_user(Role.TRAINER)
    lesson = first_lesson(create_course(trainers=[trainer]))
    login(trainer)
    before = objects()
    started = uploading.start(client, lesson.id, "spawanie.mp4", len(MP4)).json
    parts = uploading.send_parts(client, started, [MP4])
    failing_commit()
    response = uploading.complete(client, started, parts)
    assert response.status_code == 503
    assert db.session.scalar(select(Material)) is None
    assert objects() == before


def test_storage_down_when_an_upload_is_verified_leaves_it_processing_until_a_retry(client, login, db,
                                                                                    monkeypatch):
    """Local parts are joined by the worker: storage gone then is a failed attempt, retried later (never a refusal
    of the trainer's file), and nothing is half-written meanwhile."""
    from app.catalogue.models import MaterialStatus, MediaStatus
    from app.core.db import utcnow
    from app.jobs.models import OutboxMessage
    from tests.workoff import work_off

    trainer = create_user(Role.TRAINER)
    lesson = first_lesson(create_course(trainers=[trainer]))
    login(trainer)
    before = objects()
    started = uploading.start(client, lesson.id, "spawanie.mp4", len(MP4)).json
    parts = uploading.send_parts(client, started, [MP4])
    assert uploading.complete(client, started, parts).status_code == 202
    with monkeypatch.context() as patched:
        patched.setattr(type(get_storage()), "complete_multipart_upload", storage_gone)
        assert work_off("catalogue.verify_upload") == ["failed"]
    material = db.session.scalar(select(Material))
    assert material.status == MaterialStatus.PROCESSING and objects() == before
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "catalogue.verify_upload"))
    message.available_at = utcnow()  # the retry is due
    db.session.commit()
    assert work_off("catalogue.verify_upload") == ["done"]
    db.session.refresh(material)
    # Verified: the video's conversion for phones is asked for next.
    assert material.media_status == MediaStatus.PROCESSING and objects() == before | {material.storage_key}


def test_storage_down_when_a_signed_sheet_is_uploaded(client, login, db, monkeypatch):
    trainer = create_user(Role.TRAINER, language="pl")
    meeting = create_meeting(create_course(trainers=[trainer]), trainer=trainer)
    login(trainer)
    monkeypatch.setattr(type(get_storage()), "save", storage_gone)
    response = client.post_form(f"/meetings/{meeting.id}/signed-sheets",
                                {"file": (io.BytesIO(PDF), "lista.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 503
    assert "Usługa jest chwilowo niedostępna" in response.get_data(as_text=True)
    assert db.session.scalar(select(SignedSheet)) is None


def test_database_down_during_enrolment(client, login, db, failing_commit):
    course = create_course()
    trainee = create_user(language="lt")
    login(trainee)
    failing_commit()
    response = client.post_form(f"/courses/{course.id}/enrol", {})
    assert response.status_code == 503
    assert "Paslauga laikinai nepasiekiama. Niekas neišsaugota" in response.get_data(as_text=True)
    assert db.session.scalar(select(Enrolment)) is None


def test_database_down_while_marking_attendance(client, login, db, failing_commit):
    trainer = create_user(Role.TRAINER)
    course = create_course(trainers=[trainer])
    trainee = create_user()
    enrol(trainee, course)
    meeting = create_meeting(course, trainer=trainer)
    login(trainer)
    failing_commit()
    response = client.post_form(f"/meetings/{meeting.id}/roster", {"entries-0-user_id": str(trainee.id),
                                                                   "entries-0-status": "present"})
    assert response.status_code == 503
    assert UNAVAILABLE in response.get_data(as_text=True)
    assert db.session.scalar(select(Attendance)) is None


def test_taking_the_evidence_pack_is_audited(client, login, db):
    from app.core.models import AuditEntry

    trainer = create_user(Role.TRAINER)
    meeting = create_meeting(create_course(trainers=[trainer]), trainer=trainer)
    login(trainer)
    assert client.get(f"/meetings/{meeting.id}/evidence.zip").status_code == 303  # to the pack's progress page
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "training.evidence_exported"))
    assert entry.actor_id == trainer.id and entry.object_id == str(meeting.id)
