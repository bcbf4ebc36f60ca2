"""The certificate as a one-page PDF with a QR code to its verification page."""

from __future__ import annotations

import io

from flask import current_app
from flask_babel import force_locale, format_date, gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from app.certificates.models import Certificate, CertificateKind
from app.certificates.services import verify_url
from app.core.pdf import register_fonts
from app.core.translated import pick


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
                "completed": _("has completed the course") if certificate.kind == CertificateKind.COURSE
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
