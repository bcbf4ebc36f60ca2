"""Builders for companies, mentors and placements."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from stdnum.pl import nip

from app.accounts.models import Country, User
from app.core.permissions import Role
from app.extensions import db
from app.network.models import Company, CompanyMember
from app.network.search import refresh_document
from app.placements.models import Placement, PlacementStatus
from tests.factories.accounts import create_user
from tests.factories.catalogue import get_specialisation

_n = itertools.count(1)


def valid_nip(seed: int) -> str:
    """A NIP with a correct check digit (found with python-stdnum, which the app checks with)."""
    for number in range(seed * 1000 + 1_000_000_000, seed * 1000 + 1_000_001_000):
        if nip.is_valid(str(number)):
            return str(number)
    raise AssertionError("no NIP found")


def create_company(country: Country = Country.LT, *, capacity: int = 2, specialisations=("cnc",),
                   name: str | None = None, mentors: list[User] = ()) -> Company:
    n = next(_n)
    company = Company(name=name or f"Company {n}", country=country,
                      city="Alytus" if country == Country.LT else "Suwałki",
                      registration_number=valid_nip(n) if country == Country.PL else f"{300000000 + n}",
                      intern_capacity=capacity, description={"en": "A firm."}, contact_email=f"office{n}@example.com",
                      specialisations=[get_specialisation(code) for code in specialisations])
    refresh_document(company)  # as save_company does: the directory's search reads the document
    db.session.add(company)
    db.session.flush()
    for mentor in mentors:
        db.session.add(CompanyMember(company_id=company.id, user_id=mentor.id, is_mentor=True))
    db.session.commit()
    return company


def create_placement(trainee: User, company: Company, *, specialisation: str = "cnc", mentor: User | None = None,
                     starts_on: date | None = None, days: int = 28,
                     status: PlacementStatus = PlacementStatus.PROPOSED, planned_hours: int = 160) -> Placement:
    starts_on = starts_on or date.today() - timedelta(days=7)
    placement = Placement(trainee_id=trainee.id, company_id=company.id, mentor_id=mentor.id if mentor else None,
                          specialisation=get_specialisation(specialisation), starts_on=starts_on,
                          ends_on=starts_on + timedelta(days=days), planned_hours=planned_hours, status=status)
    db.session.add(placement)
    db.session.commit()
    return placement


def create_mentor(company: Company | None = None, *, role: Role = Role.MENTOR, **fields) -> User:
    """A firm's mentor: a MENTOR account (or ``role``) linked to ``company`` (a new firm by default)."""
    mentor = create_user(role, **fields)
    if company is None:
        create_company(mentors=[mentor])
    else:
        db.session.add(CompanyMember(company_id=company.id, user_id=mentor.id, is_mentor=True))
        db.session.commit()
    return mentor
