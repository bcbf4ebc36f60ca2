"""The offer catalogue of the cluster network: a printed catalogue (PDF) and a spreadsheet (XLSX) of the published,
active members, whole or filtered by specialisation, country, region, process and kind.

Both are built by a worker. Logged-in people ask for a filtered catalogue (``app.downloads``: it waits on their
downloads page); anonymous visitors get the whole catalogue, which the worker keeps ready (``refresh_public``: every
ten minutes it compares a fingerprint of what the catalogue would say with the newest copy's and rebuilds when they
differ; once a day it rebuilds anyway, for the date on the cover).

The PDF is bilingual, Polish and Lithuanian (the cluster's two languages), whatever the asker's language: the
labels are rendered in each under ``force_locale``; members' texts are shown in both, an English or other-language
fallback marked. Contact details follow the member's choice: a public catalogue shows them only for members whose
contacts are public (the others: "through the cluster coordinator", their website and page).
"""

from __future__ import annotations

import io
import logging
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from hashlib import sha256
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from flask import current_app
from flask_babel import force_locale, format_date, gettext as _, lazy_gettext as _l, ngettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.models import Country, User
from app.catalogue.models import Specialisation
from app.core.db import reading_only, utcnow
from app.core.exports import Column, xlsx_sheets
from app.core.i18n import COUNTRY_LABELS, IN_LANGUAGE, force_timezone, format_number
from app.core.pdf import CELL_PADDING, register_fonts
from app.core.text import fold
from app.core.translated import pick, pick_with_language
from app.core.uow import after_commit, delete_unless_committed
from app.core.urls import external_url
from app.downloads.models import GeneratedFile, GeneratedStatus
from app.downloads.services import NotBuildable, Progress, builder, keep_days
from app.extensions import db
from app.jobs.outbox import handler
from app.jobs.schedule import every
from app.network.models import (
    Company,
    MemberImage,
    MemberKind,
    Process,
    Product,
    ProductKind,
)
from app.network.policies import can_see_contact
from app.network.regions import REGIONS, region_name
from app.network.vocabulary import MATERIAL_LABELS, MEMBER_KIND_LABELS, PROCESS_LABELS, PRODUCT_KIND_LABELS
from app.storage import generate_key, get_storage

log = logging.getLogger(__name__)

PDF_KIND, XLSX_KIND, PUBLIC_KIND = "network.catalogue_pdf", "network.catalogue_xlsx", "network.public_catalogue"
PDF, XLSX = "application/pdf", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The catalogue's two languages, in the order they are printed.
BILINGUAL = ("pl", "lt")
#: The filters a catalogue takes (generated files keep them as their parameters).
FILTERS = ("specialisation", "country", "region", "process", "kind")
#: A superseded public copy stays downloadable this long (a visitor may be fetching it right now).
SUPERSEDED_GRACE = timedelta(hours=1)
#: Photos larger than this are left out of the printed catalogue (a thumbnail is a few kB).
MAX_IMAGE_BYTES = 20 * 2**20
IMAGE_BOX = (38 * mm, 28 * mm)

TITLE = _l("Offer catalogue of the cluster")
THROUGH_COORDINATOR = _l("Contact through the cluster coordinator")


