"""A small cluster network for the catalogue's tests: members in Poland and Lithuania whose names and places carry
every kind of Polish and Lithuanian letter, with capabilities, machines, certifications, products, a logo, each
contact visibility, and members that must never be printed (not published, not active)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from PIL import Image as Pillow

from app.accounts.models import Country
from app.extensions import db
from app.network.models import (
    Capability,
    Certification,
    Company,
    ContactVisibility,
    Machine,
    MemberImage,
    MemberKind,
    Process,
    Product,
    ProductKind,
)
from app.storage import generate_key, get_storage
from tests.factories.catalogue import get_specialisation
from tests.factories.placements import valid_nip

LOMZA = "Kuźnia Żąsów z Łomży"
SIAULIAI = "Šiaulių Gręžimas"
MARIJAMPOLE = "Marijampolės metalas"
SUWALKI = "Ąžuolowa Spawalnia"
HIDDEN = "Ukryta Ślusarnia"
INACTIVE = "Dawna Tokarnia"


@dataclass
class World:
    members: dict[str, Company]


def _company(name: str, country: Country, city: str, region: str, number: str | None, **fields) -> Company:
    company = Company(name=name, country=country, city=city, region=region, registration_number=number, **fields)
    db.session.add(company)
    db.session.flush()
    return company


def build() -> World:
    welding, cnc = get_specialisation("welding"), get_specialisation("cnc")
    lomza = _company(LOMZA, Country.PL, "Łomża", "PL-20", None, kind=MemberKind.CRAFTSPERSON,
                     district="łomżyński", contact_visibility=ContactVisibility.PUBLIC,
                     contact_name="Zażółć Gęślą", contact_email="kuznia@example.pl", contact_phone="+48 86 111 22 33",
                     address="ul. Długa 5, Łomża", website="https://kuznia.example.pl",
                     description={"pl": "Kowalstwo artystyczne: bramy, balustrady, żyrandole."},
                     languages=["pl", "lt"], specialisations=[welding])
    lomza.capabilities = [Capability(process=Process.BLACKSMITHING, materials=["steel"], max_thickness_mm=12.5,
                                     note={"pl": "krótkie serie"})]
    lomza.products = [Product(kind=ProductKind.PRODUCT, name={"pl": "Brama kuta", "lt": "Kaltiniai vartai"},
                              description={"pl": "Na wymiar.", "lt": "Pagal užsakymą."})]
    siauliai = _company(SIAULIAI, Country.LT, "Šiauliai", "LT-SA", "300000001",
                        contact_visibility=ContactVisibility.MEMBERS, contact_name="Jonas Žemaitis",
                        contact_email="info@grezimas.example.lt", contact_phone="+370 41 000000",
                        description={"lt": "Gręžimas ir frezavimas, Žąsų g. 7.", "en": "Drilling and milling."},
                        specialisations=[cnc])
    siauliai.capabilities = [Capability(process=Process.CNC_MILLING, materials=["aluminium", "steel"],
                                        max_length_mm=1200, max_width_mm=600),
                             Capability(process=Process.DRILLING, materials=["steel"])]
    siauliai.machines = [Machine(machine_type="Frezavimo centras", make_model="DMG Mori CMX 600V",
                                 working_area="600 × 560 × 510 mm", count=2)]
    siauliai.certifications = [Certification(standard="ISO 9001", issuer="TÜV", valid_until=date(2027, 6, 30))]
    siauliai.products = [Product(kind=ProductKind.SERVICE, name={"lt": "Gręžimo paslaugos", "en": "Drilling"},
                                 description={"en": "Batches from 1 piece."})]
    marijampole = _company(MARIJAMPOLE, Country.LT, "Marijampolė", "LT-MR", "300000002",
                           contact_visibility=ContactVisibility.HIDDEN, contact_name="Rūta Ąžuolienė",
                           contact_email="ruta@marijampole.example.lt", website="https://metalas.example.lt",
                           description={"en": "TIG welding of stainless steel."}, specialisations=[welding])
    marijampole.capabilities = [Capability(process=Process.WELDING_TIG, materials=["stainless_steel"])]
    suwalki = _company(SUWALKI, Country.PL, "Suwałki", "PL-20", valid_nip(77),
                       contact_visibility=ContactVisibility.PUBLIC, contact_email="biuro@spawalnia.example.pl",
                       description={"pl": "Spawanie TIG i MIG/MAG.", "lt": "TIG ir MIG/MAG suvirinimas."},
                       specialisations=[welding])
    suwalki.capabilities = [Capability(process=Process.WELDING_TIG, materials=["steel", "aluminium"])]
    hidden = _company(HIDDEN, Country.PL, "Ełk", "PL-28", valid_nip(78), is_published=False,
                      contact_visibility=ContactVisibility.PUBLIC, specialisations=[welding])
    inactive = _company(INACTIVE, Country.LT, "Alytus", "LT-AL", "300000003", is_active=False,
                        contact_visibility=ContactVisibility.PUBLIC, specialisations=[welding])
    db.session.flush()
    db.session.add(logo(lomza))
    db.session.commit()
    return World({c.name: c for c in (lomza, siauliai, marijampole, suwalki, hidden, inactive)})


def logo(company: Company) -> MemberImage:
    """A picture stored as a member's logo, without a thumbnail yet (the catalogue scales the original)."""
    buffer = io.BytesIO()
    Pillow.new("RGB", (900, 300), (31, 95, 153)).save(buffer, "PNG")
    size = buffer.tell()
    buffer.seek(0)
    stored = get_storage().save(generate_key("members"), buffer, "image/png")
    image = MemberImage(company_id=company.id, is_logo=True, width=900, height=300)
    image.point_to(stored.key, size, "image/png", stored.sha256, "logo.png", None)
    return image
