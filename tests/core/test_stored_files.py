"""Every kind of stored file, on both storage backends: when the commit fails after the object was stored, neither
the row nor the object remains (the unit of work deletes objects registered during a transaction that did not
commit). The database failure is injected at the commit by a session event, not by replacing ``commit``."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from app.catalogue.models import Material
from app.core.permissions import Role
from app.extensions import db as _db
from app.placements.models import PlacementDocument, PlacementStatus
from app.storage import build_storage, get_storage
from app.training.models import SignedSheet
from tests.catalogue import uploading
from tests.catalogue.samples import MP4, PDF
from tests.factories import create_user
from tests.factories.catalogue import create_course, first_lesson
from tests.factories.placements import create_company, create_placement
from tests.factories.training import create_meeting

UNAVAILABLE = "The service is temporarily unavailable. Nothing was saved"


@pytest.fixture(params=["local", "s3"])
def storage(request, app, db):
    original = app.extensions["mcc_storage"]
    if request.param == "s3":
        app.extensions["mcc_storage"] = build_storage(request.getfixturevalue("s3_config"))
    yield app.extensions["mcc_storage"]
    app.extensions["mcc_storage"] = original


@pytest.fixture
def commit_fails(db):
    """From now on the database refuses to commit, as if it went away at that moment."""
    armed = []

    def refuse(session):
        if armed:
            raise OperationalError("COMMIT", {}, Exception("server closed the connection unexpectedly"))

    event.listen(_db.session, "before_commit", refuse)
    yield lambda: armed.append(True)
    event.remove(_db.session, "before_commit", refuse)


def objects() -> set[str]:
    return {o.key for o in get_storage().iter_objects()}


def rows(model) -> int:
    _db.session.expire_all()
    return _db.session.scalar(select(func.count()).select_from(model))


def test_a_material_whose_row_cannot_be_committed_leaves_no_object(client, login, storage, commit_fails):
    trainer = create_user(Role.TRAINER)
    lesson = first_lesson(create_course(trainers=[trainer]))
    login(trainer)
    before = objects()
    started = uploading.start(client, lesson.id, "spawanie.mp4", len(MP4)).json
    parts = uploading.send_parts(client, started, [MP4])
    commit_fails()
    response = uploading.complete(client, started, parts)
    assert response.status_code == 503
    assert rows(Material) == 0 and objects() == before


def test_a_signed_sheet_whose_row_cannot_be_committed_leaves_no_object(client, login, storage, commit_fails):
    trainer = create_user(Role.TRAINER)
    meeting = create_meeting(create_course(trainers=[trainer]), trainer=trainer)
    login(trainer)
    before = objects()
    commit_fails()
    response = client.post_form(f"/meetings/{meeting.id}/signed-sheets", {"file": (io.BytesIO(PDF), "lista.pdf")},
                                content_type="multipart/form-data")
    assert response.status_code == 503 and UNAVAILABLE in response.get_data(as_text=True)
    assert rows(SignedSheet) == 0 and objects() == before


def test_a_placement_document_whose_row_cannot_be_committed_leaves_no_object(client, login, storage, commit_fails):
    mentor, trainee = create_user(Role.TRAINER), create_user()
    placement = create_placement(trainee, create_company(mentors=[mentor]), status=PlacementStatus.IN_PROGRESS)
    login(trainee)
    before = objects()
    commit_fails()
    response = client.post_form(f"/placements/{placement.id}/documents", {
        "doc-kind": "agreement", "doc-file": (io.BytesIO(PDF), "umowa.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 503 and UNAVAILABLE in response.get_data(as_text=True)
    assert rows(PlacementDocument) == 0 and objects() == before


def test_a_committed_upload_keeps_its_object(client, login, storage):
    """The counterpart: without the fault the same upload keeps both, so the tests above can fail."""
    trainer = create_user(Role.TRAINER)
    meeting = create_meeting(create_course(trainers=[trainer]), trainer=trainer)
    login(trainer)
    before = objects()
    response = client.post_form(f"/meetings/{meeting.id}/signed-sheets", {"file": (io.BytesIO(PDF), "lista.pdf")},
                                content_type="multipart/form-data")
    assert response.status_code == 303
    sheet = _db.session.scalar(select(SignedSheet))
    assert sheet is not None and objects() == before | {sheet.storage_key}