# -- what the catalogue says ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Filters:
    """What a catalogue holds (empty: every published, active member)."""

    specialisation: str | None = None
    country: str | None = None
    region: str | None = None
    process: str | None = None
    kind: str | None = None

    @classmethod
    def from_params(cls, params: dict) -> Filters:
        """The filters a generated file was asked with, checked again (NotBuildable when one is unknown)."""
        values = {name: (params.get(name) or None) for name in FILTERS}
        known = {"country": {c.value for c in REGIONS},
                 "region": {code for regions in REGIONS.values() for code in regions},
                 "process": {p.value for p in Process}, "kind": {k.value for k in MemberKind}}
        for name, allowed in known.items():
            if values[name] is not None and values[name] not in allowed:
                raise NotBuildable(f"unknown {name} {values[name]!r}")
        if values["specialisation"] is not None and not isinstance(values["specialisation"], str):
            raise NotBuildable("bad specialisation")
        return cls(**values)

    def params(self) -> dict:
        return {name: value for name, value in asdict(self).items() if value}

    def describe(self) -> str:
        """The filters in the current language ("Country: Lithuania; Process: TIG welding"), for the cover."""
        parts = []
        if self.specialisation:
            title = db.session.scalar(select(Specialisation.title).where(Specialisation.code == self.specialisation))
            parts.append(_("Specialisation: %(name)s", name=pick(title) or self.specialisation))
        if self.country:
            parts.append(_("Country: %(name)s", name=COUNTRY_LABELS.get(self.country, self.country)))
        if self.region:
            parts.append(_("Region: %(name)s", name=region_name(self.region)))
        if self.process:
            parts.append(_("Process: %(name)s", name=PROCESS_LABELS[Process(self.process)]))
        if self.kind:
            parts.append(_("Kind: %(name)s", name=MEMBER_KIND_LABELS[MemberKind(self.kind)]))
        return "; ".join(parts) if parts else _("All members")

    def filename(self, extension: str) -> str:
        suffix = "".join(f"-{value}".lower().replace("_", "-") for value in asdict(self).values() if value)
        return f"mcc-catalogue{suffix}.{extension}"


@dataclass(frozen=True)
class CapabilityLine:
    process: str
    materials: tuple[str, ...]
    max_thickness_mm: float | None
    max_length_mm: float | None
    max_width_mm: float | None
    note: dict


@dataclass(frozen=True)
class ProductLine:
    kind: str
    name: dict
    description: dict
    #: Storage key of its first photo (the thumbnail when the worker made one).
    photo_key: str | None


@dataclass(frozen=True)
class Entry:
    """One member as the catalogue prints it: plain values read in one go (the PDF and the sheet never query, and
    the fingerprint of the public copy is the hash of these)."""

    id: int
    name: str
    kind: str
    country: str
    region: str | None
    district: str | None
    city: str
    languages: tuple[str, ...]
    specialisations: tuple[str, ...]
    description: dict
    website: str | None
    #: None when the catalogue's reader may not see them (the member's choice).
    contact: dict | None
    capabilities: tuple[CapabilityLine, ...]
    machines: tuple[tuple[str, str, str, int], ...]
    certifications: tuple[tuple[str, str, str], ...]
    products: tuple[ProductLine, ...]
    #: Storage key of the logo (else the first product photo), thumbnail preferred.
    image_key: str | None = None


COUNTRY_ORDER = {Country.PL.value: 0, Country.LT.value: 1}


def catalogue_entries(filters: Filters, reader: Any) -> list[Entry]:
    """The published, active members the filters select, grouped by country, then by folded name."""
    query = select(Company).where(Company.is_active.is_(True), Company.is_published.is_(True)).options(
        selectinload(Company.capabilities), selectinload(Company.machines), selectinload(Company.certifications),
        selectinload(Company.products).selectinload(Product.photos), selectinload(Company.specialisations))
    if filters.country:
        query = query.where(Company.country == Country(filters.country))
    if filters.region:
        query = query.where(Company.region == filters.region)
    if filters.kind:
        query = query.where(Company.kind == MemberKind(filters.kind))
    if filters.specialisation:
        query = query.where(Company.specialisations.any(Specialisation.code == filters.specialisation))
    if filters.process:
        query = query.where(Company.capabilities.any(process=Process(filters.process)))
    companies = list(db.session.scalars(query))
    logos: dict[int, MemberImage] = {}
    for image in db.session.scalars(select(MemberImage).where(
            MemberImage.company_id.in_([c.id for c in companies] or [-1]), MemberImage.is_logo.is_(True))
            .order_by(MemberImage.position, MemberImage.id)):
        logos.setdefault(image.company_id, image)
    entries = [_entry(company, logos.get(company.id), reader) for company in companies]
    return sorted(entries, key=lambda e: (COUNTRY_ORDER.get(e.country, 9), e.country, fold(e.name), e.id))


