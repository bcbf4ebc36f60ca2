"""The retention periods published on /privacy, enforced by the daily upkeep (its handler called here as a worker
would): what is past its period is erased or anonymised as the notice says, and each run is in the audit trail."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.core.audit import record_event
from app.core.db import utcnow
from app.core.models import AuditEntry
from app.core.permissions import Role
from app.jobs.models import OutboxMessage
from app.placements import documents as placement_services
from app.placements.models import Placement, PlacementDocument
from app.privacy.retention import RETENTION, enforce_retention, evidence_end
from app.reporting import measures
from app.reporting.measures import Scope
from app.storage import get_storage
from app.training import services as training_services
from app.training.models import SignedSheet, TrainingSession
from tests.catalogue.samples import PDF
from tests.factories import create_user
from tests.reporting import world as w


def audit_count(action: str) -> int:
    return _count(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action))


def _count(statement) -> int:
    from app.extensions import db

    return db.session.scalar(statement)


def test_failed_logins_are_kept_one_year(db):
    old = record_event("auth.login_failed", object_type="users", object_id="7")
    recent = record_event("auth.login_failed", object_type="users", object_id="8")
    kept = record_event("accounts.role_changed", object_type="users", object_id="7")
    db.session.flush()
    old.created_at = kept.created_at = utcnow() - timedelta(days=400)
    recent.created_at = utcnow() - timedelta(days=300)
    db.session.commit()
    assert enforce_retention() == {"remove_failed_logins": 1}
    db.session.commit()
    assert audit_count("auth.login_failed") == 1 and audit_count("accounts.role_changed") == 1
    applied = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "privacy.retention_applied"))
    assert applied.object_id == "remove_failed_logins" and applied.after == {"count": 1, "evidence_end": None}


def test_records_of_background_work_done_are_kept_30_days(db):
    now = utcnow()
    db.session.add_all([
        OutboxMessage(kind="mail.send", payload={"to": "a@example.com"}, done_at=now - timedelta(days=31)),
        OutboxMessage(kind="mail.send", payload={"to": "b@example.com"}, done_at=now - timedelta(days=2)),
        OutboxMessage(kind="mail.send", payload={"to": "c@example.com"}, failed_at=now - timedelta(days=60)),
    ])
    db.session.commit()
    assert enforce_retention() == {"remove_background_work": 1}
    db.session.commit()
    assert sorted(m.payload["to"] for m in db.session.scalars(select(OutboxMessage))) == [
        "b@example.com", "c@example.com"]  # the failed one stays for the admins


def test_without_the_final_payments_date_the_evidence_is_kept(app, db):
    w.build()
    assert app.config["PROJECT_FINAL_PAYMENT"] is None and evidence_end() is None
    before = _count(select(func.count()).select_from(AuditEntry))
    assert enforce_retention() == {}
    assert _count(select(func.count()).select_from(User).where(User.erased_at.is_not(None))) == 0
    assert _count(select(func.count()).select_from(AuditEntry)) == before


@pytest.fixture
def evidence_world(app, db, monkeypatch):
    world = w.build()
    trainer = world.trainer
    meeting = db.session.scalar(select(TrainingSession).where(TrainingSession.trainer_id == trainer.id)) or \
        db.session.scalar(select(TrainingSession))
    training_services.store_signed_sheet(meeting, "lista.pdf", io.BytesIO(PDF), trainer)
    placement = db.session.scalar(select(Placement))
    trainee = db.session.get(User, placement.trainee_id)
    placement_services.store_document(trainee, placement, "agreement", "umowa.pdf", io.BytesIO(PDF))
    db.session.commit()
    return world


def test_at_the_end_of_the_evidence_period_people_are_anonymised_and_signed_scans_deleted(app, db,
                                                                                        evidence_world,
                                                                                        monkeypatch):
    figures = [measures.trainees_enrolled(Scope()), measures.attendance_rate(Scope()),
               measures.placements_completed(Scope())]
    admin = create_user(Role.ADMIN)
    admin.last_login_at = utcnow() - timedelta(days=2)  # still uses the system after the period ended
    old_entry = record_event("catalogue.course_saved", object_type="courses", object_id="1")
    db.session.flush()
    old_entry.created_at = datetime(2024, 6, 1, tzinfo=UTC)
    db.session.commit()
    keys = [o.key for o in get_storage().iter_objects()]
    assert len(keys) == 2

    monkeypatch.setitem(app.config, "PROJECT_FINAL_PAYMENT", "2019-06-30")  # kept until 31 December 2024
    assert evidence_end() == datetime(2025, 1, 1, tzinfo=UTC)
    done = enforce_retention()
    db.session.commit()
    people = _count(select(func.count()).select_from(User)) - 1
    assert done["anonymise_unused_accounts"] == people and done["remove_signed_documents"] == 2
    assert done["remove_old_audit_trail"] >= 1
    assert _count(select(func.count()).select_from(SignedSheet)) == 0
    assert _count(select(func.count()).select_from(PlacementDocument)) == 0
    assert [o.key for o in get_storage().iter_objects()] == []
    assert audit_count("catalogue.course_saved") == 0  # (SQLite may give its id to a newer entry)
    db.session.refresh(admin)
    assert admin.erased_at is None and admin.email  # in use: kept while used
    names = set(db.session.scalars(select(User.full_name).where(User.id != admin.id)))
    assert all(name.startswith("Erased person #") for name in names), names
    # The anonymous rows still count: the figures the funder sees do not move.
    assert [measures.trainees_enrolled(Scope()), measures.attendance_rate(Scope()),
            measures.placements_completed(Scope())] == figures
    assert audit_count("privacy.retention_applied") == 3
    applied = {e.object_id: e.after for e in db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "privacy.retention_applied"))}
    assert applied["remove_signed_documents"] == {"count": 2, "evidence_end": "2025-01-01"}


def test_before_the_end_of_the_evidence_period_nothing_of_it_goes(app, db, evidence_world, monkeypatch):
    monkeypatch.setitem(app.config, "PROJECT_FINAL_PAYMENT", f"{utcnow().year}-03-31")
    assert enforce_retention() == {}
    assert _count(select(func.count()).select_from(SignedSheet)) == 1


def test_a_mistyped_final_payment_date_applies_nothing(app, db, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "PROJECT_FINAL_PAYMENT", "31.12.2019")
    assert evidence_end() is None
    assert "is not a date" in caplog.text


def test_the_privacy_notice_publishes_every_period_the_upkeep_applies(client, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "GENERATED_FILES_DAYS", 3)
    html = client.get("/privacy", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert "Pliki przygotowane do pobrania" in html and "3 dni" in html
    assert "Zapisy pracy systemu w tle" in html and "30 dni" in html
    for period in RETENTION:
        assert period.enforce or period.enforced_by or str(period.kept).startswith("5"), period.what
