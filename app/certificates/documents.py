"""The certificate as a one-page PDF with a QR code to its verification page."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date
from flask import current_app
from flask_babel import force_locale, gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth
from reportlab.pdfgen import canvas

from app.accounts.models import User
from app.certificates.models import Certificate, CertificateKind
from app.certificates.services import verify_url
from app.core.i18n import ZONE_FOR_LANGUAGE, is_valid_timezone
from app.core.pdf import register_fonts
from app.core.translated import pick
from app.extensions import db

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
BORDER = 12 * mm  # the frame's distance from the paper's edge
#: Where the text may go: inside the frame with a margin; the body above the footer's code, link and QR code.
TEXT_LEFT, TEXT_RIGHT = BORDER + 8 * mm, PAGE_WIDTH - BORDER - 8 * mm
BODY_TOP, BODY_BOTTOM = PAGE_HEIGHT - BORDER - 16 * mm, 60 * mm
QR_SIZE, QR_LEFT = 38 * mm, PAGE_WIDTH - 58 * mm
#: Long titles and names first wrap, then the whole body shrinks step by step down to this share of its size.
SMALLEST_SCALE = 0.5


def _qr_png(url: str) -> bytes:
    import segno

    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=8, border=2)
    return out.getvalue()


def certificate_zone(certificate: Certificate) -> ZoneInfo:
    """Dates are the holder's calendar days (their zone, else the one usual for the certificate's language), the
    same whoever downloads the document."""
    holder = db.session.get(User, certificate.user_id)
    if holder is not None and is_valid_timezone(holder.timezone):
        return ZoneInfo(holder.timezone)
    return ZoneInfo(ZONE_FOR_LANGUAGE.get(certificate.language, current_app.config["DEFAULT_TIMEZONE"]))


def period_text(started: datetime | None, completed: datetime, zone: ZoneInfo, language: str) -> str:
    """"From 1 to 5 December", or the one day when the course began and ended on the same local day."""
    end = completed.astimezone(zone).date()
    with force_locale(language):
        if started is None:
            return _("Completed on %(date)s", date=format_date(end, "long", locale=language))
        start = started.astimezone(zone).date()
        if start >= end:
            return _("On %(date)s", date=format_date(end, "long", locale=language))
        return _("From %(start)s to %(end)s", start=format_date(start, "long", locale=language),
                 end=format_date(end, "long", locale=language))


@dataclass(frozen=True)
class Block:
    """A paragraph of the body: one text per language, joined with " / " on one line when they fit."""

    parts: tuple[str, ...]
    font: str
    size: float
    space_after: float


def wrap(parts: tuple[str, ...], font: str, size: float, width: float) -> tuple[list[str], float]:
    """The lines of a block within ``width`` and the font size they need. Lines break first between the languages
    (or the halves of a title written as "Polish / Lithuanian"), keeping the " /" at the line's end, then between
    words; a word longer than the line shrinks the block until it fits."""
    segments = " / ".join(parts).split(" / ")
    lines: list[str] = []
    current = ""
    for i, segment in enumerate(segments):
        more = " /" if i < len(segments) - 1 else ""
        candidate = f"{current} / {segment}" if current else segment
        if stringWidth(candidate + more, font, size) <= width:
            current = candidate
            continue
        if current:
            lines.append(current + " /")
        *full, current = simpleSplit(segment, font, size, width) or [""]
        lines.extend(full)
    lines.append(current)
    widest = max(stringWidth(line, font, size) for line in lines)
    return lines, (size * width / widest) if widest > width else size


def layout(blocks: list[Block], width: float, height: float) -> list[tuple[list[str], str, float, float]]:
    """(lines, font, size, space after) for each block, shrunk together just enough to fit ``height``."""
    scale = 1.0
    while True:
        laid = []
        total = 0.0
        for block in blocks:
            lines, size = wrap(block.parts, block.font, block.size * scale, width)
            ascent, descent = getAscentDescent(block.font, size)
            total += ascent - descent + (len(lines) - 1) * size * 1.2 + block.space_after * scale
            laid.append((lines, block.font, size, block.space_after * scale))
        if total <= height or scale <= SMALLEST_SCALE:
            return laid
        scale = max(SMALLEST_SCALE, scale - 0.05)


def _texts(certificate: Certificate, language: str, zone: ZoneInfo, url: str) -> dict[str, str]:
    with force_locale(language):
        return {
            "title": _("Certificate of completion"),
            "confirms": _("This is to certify that"),
            "completed": _("has completed the course") if certificate.kind == CertificateKind.COURSE
            else _("has completed an internship at"),
            "specialisation": _("Specialisation: %(name)s", name=pick(certificate.specialisation_title,
                                                                       language=language)),
            "hours": _("Training hours: %(hours)s", hours=certificate.hours),
            "dates": period_text(certificate.started_on, certificate.completed_at, zone, language),
            "course": pick(certificate.course_title, language=language),
            "issuer": _("Issued by: %(issuer)s", issuer=current_app.config["ISSUER_NAME"]),
            "verify": _("Verify at %(url)s with the code %(code)s", url=url, code=certificate.code),
        }


def certificate_pdf(certificate: Certificate, bilingual: bool = False) -> bytes:
    """A one-page A4 landscape certificate in the holder's language, or in Polish and Lithuanian together. Every
    line stays inside the frame, however long the course's title or the holder's name."""
    regular, bold = register_fonts()
    languages = ("pl", "lt") if bilingual else (certificate.language,)
    url = verify_url(certificate)
    zone = certificate_zone(certificate)
    variants = [_texts(certificate, language, zone, url) for language in languages]

    def each(key: str) -> tuple[str, ...]:
        return tuple(v[key] for v in variants)

    def one_per_line(key: str, font: str, size: float, gap: float, last_gap: float) -> list[Block]:
        return [Block((text,), font, size, last_gap if i == len(variants) - 1 else gap)
                for i, text in enumerate(each(key))]

    blocks = [
        Block(each("title"), bold, 20 if bilingual else 24, 7 * mm),
        Block(each("confirms"), regular, 12, 4 * mm),
        Block((certificate.holder_name,), bold, 26, 4 * mm),
        Block(each("completed"), regular, 12, 3 * mm),
        *one_per_line("course", bold, 16, 2 * mm, 5 * mm),
        *[block for key in ("specialisation", "hours", "dates")
          for block in one_per_line(key, regular, 11, 1.5 * mm, 1.5 * mm)],
        *one_per_line("issuer", regular, 10, 1.5 * mm, 0),
    ]

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT))
    pdf.setTitle(f"MCC certificate {certificate.code}")
    pdf.setStrokeColor(colors.HexColor("#0b4f8a"))
    pdf.setLineWidth(3)
    pdf.rect(BORDER, BORDER, PAGE_WIDTH - 2 * BORDER, PAGE_HEIGHT - 2 * BORDER)

    y = BODY_TOP
    for lines, font, size, space_after in layout(blocks, TEXT_RIGHT - TEXT_LEFT, BODY_TOP - BODY_BOTTOM):
        ascent, descent = getAscentDescent(font, size)
        y -= ascent
        pdf.setFont(font, size)
        for i, line in enumerate(lines):
            pdf.drawCentredString(PAGE_WIDTH / 2, y, line)
            if i < len(lines) - 1:
                y -= size * 1.2
        y += descent - space_after

    # The footer: code and link at the left, each line shrunk if needed to end before the QR code.
    footer_width = QR_LEFT - 4 * mm - TEXT_LEFT
    pdf.setFont(bold, 11)
    pdf.drawString(TEXT_LEFT, 34 * mm, certificate.code)
    line = 24 * mm
    for text in each("verify"):
        pdf.setFont(regular, min(9, 9 * footer_width / stringWidth(text, regular, 9)))
        pdf.drawString(TEXT_LEFT, line, text)
        line -= 5 * mm
    pdf.drawImage(ImageReader(io.BytesIO(_qr_png(url))), QR_LEFT, 18 * mm, QR_SIZE, QR_SIZE)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def certificate_filename(certificate: Certificate, bilingual: bool = False) -> str:
    """Each download its own name: the code and the language(s) of the document."""
    return f"certificate-{certificate.code}-{'pl-lt' if bilingual else certificate.language}.pdf"