def _key(image: MemberImage | None) -> str | None:
    return None if image is None else (image.thumbnail_key or image.storage_key)


def _entry(company: Company, logo: MemberImage | None, reader: Any) -> Entry:
    contact = None
    if can_see_contact(reader, company):
        contact = {"name": company.contact_name, "email": company.contact_email, "phone": company.contact_phone,
                   "address": company.address}
    products = tuple(ProductLine(p.kind.value, dict(p.name or {}), dict(p.description or {}),
                                 _key(p.photos[0]) if p.photos else None) for p in company.products)
    image_key = _key(logo) or next((p.photo_key for p in products if p.photo_key), None)
    return Entry(
        id=company.id, name=company.name, kind=company.kind.value, country=company.country.value,
        region=company.region, district=company.district, city=company.city,
        languages=tuple(company.languages or ()), specialisations=tuple(s.code for s in company.specialisations),
        description=dict(company.description or {}), website=company.website, contact=contact,
        capabilities=tuple(CapabilityLine(c.process.value, tuple(c.materials or ()), c.max_thickness_mm,
                                          c.max_length_mm, c.max_width_mm, dict(c.note or {}))
                           for c in company.capabilities),
        machines=tuple((m.machine_type, m.make_model or "", m.working_area or "", m.count) for m in company.machines),
        certifications=tuple((c.standard, c.issuer or "", c.valid_until.isoformat() if c.valid_until else "")
                             for c in company.certifications),
        products=products, image_key=image_key)


def fingerprint(entries: list[Entry]) -> str:
    """What the catalogue would say, as one hash: the public copy is rebuilt when it changes."""
    digest = sha256()
    for entry in entries:
        digest.update(repr(entry).encode())
    return digest.hexdigest()


# -- the words in both languages -----------------------------------------------------------------------------------
def in_both(text: Any) -> list[str]:
    """``text`` (a lazy string, or a function giving one) rendered in Polish, then Lithuanian; once when both read
    the same."""
    rendered: list[str] = []
    for language in BILINGUAL:
        with force_locale(language):
            value = str(text() if callable(text) else text)
        if value not in rendered:
            rendered.append(value)
    return rendered


def both(text: Any) -> str:
    """A label in Polish and Lithuanian ("Frezowanie CNC / CNC frezavimas")."""
    return " / ".join(in_both(text))


def texts_in_both(texts: dict) -> list[tuple[str, str, str | None]]:
    """(language shown, text, fallback note) for a member's text: its Polish and its Lithuanian version; a missing
    one is replaced by the English (marked "(in English)" in the missing language) and left out when only the other
    language has it (printed once, not twice); with neither, the English (or any) once, marked in both."""
    own = [language for language in BILINGUAL if texts.get(language)]
    if not own:
        text, code = pick_with_language(texts, "en", "en")
        return [] if code is None else [(code, text, both(IN_LANGUAGE.get(code, f"({code})")))]
    blocks = []
    for language in BILINGUAL:
        if language in own:
            blocks.append((language, texts[language], None))
        elif texts.get("en"):
            with force_locale(language):
                blocks.append(("en", texts["en"], str(IN_LANGUAGE["en"])))
    return blocks


def _mm(value: float) -> str:
    # Polish and Lithuanian write numbers alike ("1 200", "12,5"); the space before "mm" never breaks.
    return f"{format_number(value, locale='pl')}\u00a0mm"


LIMITS = ((_l("thickness up to %(size)s"), "max_thickness_mm"), (_l("length up to %(size)s"), "max_length_mm"),
          (_l("width up to %(size)s"), "max_width_mm"))


def limits(line: CapabilityLine) -> list[tuple[Any, str]]:
    """(label, size) of the limits the member gave for a process."""
    return [(label, _mm(getattr(line, name))) for label, name in LIMITS if getattr(line, name) is not None]


