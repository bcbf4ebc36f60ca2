"""Documents for the funder: the printable attendance sheet (PDF) and the evidence pack (ZIP, built by a worker)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale, gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy import select

from app.accounts.models import User
from app.catalogue.models import Lesson, Material, MaterialStatus
from app.core.employers import employer_names
from app.core.exports import safe_cell
from app.core.i18n import COUNTRY_LABELS, format_long_moment
from app.core.pdf import register_fonts
from app.core.translated import pick
from app.downloads.services import NotBuildable, Progress, builder
from app.extensions import db
from app.storage import get_storage
from app.training.models import TrainingSession
from app.training.policies import can_run_meeting
from app.training.services import roster


def attendance_sheet_pdf(meeting: TrainingSession) -> bytes:
    """One row per person on the roster with a signature box, in the meeting's language."""
    regular, bold = register_fonts()
    with force_locale(meeting.language):
        styles = {
            "title": ParagraphStyle("title", fontName=bold, fontSize=14, leading=18, spaceAfter=4),
            "small": ParagraphStyle("small", fontName=regular, fontSize=8, leading=10),
            "normal": ParagraphStyle("normal", fontName=regular, fontSize=10, leading=13),
            "cell": ParagraphStyle("cell", fontName=regular, fontSize=9, leading=11),
        }
        course = meeting.course  # None for a hosted meeting (an event's): the sheet names the event instead
        project = current_app.config["PROJECT_NAME"]
        # Labels are looked up first: the extractor does not see gettext calls inside f-strings.
        labels = {"course": _("Course") if course else _("Event"), "meeting": _("Meeting"),
                  "when": _("Date and time"), "venue": _("Venue"), "trainer": _("Trainer")}
        venue = ", ".join(p for p in (meeting.venue_company, meeting.venue_address,
                                      str(COUNTRY_LABELS[meeting.venue_country.value])) if p)
        title = pick(meeting.title, meeting.source_language, meeting.language)
        lines = [
            (labels["course"], pick(meeting.heading, meeting.source_language, meeting.language)),
            *([(labels["meeting"], title)] if course else []),
            # The sheet is signed at the venue: its times are the venue's wall clock, with the zone named.
            (labels["when"], f"{format_long_moment(meeting.starts_at, meeting.timezone, end=meeting.ends_at)} "
                             f"({meeting.timezone})"),
            (labels["venue"], venue),
            (labels["trainer"], meeting.trainer.full_name if meeting.trainer else "—"),
        ]
        story = [Paragraph(project, styles["small"]), Paragraph(_("Attendance sheet"), styles["title"])]
        # Paragraph reads markup: what people typed (names, firms, titles) is escaped.
        story += [Paragraph(escape(f"{label}: {value}"), styles["normal"]) for label, value in lines]
        story.append(Spacer(1, 6 * mm))
        header = [_("No."), _("Name"), _("Company"), _("Country"), _("Signature")]
        rows = [[Paragraph(h, styles["cell"]) for h in header]]
        people = roster(meeting)
        employers = employer_names(user.employer_id for user, _a in people)  # members' names, one query
        for number, (user, _attendance) in enumerate(people, 1):
            rows.append([str(number), Paragraph(escape(user.full_name), styles["cell"]),
                         Paragraph(escape(employers.get(user.employer_id) or user.company_name or ""),
                                   styles["cell"]),
                         Paragraph(str(COUNTRY_LABELS[user.country.value]), styles["cell"]), ""])
        table = Table(rows, colWidths=[10 * mm, 55 * mm, 50 * mm, 25 * mm, 40 * mm], repeatRows=1,
                      rowHeights=[None] + [11 * mm] * (len(rows) - 1))
        table.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), regular), ("FONTSIZE", (0, 0), (-1, -1), 9),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6ebf0")),
        ]))
        story += [table, Spacer(1, 8 * mm),
                  Paragraph(_("Trainer's signature: ______________________"), styles["normal"]),
                  Spacer(1, 4 * mm), Paragraph(current_app.config["FUNDING_NOTICE"], styles["small"])]
        buffer = io.BytesIO()
        document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=12 * mm, rightMargin=12 * mm,
                                     topMargin=12 * mm, bottomMargin=12 * mm,
                                     title=_("Attendance sheet") + " – " + title, author="MCC")
        document.build(story)
    return buffer.getvalue()


