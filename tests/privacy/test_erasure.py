"""Erasing a person: the indicators do not move, and neither the database nor the storage keeps their name or
e-mail anywhere (searched through every table and every stored object)."""

import io

import pytest
from sqlalchemy import select, text

from app.accounts.models import Country, Gender, User
from app.certificates.models import Certificate
from app.core.models import AuditEntry
from app.core.permissions import Role
from app.extensions import db as _db
from app.placements import documents as placement_services
from app.placements.models import PlacementDocument
from app.reporting import measures
from app.reporting.measures import Scope
from app.storage import get_storage
from app.training.models import Attendance
from tests.catalogue.samples import PDF
from tests.factories import create_user
from tests.reporting import world as w

NAME, EMAIL = "Gražina Šimkutė-Erasable", "grazina.erasable@example.com"
MEASURES = [measures.trainees_enrolled, measures.trainees_completed, measures.meetings_held,
            measures.attendance_rate, measures.placements_completed, measures.trainee_hours,
            measures.certificates_issued, lambda s: measures.placements_completed(s, only_cross_border=True)]
SCOPES = [Scope(), Scope(country=Country.LT), Scope(gender=Gender.FEMALE)]


def figures():
    return [[m(scope) for m in MEASURES] for scope in SCOPES]


@pytest.fixture
def person(db, client, login):
    world = w.build()
    person = world.users["gražina"]
    person.full_name, person.email = NAME, EMAIL
    # What others wrote about her, what she wrote, her files, her certificate, audit entries naming her.
    attendance = db.session.scalar(select(Attendance).where(Attendance.user_id == person.id))
    attendance.remark = f"{NAME} was ill"
    placement = world_placement(person)
    placement_services.store_document(person, placement, "insurance", f"{NAME}.pdf", io.BytesIO(PDF))
    db.session.add(Certificate(code="ERASE0000001", user_id=person.id, course_id=world.courses["welding"].id,
                               holder_name=NAME, completed_at=world.courses["welding"].created_at))
    db.session.commit()
    login(create_user(Role.COORDINATOR))  # leaves audit entries about logins; an export names nobody
    client.post_form("/logout")
    client.post_form("/login", {"email": EMAIL, "password": "wrong password"})  # a failed login with her e-mail
    return person


def world_placement(person):
    from app.placements.models import Placement

    return _db.session.scalar(select(Placement).where(Placement.trainee_id == person.id))


def every_text_in_the_database() -> str:
    chunks = []
    for table in _db.metadata.sorted_tables:
        for row in _db.session.execute(select(table)).all():
            chunks.append(repr(tuple(row)))
    for table in ("audit_entries", "certificates", "users"):  # raw stored text, escapes included
        chunks += [repr(r) for r in _db.session.execute(text(f"SELECT * FROM {table}")).all()]
    return "\n".join(chunks)


def test_erasure_keeps_the_indicators_and_leaves_no_trace(client, login, db, person, app):
    document_keys = list(db.session.scalars(select(PlacementDocument.storage_key)))
    assert document_keys and NAME in every_text_in_the_database()
    before = figures()
    admin = create_user(Role.ADMIN)
    login(admin)
    page = client.get(f"/admin/users/{person.id}/erase")
    assert page.status_code == 200
    response = client.post_form(f"/admin/users/{person.id}/erase",
                                {"reason": f"Request of {NAME} of 2026-11-20, ref. RODO/7", "understood": "y"})
    assert response.status_code == 303
    db.session.expire_all()
    assert figures() == before
    everything = every_text_in_the_database()
    for needle in (NAME, EMAIL, "Gra\\u017eina", "\\u0160imkut"):
        assert needle not in everything, needle
    storage = get_storage()
    assert not any(storage.exists(key) for key in document_keys)
    for obj in storage.iter_objects():
        with storage.open(obj.key) as stream:
            content = stream.read()
        assert NAME.encode() not in content and EMAIL.encode() not in content
    erased = db.session.get(User, person.id)
    assert erased.erased_at is not None and erased.email is None and not erased.can_log_in
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "privacy.person_erased"))
    assert entry.actor_id == admin.id and "RODO/7" in entry.after["reason"]


def test_erasure_needs_a_reason_and_an_admin(client, login, db, person):
    login(create_user(Role.ADMIN))
    response = client.post_form(f"/admin/users/{person.id}/erase", {"reason": "", "understood": "y"})
    assert response.status_code == 422
    login(create_user(Role.COORDINATOR))
    assert client.post_form(f"/admin/users/{person.id}/erase", {"reason": "x", "understood": "y"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(User, person.id).full_name == NAME


def test_a_failed_erasure_changes_nothing(client, login, db, person, monkeypatch):
    from app.privacy import erasure

    def broken_flush(*args, **kwargs):
        raise RuntimeError("database went away")

    login(create_user(Role.ADMIN))
    monkeypatch.setattr(erasure, "record_event", broken_flush)
    response = client.post_form(f"/admin/users/{person.id}/erase", {"reason": "ref 1", "understood": "y"})
    assert response.status_code == 500
    db.session.expire_all()
    assert db.session.get(User, person.id).email == EMAIL
    assert all(get_storage().exists(k) for k in db.session.scalars(select(PlacementDocument.storage_key)))


def test_an_admin_cannot_erase_themselves(client, login, db):
    admin = create_user(Role.ADMIN, full_name="Adam Administrator")
    login(admin)
    page = client.get(f"/admin/users/{admin.id}/erase").get_data(as_text=True)
    assert "You cannot erase your own account." in page and 'name="reason"' not in page
    response = client.post_form(f"/admin/users/{admin.id}/erase", {"reason": "test", "understood": "y"})
    assert response.status_code == 422
    assert "You cannot erase your own account." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, admin.id).full_name == "Adam Administrator"