# -- the PDF -------------------------------------------------------------------------------------------------------
MARGIN = 16 * mm
BLUE = colors.HexColor("#1f5f99")
GREY = colors.HexColor("#555555")


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = register_fonts()
    return {
        "cover": ParagraphStyle("cover", fontName=bold, fontSize=26, leading=32, textColor=BLUE, spaceAfter=8 * mm),
        "subtitle": ParagraphStyle("subtitle", fontName=regular, fontSize=12, leading=16, spaceAfter=3 * mm),
        "small": ParagraphStyle("small", fontName=regular, fontSize=8, leading=10, textColor=GREY),
        "country": ParagraphStyle("country", fontName=bold, fontSize=18, leading=22, textColor=BLUE,
                                  spaceAfter=5 * mm),
        "member": ParagraphStyle("member", fontName=bold, fontSize=13, leading=16, textColor=BLUE, spaceBefore=2 * mm,
                                 spaceAfter=1 * mm, keepWithNext=True),
        "h3": ParagraphStyle("h3", fontName=bold, fontSize=9, leading=12, spaceBefore=2 * mm, spaceAfter=0.5 * mm,
                             keepWithNext=True),
        "text": ParagraphStyle("text", fontName=regular, fontSize=9, leading=12),
        "note": ParagraphStyle("note", fontName=regular, fontSize=7.5, leading=10, textColor=GREY),
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=8, leading=10),
        "head": ParagraphStyle("head", fontName=bold, fontSize=8, leading=10),
        "toc0": ParagraphStyle("toc0", fontName=bold, fontSize=11, leading=15, spaceBefore=3 * mm),
        "toc1": ParagraphStyle("toc1", fontName=regular, fontSize=9.5, leading=13, leftIndent=5 * mm),
    }


class _Heading(Paragraph):
    """A heading the table of contents lists (and the PDF's outline): ``level`` 0 countries, 1 members."""

    def __init__(self, text: str, style: ParagraphStyle, level: int, key: str):
        super().__init__(escape(text), style)
        self.toc_text, self.toc_level, self.toc_key = text, level, key


class CatalogueDocument(BaseDocTemplate):
    """A4 pages: the cover without a footer, the others with the running footer and their number. Headings tell the
    table of contents the page they landed on (``multiBuild`` repeats the layout until the numbers hold)."""

    def __init__(self, out: BinaryIO, footer: str, **kwargs):
        super().__init__(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                         bottomMargin=MARGIN + 6 * mm, **kwargs)
        self.footer = footer
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate("cover", [frame]), PageTemplate("page", [frame], onPage=self._footer)])

    def _footer(self, canvas, doc) -> None:
        regular, _bold = register_fonts()
        canvas.saveState()
        canvas.setFont(regular, 7.5)
        canvas.setFillColor(GREY)
        canvas.setStrokeColor(colors.lightgrey)
        canvas.line(MARGIN, MARGIN + 3 * mm, A4[0] - MARGIN, MARGIN + 3 * mm)
        canvas.drawString(MARGIN, MARGIN, self.footer)
        canvas.drawRightString(A4[0] - MARGIN, MARGIN, str(doc.page))
        canvas.restoreState()

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, _Heading):
            self.canv.bookmarkPage(flowable.toc_key)
            self.canv.addOutlineEntry(flowable.toc_text, flowable.toc_key, flowable.toc_level)
            self.notify("TOCEntry", (flowable.toc_level, escape(flowable.toc_text), self.page, flowable.toc_key))


def specialisation_titles() -> dict[str, dict]:
    return dict(db.session.execute(select(Specialisation.code, Specialisation.title)).all())


