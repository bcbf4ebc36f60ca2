"""Issuing, revoking and finding certificates. The domains that decide someone earned one (learning on
completion, placements on a completed internship) pass the facts; this module keeps them and their codes, and tells
the holder (kinds in ``app.certificates.notices``)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import User
from app.certificates.models import Certificate, CertificateKind
from app.core.audit import record_event
from app.core.db import utcnow
from app.core.errors import DomainError
from app.core.i18n import LANGUAGES
from app.core.permissions import Role, has_role
from app.core.urls import external_url, path_for
from app.extensions import db
from app.notifications.services import notify

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: codes are read aloud and typed


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_code(code: str) -> str:
    compact = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    return f"{compact[:4]}-{compact[4:8]}-{compact[8:12]}" if len(compact) == 12 else compact


@dataclass(frozen=True)
class Facts:
    """What a certificate states, copied at issue time."""

    kind: CertificateKind
    holder: User
    title: dict
    specialisation_title: dict
    hours: int
    started_on: datetime | None
    completed_at: datetime
    enrolment_id: int | None = None
    course_id: int | None = None
    placement_id: int | None = None


def valid_for_enrolment(enrolment_id: int) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.enrolment_id == enrolment_id,
                                                       Certificate.revoked_at.is_(None)))


def valid_for_placement(placement_id: int) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.placement_id == placement_id,
                                                       Certificate.revoked_at.is_(None)))


def _tell_holder(certificate: Certificate, kind: str, **extra) -> None:
    """Only the holder hears of their certificate; the link leads where they find it."""
    link = path_for("placements.placement", placement_id=certificate.placement_id) if certificate.placement_id \
        else path_for("learning.dashboard")
    notify([db.session.get(User, certificate.user_id)], kind,
           {"title": certificate.course_title, "code": certificate.code, **extra}, link=link)


def issue(facts: Facts, actor: User | None = None) -> Certificate:
    """Issue a certificate with a new code, in the holder's language (Polish if theirs is not offered)."""
    holder = facts.holder
    certificate = Certificate(
        code=new_code(), kind=facts.kind, enrolment_id=facts.enrolment_id, course_id=facts.course_id,
        placement_id=facts.placement_id, user_id=holder.id, holder_name=holder.full_name,
        course_title=dict(facts.title), specialisation_title=dict(facts.specialisation_title), hours=facts.hours,
        started_on=facts.started_on, completed_at=facts.completed_at,
        language=holder.language if holder.language in LANGUAGES else "pl")
    db.session.add(certificate)
    db.session.flush()
    record_event("learning.certificate_issued", actor=actor, obj=certificate,
                 after={"code": certificate.code, "kind": facts.kind, "enrolment": facts.enrolment_id,
                        "placement": facts.placement_id})
    _tell_holder(certificate, "certificate.issued")
    return certificate


def revoke(certificate: Certificate, actor: User | None, reason: str) -> None:
    if actor is not None and not has_role(actor, Role.COORDINATOR):
        raise DomainError(_l("Only coordinators revoke certificates."))
    if not reason or not reason.strip():
        raise DomainError(_l("Please give the reason for revoking the certificate."), field="reason")
    if certificate.revoked_at is not None:
        raise DomainError(_l("This certificate has already been revoked."))
    certificate.revoked_at, certificate.revoke_reason = utcnow(), reason.strip()
    certificate.revoked_by_id = actor.id if actor else None
    record_event("learning.certificate_revoked", actor=actor, obj=certificate, after={"reason": reason.strip()})
    db.session.flush()
    _tell_holder(certificate, "certificate.revoked", reason=reason.strip())


def revoke_for_lost_completion(enrolment_id: int, actor: User | None) -> None:
    certificate = valid_for_enrolment(enrolment_id)
    if certificate is not None:
        certificate.revoked_at, certificate.revoke_reason = utcnow(), "completion withdrawn"
        certificate.revoked_by_id = actor.id if actor else None
        record_event("learning.certificate_revoked", actor=actor, obj=certificate,
                     after={"reason": "completion withdrawn"})
        db.session.flush()
        _tell_holder(certificate, "certificate.withdrawn")


def find_certificate(code: str) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.code == normalise_code(code)))


def verify_url(certificate: Certificate) -> str:
    return external_url("certificates.verify", code=certificate.code)
