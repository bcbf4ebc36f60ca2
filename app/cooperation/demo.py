"""Demo service requests (``flask seed-demo``) between the demo members: the Polish firm whose manager is
manager@example.com asks for laser-cut parts and has an offer from the Lithuanian welding firm (contact
mentorius@example.com) waiting; the Lithuanian firm's earlier welding order from the Polish firm is closed and rated;
a third request was cancelled. Rows are written directly (no notifications for the past)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

from sqlalchemy import select

from app.accounts.services import find_user_by_email
from app.cooperation.models import (
    Currency,
    OfferStatus,
    RequestEvent,
    RequestMessage,
    RequestOffer,
    RequestRating,
    RequestStatus,
    ServiceRequest,
)
from app.core.db import utcnow
from app.core.demo import demo_seeder
from app.extensions import db
from app.network.models import Company, Process

PL_FIRM, LT_FIRM = "Metal-Tech Suwałki Sp. z o.o.", "UAB Suvirinimo technologijos"


@demo_seeder(order=90)
def seed_demo_requests() -> None:
    if db.session.scalar(select(ServiceRequest.id).limit(1)) is not None:
        return
    pl = db.session.scalar(select(Company).where(Company.name == PL_FIRM))
    lt = db.session.scalar(select(Company).where(Company.name == LT_FIRM))
    if pl is None or lt is None:
        return
    pl_person, lt_person = find_user_by_email("manager@example.com"), find_user_by_email("mentorius@example.com")
    now = utcnow()

    def request(company, person, title, process, status, days_ago, **fields):
        row = ServiceRequest(company=company, title=title, process=process, status=status,
                             opened_at=now - timedelta(days=days_ago), created_by_id=getattr(person, "id", None),
                             **fields)
        db.session.add(row)
        db.session.flush()
        db.session.add(RequestEvent(request_id=row.id, to_status=RequestStatus.OPEN, at=row.opened_at,
                                    actor_id=row.created_by_id))
        return row

    laser = request(pl, pl_person, "Laser-cut brackets, 200 pcs", Process.LASER_CUTTING, RequestStatus.OPEN, 3,
                    description="S235 steel, 4 mm, to the attached drawing; zinc-plated after cutting.",
                    materials=["steel"], quantity=200, unit="pcs", max_thickness_mm=4.0,
                    deadline=date.today() + timedelta(days=30), delivery_place="Suwałki")
    offer = RequestOffer(request_id=laser.id, company_id=lt.id, price=Decimal("1450.00"), currency=Currency.EUR,
                         lead_time_days=10, note="Including deburring.", created_by_id=getattr(lt_person, "id", None),
                         created_at=laser.opened_at + timedelta(hours=20))
    db.session.add(offer)
    db.session.flush()
    db.session.add(RequestMessage(request_id=laser.id, company_id=lt.id, author_id=getattr(lt_person, "id", None),
                                  body="Is the zinc plating on your side or ours?"))

    welding = request(lt, lt_person, "Welded frames for conveyors", Process.WELDING_MIG_MAG, RequestStatus.CLOSED,
                      60, materials=["steel"], quantity=12, unit="pcs", delivery_place="Alytus")
    done = RequestOffer(request_id=welding.id, company_id=pl.id, price=Decimal("18400.00"), currency=Currency.PLN,
                        lead_time_days=21, status=OfferStatus.ACCEPTED, created_by_id=getattr(pl_person, "id", None),
                        created_at=welding.opened_at + timedelta(hours=30))
    db.session.add(done)
    steps = [RequestStatus.OPEN, RequestStatus.AGREED, RequestStatus.IN_PROGRESS, RequestStatus.DELIVERED,
             RequestStatus.CLOSED]
    for day, (before, after) in enumerate(pairwise(steps), start=1):
        db.session.add(RequestEvent(request_id=welding.id, from_status=before, to_status=after,
                                    at=welding.opened_at + timedelta(days=day * 7), actor_id=welding.created_by_id))
    db.session.add_all([RequestRating(request_id=welding.id, company_id=lt.id, score=5, comment="On time."),
                        RequestRating(request_id=welding.id, company_id=pl.id, score=4, comment="Clear drawings.")])

    cancelled = request(pl, pl_person, "Powder coating of railings", Process.SURFACE_TREATMENT,
                        RequestStatus.CANCELLED, 20, cross_border=False)
    db.session.add(RequestEvent(request_id=cancelled.id, from_status=RequestStatus.OPEN,
                                to_status=RequestStatus.CANCELLED, at=cancelled.opened_at + timedelta(days=5),
                                actor_id=cancelled.created_by_id, note="Done in house."))
    db.session.flush()
