"""Members for the directory's search tests: whatever an entry may say, with its search document written."""

from __future__ import annotations

import itertools

from app.accounts.models import Country
from app.extensions import db
from app.network.models import Capability, Certification, Company, Machine, MemberKind, Process, Product
from app.network.search import refresh_document
from tests.factories.catalogue import get_specialisation
from tests.factories.placements import valid_nip

_n = itertools.count(500)


def add_member(name: str, country: Country = Country.PL, *, city: str = "Suwałki", region: str | None = None,
               kind: MemberKind = MemberKind.FIRM, description: dict | None = None,
               capabilities: list[dict] = (), products: list[dict] = (), machines: list[str] = (),
               certifications: list[str] = (), languages: list[str] = (), specialisations: tuple[str, ...] = (),
               published: bool = True, active: bool = True) -> Company:
    n = next(_n)
    number = None if kind == MemberKind.CRAFTSPERSON else (
        valid_nip(n) if country == Country.PL else str(300000000 + n))
    company = Company(name=name, country=country, city=city, region=region, kind=kind, registration_number=number,
                      description=description or {}, languages=list(languages), is_published=published,
                      is_active=active, specialisations=[get_specialisation(c) for c in specialisations])
    company.capabilities = [Capability(position=i, **{"materials": [], "note": {}, **c})
                            for i, c in enumerate(capabilities)]
    company.products = [Product(position=i, **{"description": {}, **p}) for i, p in enumerate(products)]
    company.machines = [Machine(position=i, machine_type=m) for i, m in enumerate(machines)]
    company.certifications = [Certification(position=i, standard=s) for i, s in enumerate(certifications)]
    refresh_document(company)
    db.session.add(company)
    db.session.commit()
    return company


WELDING = {"process": Process.WELDING_MIG_MAG, "materials": ["steel", "stainless_steel"], "max_thickness_mm": 20}
LASER = {"process": Process.LASER_CUTTING, "materials": ["steel"], "max_thickness_mm": 25}
