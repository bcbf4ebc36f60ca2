"""Placements: the rules every active placement obeys, proposing one, its lifecycle, the coordinators' register,
the mentor's list and the internship certificate.

Capacity and overlap hold under concurrent requests: creating a placement locks the company row and the trainee
row first (``SELECT ... FOR UPDATE``, always in that order), then checks, then writes.

The trainee and the host firm's mentors are told when a placement is proposed, agreed, completed or cancelled
(nobody else: a placement is the trainee's business and the firm's); kinds in ``app.placements.notices``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from babel.dates import format_interval
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select

from app.accounts.models import Country, User
from app.catalogue.models import Specialisation
from app.certificates import services as certificates
from app.certificates.models import Certificate, CertificateKind
from app.core.audit import record_event
from app.core.db import utcnow
from app.core.errors import DomainError
from app.core.i18n import LANGUAGES, in_each_language
from app.core.urls import path_for
from app.extensions import db
from app.network.models import Company
from app.notifications.services import notify
from app.placements.logbook import confirmed_hours, firm_mentors
from app.placements.mentors import require_coordinator
from app.placements.models import (
    ACTIVE,
    TRANSITIONS,
    EntryStatus,
    Evaluation,
    InternshipOffer,
    LogbookEntry,
    Placement,
    PlacementEvent,
    PlacementStatus,
)
from app.placements.policies import is_enrolled_in_specialisation, mentor_company_ids


def STATUS_LABELS():
    return {PlacementStatus.PROPOSED: _l("proposed"), PlacementStatus.AGREED: _l("agreed"),
            PlacementStatus.IN_PROGRESS: _l("in progress"), PlacementStatus.COMPLETED: _l("completed"),
            PlacementStatus.CANCELLED: _l("cancelled")}


# -- the rules and proposing -------------------------------------------------------------------------------------
def occupying(starts_on, ends_on):
    """Active placements sharing at least one day with the period (both ends count: a placement ending on the day
    another starts overlaps it). The one overlap rule: ``check_placement`` enforces it, the matching proposal and
    applications respect it. ``starts_on``/``ends_on`` are dates or date columns (an offer's period)."""
    return and_(Placement.status.in_(ACTIVE), Placement.starts_on <= ends_on, Placement.ends_on >= starts_on)


def clashing_offers(trainee_ids, offer_ids) -> set[tuple[int, int]]:
    """(trainee id, offer id) pairs whose offer overlaps an active placement of the trainee."""
    if not trainee_ids or not offer_ids:
        return set()
    rows = db.session.execute(
        select(Placement.trainee_id, InternshipOffer.id).select_from(Placement)
        .join(InternshipOffer, occupying(InternshipOffer.starts_on, InternshipOffer.ends_on))
        .where(Placement.trainee_id.in_(list(trainee_ids)), InternshipOffer.id.in_(list(offer_ids))).distinct())
    return {(trainee_id, offer_id) for trainee_id, offer_id in rows}


def taken_places(offer_ids) -> dict[int, int]:
    """Offer id -> the host firm's active placements overlapping the offer's period (what its capacity counts)."""
    if not offer_ids:
        return {}
    return dict(db.session.execute(
        select(InternshipOffer.id, func.count(Placement.id)).select_from(InternshipOffer)
        .join(Placement, and_(Placement.company_id == InternshipOffer.company_id,
                              occupying(InternshipOffer.starts_on, InternshipOffer.ends_on)))
        .where(InternshipOffer.id.in_(list(offer_ids))).group_by(InternshipOffer.id)).all())


def check_placement(trainee: User, company: Company, specialisation_id: int, starts_on: date, ends_on: date,
                    ignore_id: int | None = None) -> None:
    """The rules every active placement obeys; call with the company and trainee rows locked."""
    if ends_on <= starts_on:
        raise DomainError(_l("The end must be after the start."), field="ends_on")
    # The messages do not name the trainee: the form shows them beside the trainee, matching prefixes the name.
    if not is_enrolled_in_specialisation(trainee, specialisation_id):
        raise DomainError(_l("The trainee is not enrolled in a course of this specialisation."), field="trainee_id")
    others = select(Placement.id).where(occupying(starts_on, ends_on))
    if ignore_id:
        others = others.where(Placement.id != ignore_id)
    if db.session.scalar(others.where(Placement.trainee_id == trainee.id).limit(1)) is not None:
        raise DomainError(_l("The trainee already has a placement in this period."), field="starts_on")
    taken = db.session.scalar(select(func.count()).select_from(others.where(
        Placement.company_id == company.id).subquery())) or 0
    if taken >= company.intern_capacity:
        raise DomainError(_l("%(company)s cannot host more interns in this period (capacity %(n)s).",
                             company=company.name, n=company.intern_capacity), field="company_id")


def _lock(company: Company, trainee: User) -> tuple[Company, User]:
    company = db.session.scalars(select(Company).where(Company.id == company.id).with_for_update()).one()
    trainee = db.session.scalars(select(User).where(User.id == trainee.id).with_for_update()).one()
    return company, trainee


def _event(placement: Placement, previous: PlacementStatus | None, actor: User | None, reason: str | None) -> None:
    db.session.add(PlacementEvent(placement_id=placement.id, from_status=previous, to_status=placement.status,
                                  actor_id=actor.id if actor else None, reason=reason))
    record_event("placements.status_changed", actor=actor, obj=placement,
                 before={"status": previous} if previous else None,
                 after={"status": placement.status, "reason": reason})


#: What the trainee and the firm's mentors are told when a placement reaches a status.
STATUS_NOTICES = {PlacementStatus.PROPOSED: "placement.proposed", PlacementStatus.AGREED: "placement.agreed",
                  PlacementStatus.COMPLETED: "placement.completed", PlacementStatus.CANCELLED: "placement.cancelled"}


def _tell(placement: Placement) -> None:
    """The trainee and the mentors (the firm's and the named one) learn the placement's new status."""
    kind = STATUS_NOTICES.get(placement.status)
    if kind is None:
        return
    period = in_each_language(lambda language: format_interval(placement.starts_on, placement.ends_on, "yMMMd",
                                                               locale=language))
    params = {"placement": placement.id, "trainee": placement.trainee.full_name, "company": placement.company.name,
              "period": period, **({"reason": placement.cancel_reason} if placement.cancel_reason else {})}
    notify([placement.trainee, *firm_mentors(placement)], kind, params,
           link=path_for("placements.placement", placement_id=placement.id))


def create_placement(actor: User, trainee: User, company: Company, specialisation: Specialisation,
                     starts_on: date, ends_on: date, planned_hours: int, mentor: User | None = None,
                     offer: InternshipOffer | None = None) -> Placement:
    """Coordinators propose a placement; the rules are checked with the rows locked."""
    require_coordinator(actor)
    if planned_hours < 1:
        raise DomainError(_l("Planned hours must be at least 1."), field="planned_hours")
    if mentor is not None and company.id not in mentor_company_ids(mentor):
        raise DomainError(_l("The mentor must be one of the company's mentors."), field="mentor_id")
    company, trainee = _lock(company, trainee)
    check_placement(trainee, company, specialisation.id, starts_on, ends_on)
    placement = Placement(trainee=trainee, company=company, specialisation=specialisation, mentor=mentor,
                          offer=offer, starts_on=starts_on, ends_on=ends_on, planned_hours=planned_hours,
                          status=PlacementStatus.PROPOSED)
    db.session.add(placement)
    db.session.flush()
    _event(placement, None, actor, None)
    db.session.flush()
    _tell(placement)
    return placement


def transition(actor: User, placement: Placement, to: PlacementStatus, reason: str | None = None) -> None:
    """Move along the lifecycle: proposed → agreed → in progress → completed, or cancelled (with a reason)."""
    require_coordinator(actor)
    if to not in TRANSITIONS[placement.status]:
        raise DomainError(_l("A placement cannot go from “%(from)s” to “%(to)s”.", **{
            "from": STATUS_LABELS()[placement.status], "to": STATUS_LABELS()[to]}))
    if to == PlacementStatus.CANCELLED and not (reason or "").strip():
        raise DomainError(_l("Please give the reason for the cancellation."), field="reason")
    if to == PlacementStatus.COMPLETED:
        if evaluation_of(placement) is None:
            raise DomainError(_l("The mentor's evaluation is needed before the placement is completed."))
        pending = db.session.scalar(select(func.count()).select_from(LogbookEntry).where(
            LogbookEntry.placement_id == placement.id, LogbookEntry.status == EntryStatus.SUBMITTED))
        if pending:
            raise DomainError(_l("Some logbook days still wait for the mentor's confirmation."))
    previous = placement.status
    placement.status, placement.status_changed_at = to, utcnow()
    if to == PlacementStatus.CANCELLED:
        placement.cancel_reason = reason.strip()
    db.session.flush()
    _event(placement, previous, actor, (reason or "").strip() or None)
    db.session.flush()
    _tell(placement)


def evaluation_of(placement: Placement) -> Evaluation | None:
    return db.session.scalar(select(Evaluation).where(Evaluation.placement_id == placement.id))


# -- lists ---------------------------------------------------------------------------------------------------------
@dataclass
class PlacementFilter:
    status: str | None = None
    country_pair: str | None = None  # "PL-LT": trainee from PL at a LT company
    company_id: int | None = None
    specialisation_id: int | None = None


def filtered(criteria: PlacementFilter):
    Trainee = db.aliased(User)
    query = select(Placement).join(Trainee, Trainee.id == Placement.trainee_id) \
        .join(Company, Company.id == Placement.company_id)
    if criteria.status:
        query = query.where(Placement.status == PlacementStatus(criteria.status))
    if criteria.company_id:
        query = query.where(Placement.company_id == criteria.company_id)
    if criteria.specialisation_id:
        query = query.where(Placement.specialisation_id == criteria.specialisation_id)
    if criteria.country_pair and "-" in criteria.country_pair:
        home, host = criteria.country_pair.split("-", 1)
        query = query.where(Trainee.country == Country(home), Company.country == Country(host))
    return query.order_by(Placement.starts_on.desc(), Placement.id)


def counts(criteria: PlacementFilter) -> dict:
    Trainee = db.aliased(User)
    base = filtered(criteria).subquery()
    rows = db.session.execute(select(base.c.status, func.count(), func.sum(
        func.cast(Trainee.country != Company.country, db.Integer))).select_from(base)
        .join(Trainee, Trainee.id == base.c.trainee_id).join(Company, Company.id == base.c.company_id)
        .group_by(base.c.status)).all()
    by_status = {PlacementStatus(status): (n, cross or 0) for status, n, cross in rows}
    active = [s for s in by_status if s != PlacementStatus.CANCELLED]
    total = sum(by_status[s][0] for s in active)
    cross = sum(by_status[s][1] for s in active)
    return {"planned": sum(by_status.get(s, (0, 0))[0] for s in (PlacementStatus.PROPOSED, PlacementStatus.AGREED)),
            "ongoing": by_status.get(PlacementStatus.IN_PROGRESS, (0, 0))[0],
            "completed": by_status.get(PlacementStatus.COMPLETED, (0, 0))[0],
            "cancelled": by_status.get(PlacementStatus.CANCELLED, (0, 0))[0],
            "cross_border_share": cross / total if total else None}


def placements_for_mentor(user: User):
    companies = mentor_company_ids(user)
    return select(Placement).where(or_(Placement.mentor_id == user.id, Placement.company_id.in_(companies))) \
        .order_by(Placement.starts_on.desc())


# -- certificate ---------------------------------------------------------------------------------------------------
def issue_certificate(actor: User, placement: Placement) -> Certificate:
    """An internship certificate (verifiable at /verify/<code> like course certificates)."""
    require_coordinator(actor)
    if placement.status != PlacementStatus.COMPLETED:
        raise DomainError(_l("Certificates are issued for completed placements."))
    existing = certificates.valid_for_placement(placement.id)
    if existing is not None:
        return existing
    company = placement.company
    title = {lang: f"{company.name} ({company.city}, {company.country.value})" for lang in LANGUAGES}
    return certificates.issue(certificates.Facts(
        kind=CertificateKind.PLACEMENT, holder=placement.trainee, title=title,
        specialisation_title=placement.specialisation.title, hours=round(confirmed_hours(placement)),
        started_on=_noon(placement.starts_on), completed_at=_noon(placement.ends_on),
        placement_id=placement.id), actor=actor)


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), UTC)
