"""An issue of the bulletin as a PDF: a cover, then its posts in order, each in the reader's language (a post not
written in it in the language it was written in, marked). Fonts from ``app.core.pdf`` hold Polish and Lithuanian
letters."""

from __future__ import annotations

import io
import logging
import re
from xml.sax.saxutils import escape

from flask import current_app
from flask_babel import format_date, gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Image, PageBreak, Paragraph, SimpleDocTemplate, Spacer

from app.bulletin.models import BulletinIssue, Post
from app.core.i18n import IN_LANGUAGE
from app.core.pdf import register_fonts
from app.core.translated import pick, pick_with_language
from app.storage import get_storage

log = logging.getLogger(__name__)


def _paragraphs(markdown: str) -> list[str]:
    """Markdown read as plain paragraphs (the PDF shows the words, not the markup)."""
    plain = re.sub(r"[*_`#>]+", "", markdown)
    return [part.strip() for part in re.split(r"\n\s*\n", plain) if part.strip()]


def _picture(image, caption_style) -> list:
    """A post's picture at most 120 mm wide and 100 mm high (a picture the storage cannot give is left out)."""
    try:
        stream = get_storage().open(image.storage_key)
        try:
            data = io.BytesIO(stream.read())
        finally:
            stream.close()
        reader = ImageReader(data)
        width, height = reader.getSize()
        scale = min(120 * mm / width, 100 * mm / height, 1.0)
        data.seek(0)
        flowables: list = [Spacer(1, 3 * mm), Image(data, width * scale, height * scale)]
    except Exception:
        log.warning("bulletin picture %s left out of the PDF", image.id, exc_info=True)
        return []
    if image.caption:
        flowables.append(Paragraph(escape(image.caption), caption_style))
    return flowables


def issue_pdf(issue: BulletinIssue, posts: list[Post], language: str) -> bytes:
    regular, bold = register_fonts()
    text = ParagraphStyle("text", fontName=regular, fontSize=10.5, leading=14, spaceAfter=6)
    heading = ParagraphStyle("heading", parent=text, fontName=bold, fontSize=15, leading=19, spaceAfter=8)
    cover = ParagraphStyle("cover", parent=heading, fontSize=24, leading=30)
    small = ParagraphStyle("small", parent=text, fontSize=9, leading=12)
    story: list = [
        Spacer(1, 40 * mm),
        Paragraph(escape(_("Bulletin no. %(number)s", number=issue.number)), heading),
        Paragraph(escape(pick(issue.title, language=language)), cover),
        Paragraph(escape(f"{format_date(issue.period_start)} – {format_date(issue.period_end)}"), text),
        Spacer(1, 20 * mm),
        Paragraph(escape(current_app.config.get("PROJECT_NAME") or ""), small),
        Paragraph(escape(current_app.config.get("FUNDING_NOTICE") or ""), small),
    ]
    for post in posts:
        story.append(PageBreak())
        title, shown_in = pick_with_language(post.title, post.source_language, language)
        mark = f" {IN_LANGUAGE[shown_in]}" if shown_in and shown_in != language and shown_in in IN_LANGUAGE else ""
        story.append(Paragraph(escape(title + mark), heading))
        if post.published_at:
            story.append(Paragraph(escape(format_date(post.published_at)), small))
        body = pick(post.body, post.source_language, language)
        story.extend(Paragraph(escape(part).replace("\n", "<br/>"), text) for part in _paragraphs(body))
        for image in post.images:
            story.extend(_picture(image, small))
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm,
                      bottomMargin=20 * mm, title=pick(issue.title, language=language)).build(story)
    return out.getvalue()
