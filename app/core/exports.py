"""Tabular exports people open in spreadsheets: CSV and XLSX, streamed, typed, and safe against formulas.

A table is a list of ``Column`` and an iterable of rows (tuples in column order). Rows are consumed lazily:
CSV is generated line by line into the response; XLSX goes through openpyxl's write-only mode, which writes
rows to a temporary file as they come, so a 10,000-row export never sits in memory as a workbook.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from flask import Response, request, stream_with_context

CellType = Literal["text", "int", "float", "percent", "date", "datetime"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """Neutralise spreadsheet formulas (=, +, -, @) in values people typed (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in FORMULA_STARTS else text


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    type: CellType = "text"


#: The two CSV dialects offered: the standard one (comma, decimal point) and the one Excel reads by default in Poland
#: and Lithuania (semicolon between columns, decimal comma). Both are UTF-8 with a BOM.
DIALECTS = {"standard": (",", "."), "regional": (";", ",")}


def _csv_value(value, column: Column, decimal: str = "."):
    if value is None:
        return ""
    if column.type == "text":
        return safe_cell(value)  # only text can carry a formula; numbers and dates are written as such
    if column.type == "percent":
        return f"{value * 100:.1f}".replace(".", decimal)
    if isinstance(value, float):
        return repr(value).replace(".", decimal)
    if column.type == "datetime" and isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return value


def csv_lines(columns: list[Column], rows: Iterable[tuple], dialect: str = "standard") -> Iterator[bytes]:
    delimiter, decimal = DIALECTS[dialect]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow([safe_cell(c.label) for c in columns])
    yield ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM makes spreadsheet programs read UTF-8
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_csv_value(v, c, decimal) for v, c in zip(row, columns, strict=True)])
        yield buffer.getvalue().encode("utf-8")


NUMBER_FORMATS = {"date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm", "percent": "0.0%", "float": "0.0"}


#: A second sheet explaining the codes the table uses: its title and (code, meaning) rows.
Legend = tuple[str, list[tuple[str, str]]]


def xlsx_file(columns: list[Column], rows: Iterable[tuple], title: str = "MCC", legend: Legend | None = None):
    """The workbook in a temporary file (rewound), written row by row, with the ``legend`` sheet after it."""
    return xlsx_sheets([(title, columns, rows)], legend)


#: One sheet of a workbook: its title, its columns and its rows.
Sheet = tuple[str, list[Column], Iterable[tuple]]


def xlsx_sheets(sheets: list[Sheet], legend: Legend | None = None):
    """``xlsx_file`` with several tables, one per sheet (a catalogue's members and their products)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, columns, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        header = []
        for column in columns:
            cell = _cell(sheet, column.label)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in rows:
            cells = []
            for value, column in zip(row, columns, strict=True):
                if isinstance(value, datetime):
                    value = value.replace(tzinfo=None)  # Excel has no time zones; exports say which zone they use
                cell = _cell(sheet, value)
                if column.type in NUMBER_FORMATS and value is not None:
                    cell.number_format = NUMBER_FORMATS[column.type]
                cells.append(cell)
            sheet.append(cells)
    if legend is not None:
        notes = workbook.create_sheet(title=legend[0][:31])
        for code, meaning in legend[1]:
            notes.append([_cell(notes, code), _cell(notes, meaning)])
    out = tempfile.TemporaryFile()  # noqa: SIM115  (closed by the response once streamed)
    workbook.save(out)
    out.seek(0)
    return out


def _cell(sheet, value):
    """A cell that is never a formula: openpyxl stores any string starting with "=" as one (a person named
    "=HYPERLINK(...)" would become a live link in the coordinator's spreadsheet); text stays text."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters: Excel refuses the whole file
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def _chunks(handle, size: int = 64 * 1024) -> Iterator[bytes]:
    try:
        while chunk := handle.read(size):
            yield chunk
    finally:
        handle.close()


def export_response(fmt: str, filename: str, columns: list[Column], rows: Iterable[tuple],
                    title: str = "MCC", legend: Legend | None = None) -> Response:
    """A download of the table as CSV or XLSX; the file name gets the right extension. ``?dialect=regional`` asks
    for the CSV that Polish and Lithuanian Excel splits into columns (anything else: the standard one). A CSV has
    no room for the ``legend`` (spreadsheets would read it as rows): pages show it beside their CSV links."""
    if fmt == "xlsx":
        handle = xlsx_file(columns, rows, title, legend)
        return Response(_chunks(handle), mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f'attachment; filename="{filename}.xlsx"'})
    dialect = "regional" if request.args.get("dialect") == "regional" else "standard"
    return Response(stream_with_context(csv_lines(columns, rows, dialect)), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'})
