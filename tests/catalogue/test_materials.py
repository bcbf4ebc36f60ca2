"""Material access, streaming with Range, S3 redirects, soft delete, purge and consistency check."""

from datetime import timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import requests
from sqlalchemy import select

from app.catalogue.models import Material, MaterialKind
from app.core.db import utcnow
from app.core.models import AuditEntry
from app.core.permissions import Role
from app.storage import build_storage, get_storage
from tests.catalogue.samples import MP4
from tests.factories import create_user
from tests.factories.catalogue import create_course, create_material, first_lesson
from tests.factories.enrolment import enrol

VIDEO = MP4 + bytes(range(256)) * 400


@pytest.fixture
def video(db):
    course = create_course()
    return course, create_material(first_lesson(course), data=VIDEO, filename="Spawanie – łuk.mp4",
                                   kind=MaterialKind.VIDEO, content_type="video/mp4")


def test_enrolled_trainee_streams_with_range(client, login, db, video):
    course, material = video
    trainee = create_user(Role.TRAINEE)
    enrol(trainee, course)
    login(trainee)
    response = client.get(f"/materials/{material.id}/file", headers={"Range": "bytes=1000-1999"})
    assert response.status_code == 206
    assert response.data == VIDEO[1000:2000]
    assert response.headers["Content-Range"] == f"bytes 1000-1999/{len(VIDEO)}"
    assert response.headers["Content-Type"] == "video/mp4"
    assert response.headers["Content-Disposition"].startswith("inline")


def test_non_media_files_download_as_attachments(client, login, db):
    course = create_course()
    program = create_material(first_lesson(course), data=b"%\nO1 (X)\nG00 X0\nM30\n%\n", filename="kontur.nc",
                              kind=MaterialKind.CNC_PROGRAM, content_type="text/plain; charset=utf-8")
    trainee = create_user(Role.TRAINEE)
    enrol(trainee, course)
    login(trainee)
    response = client.get(f"/materials/{program.id}/file")
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_anonymous_and_non_enrolled_are_refused(client, login, db, video):
    _, material = video
    assert client.get(f"/materials/{material.id}/file").status_code == 302
    login(create_user(Role.TRAINEE))
    assert client.get(f"/materials/{material.id}/file").status_code == 403
    client.post_form("/logout")
    login(create_user(Role.TRAINER))  # teaches something else
    assert client.get(f"/materials/{material.id}/file").status_code == 403


def test_s3_answers_with_a_short_lived_presigned_redirect(app, client, login, db, s3_config):
    original = app.extensions["mcc_storage"]
    app.extensions["mcc_storage"] = build_storage(s3_config)
    try:
        course = create_course()
        material = create_material(first_lesson(course), data=VIDEO, filename="Spawanie – łuk.mp4",
                                   kind=MaterialKind.VIDEO, content_type="video/mp4")
        trainee = create_user(Role.TRAINEE)
        enrol(trainee, course)
        login(trainee)
        response = client.get(f"/materials/{material.id}/file")
        assert response.status_code == 302
        location = response.headers["Location"]
        query = parse_qs(urlsplit(location).query)
        assert urlsplit(location).path == f"/{s3_config['S3_BUCKET']}/{material.storage_key}"
        assert query["X-Amz-Expires"] == ["300"] and query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
        assert "Spawanie – łuk.mp4" in unquote(query["response-content-disposition"][0])
        fetched = requests.get(location, headers={"Range": "bytes=0-99"}, timeout=10)
        assert fetched.status_code == 206 and fetched.content == VIDEO[:100]
    finally:
        app.extensions["mcc_storage"] = original


def test_soft_delete_hides_and_restore_brings_back(client, login, db, video):
    course, material = video
    trainer = create_user(Role.TRAINER)
    course.trainers.append(trainer)
    trainee = create_user(Role.TRAINEE)
    enrol(trainee, course)
    db.session.commit()
    login(trainer)
    assert client.post_form(f"/teach/materials/{material.id}/delete").status_code == 303
    client.post_form("/logout")
    login(trainee)
    assert client.get(f"/materials/{material.id}/file").status_code == 403
    assert "Spawanie" not in client.get(f"/courses/{course.id}/lessons/{material.lesson_id}").get_data(as_text=True)
    client.post_form("/logout")
    login(trainer)
    client.post_form(f"/teach/materials/{material.id}/restore")
    client.post_form("/logout")
    login(trainee)
    assert client.get(f"/materials/{material.id}/file").status_code == 200
    actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert "catalogue.material_deleted" in actions and "catalogue.material_restored" in actions


def test_trainees_cannot_delete(client, login, db, video):
    course, material = video
    trainee = create_user(Role.TRAINEE)
    enrol(trainee, course)
    login(trainee)
    assert client.post_form(f"/teach/materials/{material.id}/delete").status_code == 403
    db.session.refresh(material)
    assert material.deleted_at is None


def test_purge_removes_old_deleted_objects_and_check_reports_consistency(app, db, video):
    _, material = video
    key = material.storage_key
    runner = app.test_cli_runner()
    assert runner.invoke(args=["storage", "check"]).exit_code == 0
    material.deleted_at = utcnow() - timedelta(days=40)
    db.session.commit()
    assert "0 objects purged" in runner.invoke(args=["storage", "purge", "--older-than-days", "60"]).output
    assert "1 objects purged" in runner.invoke(args=["storage", "purge", "--older-than-days", "30"]).output
    db.session.expire_all()
    assert db.session.get(Material, material.id).purged_at is not None
    assert not get_storage().exists(key)
    assert runner.invoke(args=["storage", "check"]).exit_code == 0

    stray = create_material(first_lesson(video[0]))
    get_storage().delete(stray.storage_key)
    get_storage().save("materials/2026/01/0000orphan0000", __import__("io").BytesIO(b"x"))
    result = runner.invoke(args=["storage", "check"])
    assert result.exit_code == 1
    assert f"MISSING OBJECT {stray.storage_key}" in result.output
    assert "ORPHAN OBJECT  materials/2026/01/0000orphan0000" in result.output
