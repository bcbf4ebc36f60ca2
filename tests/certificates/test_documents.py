"""The certificate PDF: every line inside the frame, one day printed as one day, the holder's local dates, and a
file name of its own for each download."""

from __future__ import annotations

import io
import itertools
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from app.accounts.models import Country
from app.certificates import services
from app.certificates.models import CertificateKind
from app.core.pdf import register_fonts
from app.core.permissions import Role
from tests.factories import create_user

CNC = {"pl": "Technolog – operator obrabiarek sterowanych numerycznie CNC",
       "lt": "Technologas – CNC staklių operatorius", "en": "CNC machine tool operator and technologist"}
#: A title written in both languages in each field, as some course authors do.
CNC_BOTH = {lang: f"{CNC['pl']} / {CNC['lt']}" for lang in ("pl", "lt", "en")}
#: As long as the course form allows (200 characters), in words of the trade.
LONGEST = {
    "pl": ("Spawanie blach i rur spoinami pachwinowymi oraz czołowymi metodą MAG (135) i TIG (141) w pozycjach "
           "PA–PF z przygotowaniem do egzaminu na uprawnienia spawalnicze według normy PN-EN ISO 9606-1")[:200],
    "lt": ("Lakštų ir vamzdžių suvirinimas kampinėmis bei sandūrinėmis siūlėmis MAG (135) ir TIG (141) būdais "
           "PA–PF padėtyse su pasirengimu suvirintojų atestavimo egzaminui pagal LST EN ISO 9606-1")[:200],
    "en": "Welding plates and pipes (MAG 135, TIG 141) in positions PA–PF, preparing for EN ISO 9606-1",
}
SPECIALISATION = {"pl": "Obróbka skrawaniem i programowanie obrabiarek sterowanych numerycznie",
                  "lt": "Pjovimo apdirbimas ir skaitmeninio valdymo staklių programavimas", "en": "CNC machining"}
LONG_NAME = "Aleksandra Małgorzata Wiśniewska-Przybyszewska-Żółkiewska"
PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
BORDER = 12 * mm  # the frame drawn around the page


def issue(holder, title=CNC, *, started=datetime(2026, 11, 23, 8, tzinfo=UTC),
          completed=datetime(2026, 12, 4, 15, tzinfo=UTC), kind=CertificateKind.COURSE):
    return services.issue(services.Facts(kind=kind, holder=holder, title=title, specialisation_title=SPECIALISATION,
                                         hours=24, started_on=started, completed_at=completed))


def download(client, certificate, bilingual=False):
    response = client.get(f"/learning/certificates/{certificate.code}.pdf" + ("?bilingual=1" if bilingual else ""))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return response


def text_of(response) -> str:
    return PdfReader(io.BytesIO(response.data)).pages[0].extract_text()


def text_runs(pdf: bytes) -> list[tuple[str, float, float, str, float]]:
    """(text, x, y, font, size) of every line drawn on the page, as a PDF reader finds them."""
    regular, bold = register_fonts()
    runs = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            font = bold if "Bold" in str((font_dict or {}).get("/BaseFont")) else regular
            runs.append((text.strip("\n"), cm[4] + tm[4], cm[5] + tm[5], font, font_size))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return runs


@pytest.mark.parametrize("language, bilingual", [("pl", False), ("lt", False), ("en", False), ("lt", True)])
@pytest.mark.parametrize("title", [CNC, CNC_BOTH, LONGEST], ids=["cnc", "cnc-both-languages", "longest"])
def test_every_line_stays_inside_the_frame(client, login, db, language, bilingual, title):
    holder = create_user(full_name=LONG_NAME, language=language)
    certificate = issue(holder, title)
    login(holder)
    pdf = download(client, certificate, bilingual).data
    runs = text_runs(pdf)
    clearance = 4 * mm  # from the frame's line (3 pt wide) to the nearest letter
    for text, x, y, font, size in runs:
        right = x + stringWidth(text, font, size)
        assert BORDER + clearance <= x and right <= PAGE_WIDTH - BORDER - clearance, f"{text!r} crosses the frame"
        assert BORDER + clearance <= y <= PAGE_HEIGHT - BORDER - clearance - size, f"{text!r} crosses the frame"
    baselines = sorted((y for *_, y, _f, _s in runs), reverse=True)
    assert all(upper - lower >= 8 for upper, lower in itertools.pairwise(baselines)), "lines overlap"
    shown = " ".join(" ".join(text for text, *_ in runs).split())
    for language_shown in ("pl", "lt") if bilingual else (language,):
        assert title[language_shown] in shown  # wrapped, never cut
    assert LONG_NAME in shown


