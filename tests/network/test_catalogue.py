"""The offer catalogue (app/network/catalogue.py), read back as a reader gets it: the PDF with pypdf (members of
the filter with their letters intact, nobody else; the table of contents pointing to the right pages; contacts
as each member chose), the XLSX with openpyxl."""

from __future__ import annotations

import io
import re
from collections import defaultdict

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook
from pypdf import PdfReader

from app.core.permissions import Role
from app.downloads.services import NotBuildable
from app.network.catalogue import (
    Filters,
    catalogue_entries,
    fingerprint,
    fold,
    texts_in_both,
    write_pdf,
    write_xlsx,
)
from tests.factories import create_user
from tests.network import catalogue_world as cw

PUBLISHED = [cw.SUWALKI, cw.LOMZA, cw.MARIJAMPOLE, cw.SIAULIAI]  # by country (Poland first), then folded name
NEVER = [cw.HIDDEN, cw.INACTIVE]


@pytest.fixture
def world(db):
    return cw.build()


def pdf(filters: Filters | None = None, reader=None, *, language: str = "pl") -> PdfReader:
    filters, out = filters or Filters(), io.BytesIO()
    with force_locale(language):
        write_pdf(catalogue_entries(filters, reader), filters, out)
    return PdfReader(io.BytesIO(out.getvalue()))


def text_of(document: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in document.pages)


def lines_of(page) -> list[str]:
    """The page's text as lines, each put together from the fragments printed at the same height (the table of
    contents draws its page numbers after the entries' text: the plain extraction puts them on a line of their own)."""
    rows: dict[float, list[tuple[float, str]]] = defaultdict(list)

    def visit(text, cm, tm, font, size):
        if text.strip():
            x, y = cm[0] * tm[4] + cm[2] * tm[5] + cm[4], cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            rows[round(y)].append((x, text.strip()))

    page.extract_text(visitor_text=visit)
    return [" ".join(text for _x, text in sorted(row)) for _y, row in sorted(rows.items(), reverse=True)]


def test_the_catalogue_holds_every_published_member_in_order_with_its_letters(world):
    text = text_of(pdf())
    for name in PUBLISHED:
        assert name in text
    for name in NEVER:
        assert name not in text
    assert [name for name in sorted(PUBLISHED, key=text.index)] == PUBLISHED
    for words in ("Łomża", "Šiauliai", "Marijampolė", "Gręžimas ir frezavimas, Žąsų g. 7.", "Kowalstwo artystyczne",
                  "Spawanie TIG / TIG suvirinimas", "Frezowanie CNC / CNC frezavimas", "DMG Mori CMX 600V",
                  "Brama kuta / Kaltiniai vartai"):
        assert words in text, words
    assert re.search(r"grubość do 12,5\s?mm / storis iki 12,5\s?mm", text)
    assert "Katalog ofert klastra" in text and "Klasterio pasiūlymų katalogas" in text
    assert "Interreg" in text  # the programme's co-financing line


def test_filters_keep_the_others_out(world):
    cases = {Filters(country="LT"): [cw.MARIJAMPOLE, cw.SIAULIAI],
             Filters(process="welding_tig"): [cw.SUWALKI, cw.MARIJAMPOLE],
             Filters(kind="craftsperson"): [cw.LOMZA],
             Filters(region="PL-20", specialisation="welding"): [cw.SUWALKI, cw.LOMZA],
             Filters(specialisation="cnc"): [cw.SIAULIAI]}
    for filters, names in cases.items():
        text = text_of(pdf(filters))
        assert [name for name in PUBLISHED if name in text] == names, filters
        assert not any(name in text for name in NEVER)


def test_each_line_of_the_table_of_contents_names_the_page_its_member_starts_on(world, db):
    for n in range(14):  # enough members for several pages, so a wrong number would show
        # "&" and "<" in names stay text (the headings and the contents are markup underneath)
        company = cw._company(f"Żuraw & Syn <{n:02d}>", cw.Country.PL if n % 2 else cw.Country.LT, "Ełk", None,
                              None, kind=cw.MemberKind.CRAFTSPERSON, description={"pl": "Długi opis. " * 60})
        company.products = [cw.Product(name={"pl": f"Wyrób {i}"}, description={"lt": "Aprašymas. " * 20})
                            for i in range(4)]
    db.session.commit()
    document = pdf()
    assert len(document.pages) > 8
    contents, first_member_page = [], 2
    for page in document.pages[1:]:
        if " . " not in page.extract_text():  # the contents' pages are those with dot leaders
            break
        first_member_page += 1
        for line in lines_of(page):
            match = re.fullmatch(r"(.+?)[ .]*\s(\d+)", line)
            if match and not match.group(1).startswith(("Katalog", "Offer")):
                contents.append((match.group(1).strip(" ."), int(match.group(2))))
    names = [name for name, _page in contents]
    assert set(PUBLISHED) <= set(names) and len([n for n in names if n.startswith("Żuraw & Syn <")]) == 14
    for name, number in contents:
        assert name in lines_of(document.pages[number - 1]), (name, number)
        if number > first_member_page:  # where the member starts, not on the page before
            assert name not in document.pages[number - 2].extract_text(), (name, number)


