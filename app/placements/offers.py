"""Internship offers, trainees' applications, and matching applications to offers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.accounts.models import User
from app.catalogue.models import Specialisation
from app.core.audit import audit_changes, record_event
from app.core.errors import DomainError
from app.core.translated import pick
from app.extensions import db
from app.network.models import Company
from app.placements.lifecycle import clashing_offers, create_placement, taken_places
from app.placements.matching import Candidate, Seat, propose
from app.placements.mentors import require_coordinator
from app.placements.models import (
    ACTIVE,
    Application,
    ApplicationChoice,
    ApplicationStatus,
    InternshipOffer,
    OfferStatus,
    Placement,
)
from app.placements.policies import can_apply, can_publish_offer, is_enrolled_in_specialisation


def _texts(texts: dict) -> dict:
    return {k: v.strip() for k, v in texts.items() if v and v.strip()}


def _offer_snapshot(offer: InternshipOffer) -> dict:
    return {"company": offer.company.id, "specialisation": offer.specialisation.id, "title": dict(offer.title or {}),
            "description": dict(offer.description or {}), "starts_on": offer.starts_on, "ends_on": offer.ends_on,
            "places": offer.places, "working_language": offer.working_language, "location": offer.location,
            "planned_hours": offer.planned_hours}


def save_offer(actor: User, offer: InternshipOffer | None, company: Company, specialisation: Specialisation,
               title: dict, description: dict, starts_on: date, ends_on: date, places: int, working_language: str,
               location: str | None, planned_hours: int) -> InternshipOffer:
    """Publish or edit an offer of a firm the actor may publish for."""
    if not can_publish_offer(actor, company):
        raise DomainError(_l("Offers are published by coordinators or the company's mentors."))
    if ends_on <= starts_on:
        raise DomainError(_l("The end must be after the start."), field="ends_on")
    if places < 1:
        raise DomainError(_l("An offer needs at least one place."), field="places")
    if not _texts(title):
        raise DomainError(_l("Give the offer a title."), field="title_en")
    created = offer is None
    before = {} if offer is None else _offer_snapshot(offer)
    offer = offer or InternshipOffer(created_by_id=actor.id)
    offer.company, offer.specialisation = company, specialisation
    offer.title, offer.description = _texts(title), _texts(description)
    offer.starts_on, offer.ends_on, offer.places = starts_on, ends_on, places
    offer.working_language, offer.location, offer.planned_hours = working_language, location, planned_hours
    db.session.add(offer)
    db.session.flush()
    old, new = audit_changes(before, _offer_snapshot(offer), texts=("description",))
    if created:
        record_event("placements.offer_created", actor=actor, obj=offer, after=new)
    elif new:
        record_event("placements.offer_updated", actor=actor, obj=offer, before=old, after=new)
    return offer


def open_offers() -> list[InternshipOffer]:
    return list(db.session.scalars(select(InternshipOffer).where(InternshipOffer.status == OfferStatus.OPEN)
                                   .order_by(InternshipOffer.starts_on)))


def apply(user: User, offer_ids: list[int], motivation: str) -> Application:
    """A trainee applies with up to three offers, best first (a new application replaces the open one)."""
    if not can_apply(user):
        raise DomainError(_l("Only trainees apply for internships."))
    field_of = {o: name for name, o in zip(("first", "second", "third"), offer_ids, strict=False) if o}
    offer_ids = [o for o in offer_ids if o]
    if not offer_ids or len(offer_ids) > 3 or len(set(offer_ids)) != len(offer_ids):
        raise DomainError(_l("Choose one to three different offers."), field="first")
    if not motivation or len(motivation.strip()) < 20:
        raise DomainError(_l("Write a few sentences of motivation (at least 20 characters)."), field="motivation")
    offers = {o.id: o for o in db.session.scalars(select(InternshipOffer).where(InternshipOffer.id.in_(offer_ids)))}
    for offer_id in offer_ids:
        offer = offers.get(offer_id)
        if offer is None or offer.status != OfferStatus.OPEN:
            raise DomainError(_l("One of the chosen offers is not open."), field="first")
        if not is_enrolled_in_specialisation(user, offer.specialisation_id):
            raise DomainError(_l("You can only apply for internships of a specialisation you are enrolled in."),
                              field="first")
    busy = {offer_id for _trainee, offer_id in clashing_offers([user.id], offer_ids)}
    for offer_id in offer_ids:
        if offer_id in busy:
            raise DomainError(_l("“%(offer)s” overlaps a placement you already have; choose an offer in another "
                                 "period.", offer=pick(offers[offer_id].title)), field=field_of.get(offer_id, "first"))
    replaced = list(db.session.scalars(select(Application).where(Application.user_id == user.id,
                                                                 Application.status == ApplicationStatus.OPEN)))
    for old in replaced:
        old.status = ApplicationStatus.REPLACED
    application = Application(user=user, motivation=motivation.strip())
    application.choices = [ApplicationChoice(offer_id=o, rank=rank) for rank, o in enumerate(offer_ids, 1)]
    db.session.add(application)
    db.session.flush()
    # The motivation is the trainee's own text (blanked by an erasure): the trail keeps only its length.
    record_event("placements.application_sent", actor=user, obj=application,
                 after={"offers": offer_ids, "motivation_length": len(application.motivation),
                        "replaces": [old.id for old in replaced]})
    for old in replaced:
        record_event("placements.application_replaced", actor=user, obj=old, before={"status": ApplicationStatus.OPEN},
                     after={"status": ApplicationStatus.REPLACED, "replaced_by": application.id})
    return application


@dataclass
class Proposal:
    applications: list[Application]
    proposed: dict[int, int | None]  # application id -> offer id
    offers: dict[int, InternshipOffer]  # the open offers
    clashes: set[tuple[int, int]]  # (application id, offer id): the offer overlaps a placement of the applicant


def proposal() -> Proposal:
    """The matching proposal for all open applications over the open offers' remaining places.

    Nothing is proposed that accepting would refuse for what is already there: an applicant's choices leave out the
    offers overlapping one of their active placements, and an offer's places are capped by what its firm can still
    host in the offer's period (two overlapping offers of one firm may still together exceed it)."""
    applications = list(db.session.scalars(select(Application).where(Application.status == ApplicationStatus.OPEN)
                                           .order_by(Application.created_at, Application.id)))
    offers = {o.id: o for o in open_offers()}
    used = dict(db.session.execute(select(Placement.offer_id, func.count()).where(
        Placement.offer_id.in_(list(offers)), Placement.status.in_(ACTIVE)).group_by(Placement.offer_id)).all())
    taken = taken_places(list(offers))
    seats = [Seat(o.id, o.company.country.value, max(0, min(o.places - used.get(o.id, 0),
                                                            o.company.intern_capacity - taken.get(o.id, 0))))
             for o in offers.values()]
    busy = clashing_offers({a.user_id for a in applications}, list(offers))
    clashes = {(a.id, c.offer_id) for a in applications for c in a.choices if (a.user_id, c.offer_id) in busy}
    candidates = [Candidate(a.id, a.user_id, a.user.country.value, a.created_at,
                            tuple(c.offer_id for c in a.choices if (a.id, c.offer_id) not in clashes))
                  for a in applications]
    return Proposal(applications, propose(candidates, seats), offers, clashes)