def test_the_bilingual_title_breaks_between_the_languages(client, login, db):
    holder = create_user(language="pl")
    login(holder)
    runs = text_runs(download(client, issue(holder, CNC_BOTH), bilingual=True).data)
    lines = [text for text, *_ in runs]
    assert lines[:2] == ["Zaświadczenie o ukończeniu szkolenia /", "Mokymų baigimo pažymėjimas"]
    assert f"{CNC['pl']} /" in lines and CNC["lt"] in lines


@pytest.mark.parametrize("language, one_day, period", [
    ("pl", "W dniu 2 grudnia 2026", "Od 23 listopada 2026 do 4 grudnia 2026"),
    ("lt", "Data: 2026 m. gruodžio 2 d.", "Nuo 2026 m. lapkričio 23 d. iki 2026 m. gruodžio 4 d."),
    ("en", "On December 2, 2026", "From November 23, 2026 to December 4, 2026"),
])
def test_a_course_of_one_day_prints_that_day(client, login, db, language, one_day, period):
    holder = create_user(language=language)
    # 00:30 and 21:00 in Warsaw on 2 December (23:30 UTC on 1 December to 20:00 UTC): one local day.
    same_day = issue(holder, started=datetime(2026, 12, 1, 23, 30, tzinfo=UTC),
                     completed=datetime(2026, 12, 2, 20, tzinfo=UTC))
    longer = issue(holder)
    login(holder)
    text = text_of(download(client, same_day))
    assert one_day in text and " do " not in text and " iki " not in text and "From " not in text
    assert period in text_of(download(client, longer))


def test_the_bilingual_certificate_prints_the_one_day_in_both_languages(client, login, db):
    holder = create_user(language="en")
    certificate = issue(holder, started=datetime(2026, 12, 2, 7, tzinfo=UTC),
                        completed=datetime(2026, 12, 2, 15, tzinfo=UTC))
    login(holder)
    text = text_of(download(client, certificate, bilingual=True))
    assert "W dniu 2 grudnia 2026" in text and "Data: 2026 m. gruodžio 2 d." in text


def test_without_a_start_the_certificate_prints_the_day_of_completion(client, login, db):
    holder = create_user(language="pl")
    certificate = issue(holder, started=None)
    login(holder)
    text = text_of(download(client, certificate))
    assert "Ukończono 4 grudnia 2026" in text and "—" not in text


@pytest.mark.parametrize("holder_zone, country, expected", [
    ("Europe/Warsaw", Country.PL, "Od 26 listopada 2026 do 3 grudnia 2026"),
    ("Europe/Vilnius", Country.LT, "Od 26 listopada 2026 do 3 grudnia 2026"),
])
def test_dates_are_the_holders_local_days_whoever_downloads(client, login, db, holder_zone, country, expected):
    holder = create_user(language="pl", country=country, timezone=holder_zone)
    # 23:30 UTC on 2 December is already 3 December in Warsaw and in Vilnius; so is 23:15 UTC on 25 November.
    certificate = issue(holder, started=datetime(2026, 11, 25, 23, 15, tzinfo=UTC),
                        completed=datetime(2026, 12, 2, 23, 30, tzinfo=UTC))
    coordinator = create_user(Role.COORDINATOR, language="pl", timezone="UTC")
    login(coordinator)
    assert expected in text_of(download(client, certificate))
    login(holder)
    assert expected in text_of(download(client, certificate))


def test_vilnius_midnight_is_the_next_day_for_a_lithuanian_holder(client, login, db):
    holder = create_user(language="lt", country=Country.LT, timezone="Europe/Vilnius")
    # 22:30 UTC: 23:30 in Warsaw, 00:30 on the next day in Vilnius.
    certificate = issue(holder, started=datetime(2026, 12, 2, 22, 30, tzinfo=UTC),
                        completed=datetime(2026, 12, 3, 10, tzinfo=UTC))
    login(create_user(Role.COORDINATOR, language="pl", timezone="Europe/Warsaw"))
    assert "Data: 2026 m. gruodžio 3 d." in text_of(download(client, certificate))


def test_each_download_has_its_own_file_name(client, login, db):
    holder = create_user(language="lt")
    certificate = issue(holder)
    login(holder)
    own = download(client, certificate).headers["Content-Disposition"]
    both = download(client, certificate, bilingual=True).headers["Content-Disposition"]
    assert own != both
    assert own == f'attachment; filename="certificate-{certificate.code}-lt.pdf"'
    assert both == f'attachment; filename="certificate-{certificate.code}-pl-lt.pdf"'
    other = issue(holder)
    assert download(client, other).headers["Content-Disposition"] != own