def test_the_logo_is_printed_scaled_and_a_missing_picture_costs_only_itself(world, db):
    from app.network.models import MemberImage
    from app.storage import get_storage

    document = pdf(Filters(kind="craftsperson"))
    page = next(p for p in document.pages if cw.LOMZA in lines_of(p))
    (picture,) = page.images
    assert picture.image.width <= 600  # the 900 px original, scaled before it went in
    get_storage().delete(db.session.query(MemberImage).one().storage_key)
    document = pdf(Filters(kind="craftsperson"))
    page = next(p for p in document.pages if cw.LOMZA in lines_of(p))
    assert len(page.images) == 0 and "Kowalstwo artystyczne" in page.extract_text()


def test_contacts_are_printed_only_as_the_member_chose(world):
    public = text_of(pdf())  # the public copy: nobody logged in
    assert "kuznia@example.pl" in public and "biuro@spawalnia.example.pl" in public
    assert "info@grezimas.example.lt" not in public and "Jonas Žemaitis" not in public
    assert "ruta@marijampole.example.lt" not in public
    assert public.count("Kontakt przez koordynatora klastra") == 2  # the two non-public members
    assert "https://metalas.example.lt" in public  # their website stays

    member = text_of(pdf(reader=create_user(Role.TRAINEE)))  # "logged-in people" now see theirs
    assert "info@grezimas.example.lt" in member and "ruta@marijampole.example.lt" not in member
    coordinator = text_of(pdf(reader=create_user(Role.COORDINATOR)))
    assert "ruta@marijampole.example.lt" in coordinator


def test_a_missing_language_falls_back_to_english_marked_never_printed_twice(db):
    assert texts_in_both({"pl": "Tak", "lt": "Taip"}) == [("pl", "Tak", None), ("lt", "Taip", None)]
    with force_locale("pl"):
        blocks = texts_in_both({"lt": "Taip", "en": "Yes"})
    assert blocks[0][:2] == ("en", "Yes") and blocks[0][2] == "(po angielsku)" and blocks[1] == ("lt", "Taip", None)
    assert texts_in_both({"lt": "Taip"}) == [("lt", "Taip", None)]  # not repeated under the Polish heading
    ((code, text, note),) = texts_in_both({"en": "Yes"})
    assert (code, text) == ("en", "Yes") and "po angielsku" in note and "angl" in note
    assert texts_in_both({}) == []


def test_the_spreadsheet_has_a_row_per_member_and_a_sheet_of_products(world):
    out = io.BytesIO()
    with force_locale("pl"):
        write_xlsx(catalogue_entries(Filters(), None), out)
    workbook = load_workbook(io.BytesIO(out.getvalue()), read_only=True)
    members, products = (list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets)
    header = members[0]
    assert header[0] == "Członek" and [row[0] for row in members[1:]] == PUBLISHED
    rows = {row[0]: dict(zip(header, row, strict=True)) for row in members[1:]}
    assert rows[cw.SIAULIAI]["Miejscowość"] == "Šiauliai"
    assert rows[cw.LOMZA]["E-mail kontaktowy"] == "kuznia@example.pl"
    assert rows[cw.SIAULIAI]["E-mail kontaktowy"] is None
    assert rows[cw.SIAULIAI]["Osoba kontaktowa"] == "Kontakt przez koordynatora klastra"
    assert "Frezowanie CNC" in rows[cw.SIAULIAI]["Możliwości"]
    assert products[0][0] == "Członek" and {row[0] for row in products[1:]} == {cw.LOMZA, cw.SIAULIAI}
    assert ("Brama kuta", "Kaltiniai vartai") in {row[2:4] for row in products[1:]}


def test_the_spreadsheet_never_turns_a_name_into_a_formula(world, db):
    world.members[cw.LOMZA].name = '=HYPERLINK("http://evil.example","x")'
    db.session.commit()
    out = io.BytesIO()
    write_xlsx(catalogue_entries(Filters(), None), out)
    sheet = load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    cell = next(row[0] for row in sheet.iter_rows(min_row=2) if str(row[0].value).startswith("="))
    assert cell.data_type == "s"


def test_the_fingerprint_changes_with_what_the_catalogue_would_say(world, db):
    before = fingerprint(catalogue_entries(Filters(), None))
    assert fingerprint(catalogue_entries(Filters(), None)) == before
    world.members[cw.SIAULIAI].machines[0].count = 3
    db.session.commit()
    assert fingerprint(catalogue_entries(Filters(), None)) != before


def test_filters_asked_for_are_checked_again_by_the_worker():
    assert Filters.from_params({"country": "LT", "process": "welding_tig"}) == Filters(country="LT",
                                                                                        process="welding_tig")
    for params in ({"country": "DE"}, {"process": "magic"}, {"kind": "robot"}, {"region": "PL-99"},
                   {"specialisation": ["x"]}):
        with pytest.raises(NotBuildable):
            Filters.from_params(params)


def test_names_sort_by_their_folded_letters():
    assert sorted(["Żuraw", "Łomża", "Ąžuolas", "lama", "Šiauliai"], key=fold) == \
        ["Ąžuolas", "lama", "Łomża", "Šiauliai", "Żuraw"]