@dataclass
class Accepted:
    placements: list[Placement] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)  # one message per refused row, naming the person once


def accept_matches(actor: User, pairs: list[tuple[int, int]]) -> Accepted:
    """Turn the accepted (application, offer) pairs into proposed placements. Each row is its own savepoint: a row
    that breaks a rule (an overlap, the firm's capacity) is refused and leaves no trace; the others are created
    (with their audit entries and notices) and commit with the request."""
    require_coordinator(actor)
    outcome = Accepted()
    for application_id, offer_id in pairs:
        application, offer = db.session.get(Application, application_id), db.session.get(InternshipOffer, offer_id)
        if application is None or offer is None or application.status != ApplicationStatus.OPEN:
            outcome.refusals.append(str(_l("The proposal is out of date; reload the page.")))
            continue
        name = application.user.full_name
        try:
            with db.session.begin_nested():
                outcome.placements.append(_accept(actor, application, offer))
        except DomainError as error:
            outcome.refusals.append(str(_l("%(name)s: %(problem)s", name=name, problem=error.message)))
    return outcome


def _accept(actor: User, application: Application, offer: InternshipOffer) -> Placement:
    mentor = next((m.user for m in offer.company.members if m.is_mentor), None)
    placement = create_placement(actor, application.user, offer.company, offer.specialisation, offer.starts_on,
                                 offer.ends_on, offer.planned_hours, mentor, offer)
    application.status = ApplicationStatus.PLACED
    # create_placement recorded the placement itself; this entry ties it to the application and offer.
    record_event("placements.match_accepted", actor=actor, obj=application, before={"status": ApplicationStatus.OPEN},
                 after={"status": ApplicationStatus.PLACED, "offer": offer.id, "placement": placement.id})
    db.session.flush()
    return placement