def _scaled_image(key: str, box: tuple[float, float]) -> Image | None:
    """The stored picture scaled into ``box`` (a thumbnail is used as it is; an original is shrunk first, so a
    12-megapixel photo does not sit in the PDF); None when it cannot be read — the entry is printed without it."""
    from PIL import Image as Pillow

    try:
        storage = get_storage()
        if storage.head(key).size > MAX_IMAGE_BYTES:
            return None
        with storage.open(key) as stream:
            picture = Pillow.open(io.BytesIO(stream.read()))
            picture.draft("RGB", (600, 600))  # JPEG: decode at a fraction of the size
            picture.thumbnail((600, 600))
            if picture.mode not in ("RGB", "L"):
                background = Pillow.new("RGB", picture.size, "white")
                background.paste(picture, mask=picture.convert("RGBA").split()[-1])
                picture = background
            buffer = io.BytesIO()
            picture.save(buffer, "JPEG", quality=85)
        width, height = picture.size
    except Exception:  # a missing object or a picture Pillow cannot read must not cost the whole catalogue
        log.warning("catalogue: picture %s left out", key, exc_info=True)
        return None
    scale = min(box[0] / width, box[1] / height)
    buffer.seek(0)
    return Image(buffer, width=width * scale, height=height * scale)


def _table(rows: list[list[str]], styles, widths: list[float]) -> Table:
    data = [[Paragraph(escape(text), styles["head"] if index == 0 else styles["cell"]) for text in row]
            for index, row in enumerate(rows)]
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.3, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6ebf0")),
        *[(side, (0, 0), (-1, -1), CELL_PADDING) for side in ("LEFTPADDING", "RIGHTPADDING")]]))
    return table


def _texts(blocks: list[tuple[str, str, str | None]], styles) -> list[Flowable]:
    flowables: list[Flowable] = []
    for language, text, note in blocks:
        label = f"[{language.upper()}] " if note is None else f"[{language.upper()}] {note} "
        body = escape(text).replace("\n", "<br/>")
        flowables.append(Paragraph(f'<font color="#555555">{escape(label)}</font>{body}', styles["text"]))
    return flowables


def _member(entry: Entry, styles, width: float, images: bool, titles: dict) -> list[Flowable]:
    location = ", ".join(part for part in (entry.city, entry.district, region_name(entry.region),
                                           both(COUNTRY_LABELS[entry.country])) if part)
    facts = [Paragraph(escape(both(MEMBER_KIND_LABELS[MemberKind(entry.kind)])), styles["note"]),
             Paragraph(escape(location), styles["text"])]
    if entry.specialisations:
        names = [both(lambda code=code: pick(titles.get(code)) or code) for code in entry.specialisations]
        facts.append(Paragraph(escape(", ".join(names)), styles["note"]))
    if entry.languages:
        facts.append(Paragraph(escape(both(_l("Languages")) + ": " + ", ".join(entry.languages)), styles["note"]))
    picture = _scaled_image(entry.image_key, IMAGE_BOX) if images and entry.image_key else None
    head: list[Flowable] = [_Heading(entry.name, styles["member"], 1, f"member-{entry.id}")]
    if picture is not None:
        table = Table([[facts, picture]], colWidths=[width - IMAGE_BOX[0] - 4 * mm, IMAGE_BOX[0] + 4 * mm])
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("ALIGN", (1, 0), (1, 0), "RIGHT")]))
        head.append(table)
    else:
        head += facts
    body: list[Flowable] = []
    description = texts_in_both(entry.description)
    if description:
        body += [Paragraph(escape(both(_l("Description"))), styles["h3"]), *_texts(description, styles)]
    if entry.capabilities:
        rows = [[both(_l("Process")), both(_l("Materials")), both(_l("Limits"))]]
        for line in entry.capabilities:
            materials = ", ".join(both(MATERIAL_LABELS[m]) if m in MATERIAL_LABELS else m for m in line.materials)
            note = pick(line.note, "pl") if line.note else ""
            sizes = [both(lambda label=label, size=size: label % {"size": size}) for label, size in limits(line)]
            rows.append([both(PROCESS_LABELS[Process(line.process)]), materials,
                         "; ".join(part for part in (*sizes, note) if part)])
        body += [Paragraph(escape(both(_l("Capabilities"))), styles["h3"]),
                 _table(rows, styles, [0.3 * width, 0.35 * width, 0.35 * width])]
    if entry.machines:
        rows = [[both(_l("Machine")), both(_l("Make and model")), both(_l("Working area")), both(_l("Count"))]]
        rows += [[kind, model, area, str(count)] for kind, model, area, count in entry.machines]
        body += [Paragraph(escape(both(_l("Machine park"))), styles["h3"]),
                 _table(rows, styles, [0.34 * width, 0.3 * width, 0.24 * width, 0.12 * width])]
    if entry.certifications:
        lines = [" · ".join(part for part in (standard, issuer, both(lambda until=until: _l(
            "valid until %(day)s") % {"day": format_date(date.fromisoformat(until), "long")}) if until else "")
            if part) for standard, issuer, until in entry.certifications]
        body += [Paragraph(escape(both(_l("Certifications"))), styles["h3"]),
                 *[Paragraph(escape(line), styles["text"]) for line in lines]]
    if entry.products:
        body.append(Paragraph(escape(both(_l("Products and services"))), styles["h3"]))
        for product in entry.products:
            names = " / ".join(dict.fromkeys(n for n in (product.name.get("pl"), product.name.get("lt")) if n)) \
                or pick(product.name, "en")
            kind = both(PRODUCT_KIND_LABELS[product.kind]) if product.kind in PRODUCT_KIND_LABELS else ""
            body.append(Paragraph(f"<b>{escape(names)}</b> <font color='#555555'>({escape(kind)})</font>",
                                  styles["text"]))
            body += _texts(texts_in_both(product.description), styles)
    body += _contact(entry, styles)
    return [KeepTogether([*head, *body]), Spacer(1, 4 * mm)]


