"""The summary report for the funder: indicators, figures per specialisation and country, and a chart, in Polish,
Lithuanian or English (reportlab; DejaVu Sans for ą ę ł ž ė ų š)."""

from __future__ import annotations

import io
import math
import textwrap
from xml.sax.saxutils import escape

from flask import current_app
from flask_babel import force_locale, format_date, gettext as _
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.core.db import utcnow
from app.core.i18n import format_number, format_share
from app.core.pdf import CELL_PADDING, fit_widths, register_fonts
from app.reporting import measures, services
from app.reporting.measures import Scope

BLUE, GREEN = colors.HexColor("#1f5f99"), colors.HexColor("#2e7d32")
MARGIN = 10 * mm
PAGE_WIDTH = A4[0] - 2 * MARGIN


def _cell(value, column) -> str:
    """A value as the report's language writes it ("5,7%", "16,5", "1 234", "6.08.2026")."""
    if value is None:
        return "—"
    if column.type == "percent":
        return format_share(value, digits=1)
    if column.type in ("float", "int"):
        return format_number(value)
    if column.type == "date":
        return format_date(value, "short")
    return str(value)


def _table(columns, rows, styles) -> Table:
    texts = [[str(c.label) for c in columns], *([_cell(v, c) for v, c in zip(row, columns, strict=True)]
                                                for row in rows)]
    head, cell = styles["head"], styles["cell"]
    widths = fit_widths(texts, [head.fontName, cell.fontName], cell.fontSize, PAGE_WIDTH)
    # Paragraph reads its text as markup: names such as "Metal & Co <PL>" are escaped first.
    data = [[Paragraph(escape(text), head if index == 0 else cell) for text in row]
            for index, row in enumerate(texts)]
    table = Table(data, repeatRows=1, colWidths=widths)
    padding = [(side, (0, 0), (-1, -1), CELL_PADDING) for side in ("LEFTPADDING", "RIGHTPADDING")]
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6ebf0")), *padding]))
    return table


def _chart(rows: list[measures.Row], labels: dict, font: str) -> Drawing:
    """Enrolled and completed trainees per specialisation."""
    drawing = Drawing(170 * mm, 70 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 15 * mm, 15 * mm, 110 * mm, 48 * mm
    chart.data = [[r.enrolled for r in rows] or [0], [r.completed for r in rows] or [0]]
    # Names wrap on two lines under their bar (cut with an ellipsis beyond), never mid-word.
    chart.categoryAxis.categoryNames = [
        "\n".join(textwrap.wrap(str(labels.get(r.key, r.key)), 20, max_lines=2, placeholder=" …")) for r in rows
    ] or [""]
    chart.categoryAxis.labels.fontName = chart.valueAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    # People come whole: steps of at least one, written in the report's language.
    chart.valueAxis.valueStep = max(1, math.ceil(max([*chart.data[0], *chart.data[1], 1]) / 5))
    chart.valueAxis.labelTextFormat = format_number
    chart.bars[0].fillColor, chart.bars[1].fillColor = BLUE, GREEN
    legend = Legend()
    legend.x, legend.y, legend.fontName = 130 * mm, 55 * mm, font
    legend.colorNamePairs = [(BLUE, _("Enrolled")), (GREEN, _("Completed"))]
    drawing.add(chart)
    drawing.add(legend)
    drawing.add(String(15 * mm, 66 * mm, _("Trainees per specialisation"), fontName=font, fontSize=9))
    return drawing


def summary_pdf(scope: Scope, language: str, filters_text: str) -> bytes:
    regular, bold = register_fonts()
    with force_locale(language):
        styles = {"title": ParagraphStyle("title", fontName=bold, fontSize=15, leading=19, spaceAfter=4),
                  "h2": ParagraphStyle("h2", fontName=bold, fontSize=11, leading=14, spaceBefore=8, spaceAfter=4),
                  "normal": ParagraphStyle("normal", fontName=regular, fontSize=9, leading=12),
                  "head": ParagraphStyle("head", fontName=bold, fontSize=7, leading=9),
                  "cell": ParagraphStyle("cell", fontName=regular, fontSize=7, leading=9)}
        project = current_app.config["PROJECT_NAME"]
        title = _("Summary report")
        story = [Paragraph(f"{title} – {project}", styles["title"]),
                 # The day on the asker's clock; no full stop after it: long dates may end with one ("4 d.").
                 Paragraph(_("Prepared on %(day)s", day=format_date(utcnow(), "long")), styles["normal"]),
                 Paragraph(_("Figures are computed from the records at that moment."), styles["normal"]),
                 Paragraph(escape(filters_text), styles["normal"]),
                 Paragraph(_("Indicators"), styles["h2"])]
        columns, rows = services.indicator_rows(services.indicator_table())
        story.append(_table(columns, list(rows), styles))
        specialisation_rows = measures.breakdown(scope, "specialisation")
        for dimension in measures.DIMENSIONS[:2]:
            rows = specialisation_rows if dimension == "specialisation" else measures.breakdown(scope, dimension)
            labels = services.group_labels(dimension)
            story += [Paragraph(str(services.DIMENSION_HEADINGS[dimension]), styles["h2"]),
                      _table(services.breakdown_columns(dimension), list(services.breakdown_rows(rows, labels)),
                             styles)]
        story += [Spacer(1, 4 * mm), _chart(specialisation_rows, services.group_labels("specialisation"), regular),
                  Paragraph(current_app.config["FUNDING_NOTICE"], styles["normal"])]
        buffer = io.BytesIO()
        SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=12 * mm,
                          bottomMargin=12 * mm, title=f"{title} – {project}", author="MCC").build(story)
    return buffer.getvalue()
