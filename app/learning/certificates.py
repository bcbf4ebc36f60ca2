"""Certificates: issued when an enrolment becomes complete, verifiable by anyone at /verify/<code>, revocable.

The same table holds other kinds (``kind``), so a placement certificate is verified by the same page.
"""

from __future__ import annotations

import io
import secrets

from flask import current_app
from flask_babel import force_locale, format_date, gettext as _, lazy_gettext as _l
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas
from sqlalchemy import select

from app.accounts.mails import external_url
from app.accounts.models import User
from app.audit.services import record_event
from app.core.db import utcnow
from app.core.errors import DomainError
from app.core.permissions import Role, has_role
from app.core.translated import pick
from app.enrolment.models import Enrolment
from app.extensions import db
from app.learning.models import Certificate
from app.training.documents import register_fonts

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: codes are read aloud and typed


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_code(code: str) -> str:
    compact = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    return f"{compact[:4]}-{compact[4:8]}-{compact[8:12]}" if len(compact) == 12 else compact


def valid_certificate_for(enrolment: Enrolment) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.enrolment_id == enrolment.id,
                                                       Certificate.revoked_at.is_(None)))


def issue_for(enrolment: Enrolment) -> Certificate:
    """Issue the course certificate of a complete enrolment (once: an existing valid one is returned)."""
    existing = valid_certificate_for(enrolment)
    if existing is not None:
        return existing
    course, user = enrolment.course, enrolment.user
    certificate = Certificate(
        code=new_code(), kind="course", enrolment_id=enrolment.id, user_id=user.id, course_id=course.id,
        holder_name=user.full_name, course_title=dict(course.title),
        specialisation_title=dict(course.specialisation.title), hours=course.hours,
        started_on=enrolment.created_at, completed_at=enrolment.completed_at or utcnow(),
        language=user.language if user.language in ("pl", "lt", "en") else "pl")
    db.session.add(certificate)
    db.session.flush()
    record_event("learning.certificate_issued", obj=certificate, after={"code": certificate.code,
                                                                        "enrolment": enrolment.id})
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


def revoke_for_lost_completion(enrolment: Enrolment, actor: User | None) -> None:
    certificate = valid_certificate_for(enrolment)
    if certificate is not None:
        certificate.revoked_at, certificate.revoke_reason = utcnow(), "completion withdrawn"
        certificate.revoked_by_id = actor.id if actor else None
        record_event("learning.certificate_revoked", actor=actor, obj=certificate,
                     after={"reason": "completion withdrawn"})
        db.session.flush()


def find_certificate(code: str) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.code == normalise_code(code)))


def verify_url(certificate: Certificate) -> str:
    return external_url("learning.verify", code=certificate.code)


def _qr_png(url: str) -> bytes:
    import segno

    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=8, border=2)
    return out.getvalue()


def certificate_pdf(certificate: Certificate, bilingual: bool = False) -> bytes:
    """A one-page A4 landscape certificate in the holder's language, or in Polish and Lithuanian together."""
    regular, bold = register_fonts()
    languages = ("pl", "lt") if bilingual else (certificate.language,)
    url = verify_url(certificate)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=landscape(A4))
    width, height = landscape(A4)
    pdf.setTitle(f"MCC certificate {certificate.code}")
    pdf.setStrokeColor(colors.HexColor("#0b4f8a"))
    pdf.setLineWidth(3)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)

    def texts(language):
        with force_locale(language):
            return {
                "title": _("Certificate of completion"),
                "confirms": _("This is to certify that"),
                "completed": _("has completed the course") if certificate.kind == "course"
                else _("has completed an internship at"),
                "specialisation": _("Specialisation: %(name)s", name=pick(certificate.specialisation_title,
                                                                           language=language)),
                "hours": _("Training hours: %(hours)s", hours=certificate.hours),
                "dates": _("From %(start)s to %(end)s", start=format_date(certificate.started_on, "long")
                           if certificate.started_on else "—", end=format_date(certificate.completed_at, "long")),
                "course": pick(certificate.course_title, language=language),
                "issuer": _("Issued by: %(issuer)s", issuer=current_app.config["ISSUER_NAME"]),
                "verify": _("Verify at %(url)s with the code %(code)s", url=url, code=certificate.code),
            }

    variants = [texts(language) for language in languages]
    y = height - 40 * mm

    def centred(text, font, size, step):
        nonlocal y
        pdf.setFont(font, size)
        pdf.drawCentredString(width / 2, y, text)
        y -= step

    centred(" / ".join(v["title"] for v in variants), bold, 24 if not bilingual else 20, 14 * mm)
    centred(" / ".join(v["confirms"] for v in variants), regular, 12, 10 * mm)
    centred(certificate.holder_name, bold, 26, 12 * mm)
    centred(" / ".join(v["completed"] for v in variants), regular, 12, 9 * mm)
    for variant in variants:
        centred(variant["course"], bold, 16, 8 * mm)
    y -= 2 * mm
    for key in ("specialisation", "hours", "dates"):
        for variant in variants:
            centred(variant[key], regular, 11, 6 * mm)
    y -= 4 * mm
    for variant in variants:
        centred(variant["issuer"], regular, 10, 6 * mm)
    pdf.setFont(regular, 9)
    line = 24 * mm
    for variant in variants:
        pdf.drawString(20 * mm, line, variant["verify"])
        line -= 5 * mm
    pdf.drawImage(ImageReader(io.BytesIO(_qr_png(url))), width - 58 * mm, 18 * mm, 38 * mm, 38 * mm)
    pdf.setFont(bold, 11)
    pdf.drawString(20 * mm, 34 * mm, certificate.code)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
