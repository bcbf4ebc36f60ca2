"""A small world of members for the cooperation tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from app.accounts.models import Country, User
from app.cooperation.models import (
    Currency,
    OfferStatus,
    RequestOffer,
    RequestRating,
    RequestStatus,
    ServiceRequest,
)
from app.core.permissions import Role
from app.extensions import db
from app.network.models import Capability, Company, CompanyMember, Material, Process
from tests.factories.accounts import create_user
from tests.factories.placements import create_company


def member(country: Country, *, process: Process | None = Process.LASER_CUTTING, materials=("steel",),
           thickness: float | None = 10.0, language: str = "en") -> tuple[Company, User]:
    """A member with one capability and its contact person."""
    company = create_company(country)
    if process is not None:
        db.session.add(Capability(company_id=company.id, process=process, materials=list(materials),
                                  max_thickness_mm=thickness))
    contact = create_user(Role.MENTOR, country=country, language=language)
    db.session.add(CompanyMember(company_id=company.id, user_id=contact.id, is_contact=True, is_mentor=False))
    db.session.commit()
    db.session.refresh(company)
    return company, contact


def add_manager(company: Company, *, confirmed: bool = True) -> User:
    user = create_user(Role.MENTOR, country=company.country)
    db.session.add(CompanyMember(company_id=company.id, user_id=user.id, is_manager=True, is_mentor=False,
                                 manager_confirmed_at=datetime.now(UTC) if confirmed else None))
    db.session.commit()
    return user


def seeded_request(company: Company, *, process=Process.LASER_CUTTING, opened: datetime,
                   status=RequestStatus.OPEN, offers=(), ratings=()) -> ServiceRequest:
    """A request written directly (for the figures): offers are (company, hours after opening, price, currency,
    accepted)."""
    request = ServiceRequest(company=company, title="Parts", description="", process=process,
                             materials=[Material.STEEL.value], status=status, opened_at=opened)
    db.session.add(request)
    db.session.flush()
    for offerer, hours, price, currency, accepted in offers:
        db.session.add(RequestOffer(request_id=request.id, company_id=offerer.id,
                                    price=Decimal(price) if price is not None else None, currency=Currency(currency),
                                    status=OfferStatus.ACCEPTED if accepted else OfferStatus.SUBMITTED,
                                    created_at=opened + timedelta(hours=hours)))
    for rater, score in ratings:
        db.session.add(RequestRating(request_id=request.id, company_id=rater.id, score=score))
    db.session.commit()
    return request


def figures_world() -> dict[str, Company]:
    """Five requests counted by hand (tests/cooperation/test_figures.py and tests/reporting): members LT1, LT2, PL1,
    PL2; LT1 in region LT-AL."""
    lt1, _ = member(Country.LT)
    lt2, _ = member(Country.LT)
    pl1, _ = member(Country.PL)
    pl2, _ = member(Country.PL)
    # r1: LT asks, PL1 accepted (cross-border), closed, rated 5 and 4; first offer after 2 h.
    seeded_request(lt1, opened=datetime(2026, 10, 5, 8, tzinfo=UTC), status=RequestStatus.CLOSED,
                   offers=[(pl1, 2, "100", "EUR", True), (pl2, 5, "90", "EUR", False)],
                   ratings=[(lt1, 5), (pl1, 4)])
    # r2: PL asks (TIG welding), LT2 accepted (cross-border), delivered, rated 3; 10 h.
    seeded_request(pl1, process=Process.WELDING_TIG, opened=datetime(2026, 10, 20, 8, tzinfo=UTC),
                   status=RequestStatus.DELIVERED, offers=[(lt2, 10, "500", "PLN", True)], ratings=[(pl1, 3)])
    # r3: LT asks, LT2 accepted (same country), in progress; 4 h.
    seeded_request(lt1, opened=datetime(2026, 11, 2, 8, tzinfo=UTC), status=RequestStatus.IN_PROGRESS,
                   offers=[(lt2, 4, "50", "EUR", True)])
    # r4: PL asks, no offers yet.
    seeded_request(pl1, opened=datetime(2026, 11, 10, 8, tzinfo=UTC))
    # r5: LT asks, one offer after 1 h, then cancelled.
    seeded_request(lt1, opened=datetime(2026, 11, 15, 8, tzinfo=UTC), status=RequestStatus.CANCELLED,
                   offers=[(pl2, 1, None, "EUR", False)])
    lt1.region = "LT-AL"
    db.session.commit()
    return {"lt1": lt1, "lt2": lt2, "pl1": pl1, "pl2": pl2}
