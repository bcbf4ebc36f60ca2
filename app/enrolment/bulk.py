"""Bulk enrolment from a CSV or XLSX file: validate every row, show every error at once, import all or nothing.

Columns: name, email, country, company, course. Existing accounts are matched by e-mail; new addresses get an
account and an invitation; rows without an e-mail become managed participants (people who never log in).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import asdict, dataclass
from typing import BinaryIO

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from app.accounts.models import Country, Invitation, User
from app.accounts.services import find_user_by_email, normalize_email
from app.catalogue.models import Course, CourseStatus
from app.core.employers import set_employer
from app.core.errors import DomainError
from app.core.tokens import TokenInvalid, load_token, make_token
from app.enrolment.models import EnrolmentStatus
from app.enrolment.participants import create_managed_participant
from app.enrolment.services import enrol_participant, find_enrolment
from app.extensions import db

COLUMNS = ("name", "email", "country", "company", "course")
MAX_ROWS = 2000
MAX_BYTES = 5 * 1024 * 1024
PREVIEW_PURPOSE = "bulk-enrolment"
COUNTRY_NAMES = {"pl": "PL", "poland": "PL", "polska": "PL", "lenkija": "PL", "lt": "LT", "lithuania": "LT",
                 "litwa": "LT", "lietuva": "LT", "other": "OTHER", "inny": "OTHER", "kita": "OTHER"}


SAMPLE_ROWS = (
    ("Jan Kowalski", "jan.kowalski@example.com", "PL", "Metal-Tech Suwałki", "cnc-technologist-operator"),
    ("Ona Petraitienė", "", "LT", "UAB Alytaus metalas", "mig-mag-tig-welding"),
)


@dataclass
class Row:
    number: int  # the row number in the file (header is row 1)
    name: str
    email: str
    country: str
    company: str
    course: str


@dataclass
class RowError:
    number: int
    message: str


def template_csv() -> bytes:
    sample = [COLUMNS, *SAMPLE_ROWS]
    out = io.StringIO()
    csv.writer(out).writerows(sample)
    return out.getvalue().encode("utf-8-sig")


def template_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "participants"
    sheet.append(COLUMNS)
    for row in SAMPLE_ROWS:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cells(values) -> list[str]:
    return ["" if v is None else str(v).strip() for v in values]


#: What a workbook of participants may unpack to (a 5 MB ZIP can hide gigabytes: a "zip bomb").
MAX_UNPACKED_BYTES = 100 * 1024 * 1024


def check_workbook(data: bytes) -> None:
    """Refuse what spreadsheet programs never write: XML entity declarations ("billion laughs", external
    entities) and parts that unpack to far more than a list of people (openpyxl also parses via defusedxml)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            if sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
                raise DomainError(_l("The file is too large (at most 5 MB)."), field="file")
            for part in parts:
                if part.filename.endswith((".xml", ".rels")):
                    with archive.open(part) as handle:
                        prolog = handle.read(4096)  # a DOCTYPE can only stand in the prolog
                    if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
                        raise DomainError(_l("This XLSX file declares XML entities, which are not accepted. Save it "
                                             "again from your spreadsheet program."), field="file")
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError):
        return  # not a readable ZIP: openpyxl refuses it with its own message