def _contact(entry: Entry, styles) -> list[Flowable]:
    lines = []
    if entry.contact is not None:
        lines += [value for value in (entry.contact.get("name"), entry.contact.get("address"),
                                      entry.contact.get("phone"), entry.contact.get("email")) if value]
    else:
        lines.append(both(THROUGH_COORDINATOR))
    if entry.website:
        lines.append(entry.website)
    lines.append(external_url("network.member", company_id=entry.id))
    return [Paragraph(escape(both(_l("Contact"))), styles["h3"]),
            *[Paragraph(escape(line), styles["text"]) for line in lines]]


def write_pdf(entries: list[Entry], filters: Filters, out: BinaryIO, *, images: bool = True,
              progress: Callable[[float], None] | None = None) -> None:
    """The printed catalogue: cover, table of contents, then the members by country (each country on a new page)."""
    styles = _styles()
    config = current_app.config
    titles = specialisation_titles()
    title = both(TITLE)
    # The day on the reader's clock (the worker sets the asker's zone), written as each language writes it.
    today = utcnow()
    story: list[Flowable] = [
        Spacer(1, 40 * mm), Paragraph("<br/>".join(escape(line) for line in in_both(TITLE)), styles["cover"]),
        Paragraph(escape(both(filters.describe)), styles["subtitle"]),
        Paragraph(escape(both(lambda: ngettext("%(num)d member", "%(num)d members", len(entries)))),
                  styles["subtitle"]),
        Paragraph(escape(both(lambda: _("As of %(day)s", day=format_date(today, "long")))), styles["subtitle"]),
        Spacer(1, 60 * mm), Paragraph(escape(config["PROJECT_NAME"]), styles["small"]),
        Paragraph(escape(config["FUNDING_NOTICE"]), styles["small"]),
        NextPageTemplate("page"), PageBreak()]
    toc = TableOfContents(dotsMinLevel=1)
    toc.levelStyles = [styles["toc0"], styles["toc1"]]
    story += [Paragraph(escape(both(_l("Contents"))), styles["country"]), toc]
    width = A4[0] - 2 * MARGIN
    country = None
    for number, entry in enumerate(entries, 1):
        if entry.country != country:
            country = entry.country
            story += [PageBreak(), _Heading(both(COUNTRY_LABELS[country]), styles["country"], 0, f"country-{country}")]
        story += _member(entry, styles, width, images, titles)
        if progress is not None:
            progress(10 + 60 * number / max(len(entries), 1))
    if not entries:
        story += [PageBreak(), Paragraph(escape(both(_l("No member matches these filters."))), styles["text"])]
    document = CatalogueDocument(out, footer=f"{title} · {config['FUNDING_NOTICE']}", title=title, author="MCC",
                                 subject=both(filters.describe))
    document.multiBuild(story)