def _csv_bytes(rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return out.getvalue().encode("utf-8-sig")  # the BOM makes spreadsheet programs read UTF-8 correctly


def attendance_csv(meeting: TrainingSession) -> bytes:
    rows = [["user_id", "name", "company", "country", "status", "remark", "method", "recorded_at_utc"]]
    people = roster(meeting)
    employers = employer_names(user.employer_id for user, _a in people)
    for user, attendance in people:
        rows.append([user.id, user.full_name, employers.get(user.employer_id) or user.company_name,
                     user.country.value,
                     attendance.status.value if attendance else "not recorded",
                     attendance.remark if attendance else "", attendance.method.value if attendance else "",
                     attendance.recorded_at.isoformat() if attendance else ""])
    return _csv_bytes(rows)


def materials_csv(meeting: TrainingSession) -> bytes:
    rows = [["lesson", "material", "kind", "file", "size_bytes", "sha256", "url"]]
    if meeting.course_id is None:  # a hosted meeting (an event's) has no course materials
        return _csv_bytes(rows)
    materials = db.session.scalars(select(Material).join(Lesson).where(
        Lesson.course_id == meeting.course_id, Material.deleted_at.is_(None),
        Material.status == MaterialStatus.READY).order_by(Lesson.position, Material.id))
    for material in materials:
        rows.append([pick(material.lesson.title, language=meeting.language), pick(material.title,
                                                                                   language=meeting.language),
                     material.kind.value, material.original_filename, material.size, material.sha256,
                     material.url])
    return _csv_bytes(rows)


def write_evidence_pack(meeting: TrainingSession, out: BinaryIO, progress: Callable[[float], None]) -> None:
    """A ZIP for the funder: sheet, signed scans, attendance records and materials used, written into ``out``
    (a worker's temporary file: big scans never sit in memory)."""
    storage = get_storage()
    sheets = [(sheet.storage_key, sheet.original_filename, sheet.created_at, sheet.size or 0)
              for sheet in meeting.signed_sheets]
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("attendance-sheet.pdf", attendance_sheet_pdf(meeting))
        progress(10)
        archive.writestr("attendance.csv", attendance_csv(meeting))
        archive.writestr("materials.csv", materials_csv(meeting))
        progress(20)
        total, copied = sum(size for *_rest, size in sheets) or 1, 0
        for number, (key, filename, created_at, _size) in enumerate(sheets, 1):
            suffix = Path(filename).suffix.lower() or ".bin"
            with storage.open(key) as source, \
                    archive.open(f"signed-sheets/{number:02d}-{created_at:%Y%m%d-%H%M}{suffix}", "w") as target:
                while chunk := source.read(1024 * 1024):
                    target.write(chunk)
                    copied += len(chunk)
                    progress(20 + 75 * copied / total)


def evidence_pack_name(meeting: TrainingSession) -> str:
    # The meeting's day at the venue, as its sheet says (UTC would name the day before for a 00:30 start).
    return f"evidence-meeting-{meeting.id}-{meeting.starts_at.astimezone(ZoneInfo(meeting.timezone)):%Y%m%d}.zip"


def _may_build_pack(user: User, params: dict) -> bool:
    meeting = db.session.get(TrainingSession, params.get("meeting"))
    return meeting is not None and can_run_meeting(user, meeting)


@builder("training.evidence_pack", "application/zip", may_build=_may_build_pack)
def _build_pack(params: dict, asker: User, out: BinaryIO, progress: Progress) -> None:
    """The evidence pack, built by a worker (``app.downloads``) for the trainer or coordinator who asked."""
    meeting = db.session.get(TrainingSession, params["meeting"])
    if meeting is None:
        raise NotBuildable(f"meeting {params['meeting']} is gone")
    write_evidence_pack(meeting, out, progress)