def parse_file(filename: str, stream: BinaryIO) -> list[Row]:
    """Rows of a CSV (UTF-8, comma or semicolon) or XLSX file; DomainError when the file cannot be read."""
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise DomainError(_l("The file is too large (at most 5 MB)."), field="file")
    name = filename.lower()
    if name.endswith(".xlsx"):
        check_workbook(data)
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            raw = [_cells(row) for row in book.active.iter_rows(values_only=True)]
        except Exception:  # openpyxl raises many kinds of errors for broken files (defusedxml's refusals too)
            raise DomainError(_l("This is not a readable XLSX file."), field="file") from None
    elif name.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DomainError(_l("The CSV file must be saved as UTF-8."), field="file") from None
        try:
            dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        raw = [_cells(row) for row in csv.reader(io.StringIO(text), dialect)]
    else:
        raise DomainError(_l("Upload a .csv or .xlsx file."), field="file")
    raw = [row for row in raw if any(row)]
    if not raw:
        raise DomainError(_l("The file is empty."), field="file")
    header = [h.lower() for h in raw[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise DomainError(_l("Missing columns: %(columns)s. Use the template.", columns=", ".join(missing)),
                          field="file")
    if len(raw) - 1 > MAX_ROWS:
        raise DomainError(_l("At most %(n)s rows can be imported at once.", n=MAX_ROWS), field="file")
    index = {c: header.index(c) for c in COLUMNS}
    rows = []
    for number, values in enumerate(raw[1:], start=2):
        values = values + [""] * (len(header) - len(values))
        rows.append(Row(number, *(values[index[c]] for c in COLUMNS)))
    return rows


def validate_rows(rows: list[Row]) -> list[RowError]:
    """Every problem of every row (not just the first), with its row number."""
    errors: list[RowError] = []
    courses = {c.key: c for c in db.session.scalars(select(Course))}
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        if not row.name:
            errors.append(RowError(row.number, str(_l("The name is missing."))))
        if row.email:
            try:
                validate_email(row.email, check_deliverability=False)
            except EmailNotValidError:
                errors.append(RowError(row.number, str(_l("Not a valid e-mail address: %(email)s", email=row.email))))
        if COUNTRY_NAMES.get(row.country.lower()) is None and row.country.upper() not in ("PL", "LT", "OTHER"):
            errors.append(RowError(row.number, str(_l("Unknown country %(country)s: use PL, LT or OTHER.",
                                                       country=row.country or "—"))))
        course = courses.get(row.course)
        if course is None and row.course.isdigit():
            course = db.session.get(Course, int(row.course))
        if course is None:
            errors.append(RowError(row.number, str(_l("Unknown course: %(course)s", course=row.course or "—"))))
        elif course.status == CourseStatus.ARCHIVED:
            errors.append(RowError(row.number, str(_l("The course %(course)s is archived.", course=row.course))))
        if course is not None and row.email:
            key = (normalize_email(row.email), course.key)
            if key in seen:
                errors.append(RowError(row.number, str(_l("Repeats row %(n)s.", n=seen[key]))))
            seen.setdefault(key, row.number)
            user = find_user_by_email(row.email)
            enrolment = find_enrolment(user, course) if user else None
            if enrolment is not None and enrolment.status in (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED):
                errors.append(RowError(row.number, str(_l("%(email)s is already enrolled in this course.",
                                                          email=row.email))))
    return errors


def preview_token(rows: list[Row]) -> str:
    """The validated rows, signed, carried by the confirmation form (nothing is stored between the two steps)."""
    return make_token(PREVIEW_PURPOSE, [asdict(r) for r in rows])


def rows_from_token(token: str) -> list[Row]:
    try:
        return [Row(**item) for item in load_token(PREVIEW_PURPOSE, token, 3600)]
    except (TokenInvalid, TypeError):
        raise DomainError(_l("The preview has expired. Please upload the file again.")) from None


def import_rows(rows: list[Row], actor: User) -> list[Invitation]:
    """Enrol every row (validated again: nothing may be imported unless every row is valid)."""
    errors = validate_rows(rows)
    if errors:
        raise DomainError(_l("The file has errors; nothing was imported."))
    invitations = []
    courses = {c.key: c for c in db.session.scalars(select(Course))}
    for row in rows:
        course = courses.get(row.course) or db.session.get(Course, int(row.course))
        country = Country(COUNTRY_NAMES.get(row.country.lower(), row.country.upper()))
        if row.email:
            user = find_user_by_email(row.email)
            if user is None:
                user = User(email=normalize_email(row.email), full_name=row.name, country=country,
                            language="lt" if country == Country.LT else "pl",
                            timezone="Europe/Vilnius" if country == Country.LT else "Europe/Warsaw")
                # a member matched by name, confirmed spelling or registration number; else kept as "other"
                set_employer(user, row.company)
                db.session.add(user)
                db.session.flush()
                invitation = Invitation(user=user, invited_by=actor)
                db.session.add(invitation)
                invitations.append(invitation)
        else:
            user = create_managed_participant(actor, row.name, country, row.company,
                                              "lt" if country == Country.LT else "pl")
        enrol_participant(user, course, actor, source="bulk-import")
    db.session.flush()
    return invitations