# -- the spreadsheet -----------------------------------------------------------------------------------------------
def write_xlsx(entries: list[Entry], out: BinaryIO) -> None:
    """Members on the first sheet (one row each, the same fields as the PDF), products and services on the second;
    labels in the asker's language, members' texts in each language in its own column."""
    titles = specialisation_titles()
    members = [Column("name", _("Member")), Column("kind", _("Kind of member")), Column("country", _("Country")),
               Column("region", _("Region")), Column("district", _("County or municipality")),
               Column("city", _("City")), Column("specialisations", _("Specialisations")),
               Column("languages", _("Languages spoken")),
               *[Column(f"description_{code}", _("Description (%(language)s)", language=code.upper()))
                 for code in ("pl", "lt", "en")],
               Column("capabilities", _("Capabilities")), Column("machines", _("Machine park")),
               Column("certifications", _("Certifications")), Column("contact_name", _("Contact person")),
               Column("contact_email", _("Contact e-mail")), Column("contact_phone", _("Contact phone")),
               Column("address", _("Address")), Column("website", _("Website")), Column("page", _("Member's page"))]

    def member_row(e: Entry) -> tuple:
        contact = e.contact or {}
        capabilities = "; ".join(
            " – ".join(part for part in (str(PROCESS_LABELS[Process(c.process)]),
                                         ", ".join(str(MATERIAL_LABELS.get(m, m)) for m in c.materials),
                                         ", ".join(str(label) % {"size": size} for label, size in limits(c)),
                                         pick(c.note)) if part) for c in e.capabilities)
        machines = "; ".join(" ".join(p for p in (kind, model, area, f"× {count}" if count > 1 else "") if p)
                             for kind, model, area, count in e.machines)
        certifications = "; ".join(" ".join(p for p in (standard, issuer, until) if p)
                                   for standard, issuer, until in e.certifications)
        return (e.name, str(MEMBER_KIND_LABELS[MemberKind(e.kind)]), str(COUNTRY_LABELS[e.country]),
                region_name(e.region), e.district, e.city,
                ", ".join(pick(titles.get(code)) or code for code in e.specialisations), ", ".join(e.languages),
                *[e.description.get(code) for code in ("pl", "lt", "en")], capabilities, machines, certifications,
                contact.get("name") if e.contact else str(THROUGH_COORDINATOR), contact.get("email"),
                contact.get("phone"), contact.get("address"), e.website,
                external_url("network.member", company_id=e.id))

    products = [Column("member", _("Member")), Column("kind", _("Product or service")),
                *[Column(f"name_{code}", _("Name (%(language)s)", language=code.upper()))
                  for code in ("pl", "lt", "en")],
                *[Column(f"description_{code}", _("Description (%(language)s)", language=code.upper()))
                  for code in ("pl", "lt", "en")]]
    product_rows = [(e.name, str(PRODUCT_KIND_LABELS[ProductKind(p.kind)]),
                     *[p.name.get(code) for code in ("pl", "lt", "en")],
                     *[p.description.get(code) for code in ("pl", "lt", "en")])
                    for e in entries for p in e.products]
    with xlsx_sheets([(_("Members"), members, [member_row(e) for e in entries]),
                      (_("Products and services"), products, product_rows)]) as workbook:
        shutil.copyfileobj(workbook, out)


# -- built by the worker for the person who asked ------------------------------------------------------------------
def _may_build(user: User, params: dict) -> bool:
    """Any active, logged-in person may have a filtered catalogue (it holds only published entries)."""
    return bool(getattr(user, "is_active", False))


@builder(PDF_KIND, PDF, may_build=_may_build)
def _build_pdf(params: dict, asker: User, out: BinaryIO, progress: Progress) -> None:
    filters = Filters.from_params(params)
    entries = catalogue_entries(filters, asker)
    progress(10)
    write_pdf(entries, filters, out, progress=progress)


@builder(XLSX_KIND, XLSX, may_build=_may_build)
def _build_xlsx(params: dict, asker: User, out: BinaryIO, progress: Progress) -> None:
    entries = catalogue_entries(Filters.from_params(params), asker)
    progress(40)
    write_xlsx(entries, out)


# -- the public copy, kept ready by the worker ---------------------------------------------------------------------
def public_copy() -> GeneratedFile | None:
    """The newest whole catalogue for everyone (a generated file nobody asked for: no asker, so no one's
    downloads page offers it; ``/directory/catalogue.pdf`` does)."""
    return db.session.scalar(select(GeneratedFile).where(
        GeneratedFile.kind == PUBLIC_KIND, GeneratedFile.uploaded_by_id.is_(None),
        GeneratedFile.status == GeneratedStatus.READY, GeneratedFile.storage_key.is_not(None))
        .order_by(GeneratedFile.finished_at.desc(), GeneratedFile.id.desc()).limit(1))


def refresh_public(*, force: bool = False) -> GeneratedFile | None:
    """Rebuild the public catalogue when what it would say changed (or ``force``): the new copy replaces the old,
    which is deleted once its grace period is over. Returns the new copy, None when nothing changed."""
    zone, language = current_app.config["DEFAULT_TIMEZONE"], "pl"
    with reading_only(), force_locale(language), force_timezone(zone):
        entries = catalogue_entries(Filters(), None)
        mark = fingerprint(entries)
        current = public_copy()
        if current is not None and not force and (current.params or {}).get("fingerprint") == mark:
            return None
        with tempfile.SpooledTemporaryFile(max_size=16 * 2**20) as out:
            write_pdf(entries, Filters(), out)
            size = out.tell()
            out.seek(0)
            stored = get_storage().save(generate_key("generated"), out, PDF)
    delete_unless_committed(stored.key)
    now = utcnow()
    row = GeneratedFile(kind=PUBLIC_KIND, params={"fingerprint": mark, "members": len(entries)},
                        status=GeneratedStatus.READY, progress=100, attempts=1, started_at=now, finished_at=now,
                        expires_at=now + timedelta(days=keep_days()))
    row.point_to(stored.key, stored.size or size, PDF, stored.sha256, "mcc-catalogue.pdf", None)
    db.session.add(row)
    db.session.flush()
    _retire_older(row, now)
    return row


def _retire_older(newest: GeneratedFile, now) -> None:
    """Older public copies: kept for ``SUPERSEDED_GRACE``, then deleted (rows now, objects after the commit)."""
    storage, gone = get_storage(), []
    for row in db.session.scalars(select(GeneratedFile).where(
            GeneratedFile.kind == PUBLIC_KIND, GeneratedFile.uploaded_by_id.is_(None), GeneratedFile.id != newest.id)):
        if row.expires_at is not None and row.expires_at <= now:
            gone.append(row.storage_key)
            db.session.delete(row)
        elif row.expires_at is None or row.expires_at > now + SUPERSEDED_GRACE:
            row.expires_at = now + SUPERSEDED_GRACE
    if gone:
        after_commit(lambda: [_delete_quietly(storage, key) for key in gone if key])


def _delete_quietly(storage, key: str) -> None:
    try:
        storage.delete(key)
    except Exception:  # an orphan is found by `flask storage check`
        log.exception("could not delete an old public catalogue %s", key)


@handler(PUBLIC_KIND, attempts=3, lease_seconds=3600)
def _refresh_public(payload: dict) -> None:
    refresh_public(force=bool(payload.get("daily")))


# Every ten minutes: rebuilt if what it would say changed; every night: rebuilt anyway (the date on its cover).
every("network.public_catalogue", PUBLIC_KIND, minute="*/10")
every("network.public_catalogue_daily", PUBLIC_KIND, {"daily": True}, hour=1, minute=55)
