"""The request lifecycle. Services flush, never commit (the route's unit of work commits); every rule that says no
raises ``DomainError``. Accepting an offer locks the request row first (``SELECT ... FOR UPDATE`` on PostgreSQL), so
two acceptances at once cannot both win."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import User
from app.cooperation import policies
from app.cooperation.models import (
    FINAL,
    TRANSITIONS,
    Currency,
    OfferStatus,
    RequestEvent,
    RequestMessage,
    RequestOffer,
    RequestRating,
    RequestStatus,
    ServiceRequest,
    Visibility,
)
from app.core.audit import record_event
from app.core.db import utcnow
from app.core.errors import DomainError
from app.core.i18n import in_each_language
from app.core.urls import path_for
from app.extensions import db
from app.network.models import Capability, Company, CompanyMember, Material, Process


def STATUS_LABELS() -> dict[RequestStatus, str]:
    return {RequestStatus.OPEN: _l("Open for offers"), RequestStatus.AGREED: _l("Agreed"),
            RequestStatus.IN_PROGRESS: _l("In progress"), RequestStatus.DELIVERED: _l("Delivered"),
            RequestStatus.CLOSED: _l("Closed"), RequestStatus.CANCELLED: _l("Cancelled")}


def _refuse_if_final(request: ServiceRequest) -> None:
    if request.status in FINAL:
        raise DomainError(_l("This request is closed or cancelled and can no longer change."))


def _event(request: ServiceRequest, previous: RequestStatus | None, actor: User | None, note: str | None = None):
    db.session.add(RequestEvent(request_id=request.id, from_status=previous, to_status=request.status,
                                actor_id=actor.id if actor else None, note=note))
    record_event("cooperation.status_changed", actor=actor, obj=request,
                 before={"status": previous} if previous else None, after={"status": request.status, "note": note})


def people_of(company_ids: set[int]) -> list[User]:
    """Those who act for the members: contact people and confirmed managers."""
    if not company_ids:
        return []
    links = db.session.scalars(select(CompanyMember).where(CompanyMember.company_id.in_(company_ids)))
    return [link.user for link in links if link.is_contact or link.is_confirmed_manager]


def _link(request: ServiceRequest) -> str:
    return path_for("cooperation.detail", request_id=request.id)


# -- posting and matching -------------------------------------------------------------------------------------------
def create_request(actor: User, company: Company, *, title: str, description: str, process: Process,
                   materials: list[str] | None = None, quantity: int | None = None, unit: str | None = None,
                   max_thickness_mm: float | None = None, deadline: date | None = None,
                   delivery_place: str | None = None, cross_border: bool = True,
                   visibility: Visibility = Visibility.ALL, audience: list[Company] | None = None) -> ServiceRequest:
    """A member (or a coordinator on its behalf) posts a request; the matching members are told."""
    if not policies.is_coordinator(actor) and company.id not in policies.acts_for(actor):
        raise DomainError(_l("You do not act for this member."), field="company_id")
    if not (title or "").strip():
        raise DomainError(_l("Please give a title."), field="title")
    materials = [Material(m).value for m in (materials or [])]
    audience = [c for c in (audience or []) if c.id != company.id]
    if visibility == Visibility.ONE and len(audience) != 1:
        raise DomainError(_l("Choose exactly one member."), field="audience")
    if visibility == Visibility.CHOSEN and not audience:
        raise DomainError(_l("Choose at least one member."), field="audience")
    if deadline is not None and deadline < date.today():
        raise DomainError(_l("The deadline cannot be in the past."), field="deadline")
    request = ServiceRequest(company=company, title=title.strip(), description=(description or "").strip(),
                             process=Process(process), materials=materials, quantity=quantity,
                             unit=(unit or "").strip() or None, max_thickness_mm=max_thickness_mm,
                             deadline=deadline, delivery_place=(delivery_place or "").strip() or None,
                             cross_border=cross_border, visibility=visibility,
                             audience=audience if visibility != Visibility.ALL else [],
                             status=RequestStatus.OPEN, opened_at=utcnow(), created_by_id=actor.id)
    db.session.add(request)
    db.session.flush()
    _event(request, None, actor)
    record_event("cooperation.request_created", actor=actor, obj=request,
                 after={"company": company.id, "process": request.process, "visibility": request.visibility})
    notify_matching(request)
    return request


def capability_matches(capability: Capability, request: ServiceRequest) -> bool:
    """The process is the same; every requested material is listed; the thickness reaches the requested one."""
    if capability.process != request.process:
        return False
    if request.materials and not set(request.materials) <= set(capability.materials or []):
        return False
    return request.max_thickness_mm is None or (capability.max_thickness_mm is not None
                                                and capability.max_thickness_mm >= request.max_thickness_mm)


def matching_members(request: ServiceRequest) -> list[Company]:
    """Active members other than the requester, that may see the request, in the requester's country unless
    partners from across the border are welcome, with a capability that matches."""
    capable = select(Capability.company_id).where(Capability.process == request.process)
    query = select(Company).where(Company.is_active.is_(True), Company.id != request.company_id,
                                  Company.id.in_(capable))
    if not request.cross_border:
        query = query.where(Company.country == request.company.country)
    members = db.session.scalars(query.order_by(Company.id)).all()
    return [c for c in members if policies.in_audience(request, c.id)
            and any(capability_matches(cap, request) for cap in c.capabilities)]


def notify_matching(request: ServiceRequest) -> list[Company]:
    from app.notifications.services import notify

    members = matching_members(request)
    for member in members:
        notify(people_of({member.id}), "cooperation.request_matching",
               {"company": member.name, "title": request.title, "requester": request.company.name,
                "request": request.id}, link=_link(request), key=f"request-{request.id}-{member.id}")
    return members


# -- offers ---------------------------------------------------------------------------------------------------------
def make_offer(actor: User, request: ServiceRequest, company: Company, *, price: Decimal | None,
               currency: Currency, lead_time_days: int | None, note: str) -> RequestOffer:
    from app.notifications.services import notify

    _refuse_if_final(request)
    if company.id == request.company_id:
        raise DomainError(_l("A member cannot answer its own request."))
    if not policies.can_offer(actor, request, company.id):
        raise DomainError(_l("This member cannot answer this request (it is not open to it, or it has "
                             "answered already)."))
    if price is not None and price < 0:
        raise DomainError(_l("The price cannot be negative."), field="price")
    offer = RequestOffer(request=request, company_id=company.id, price=price, currency=Currency(currency),
                         lead_time_days=lead_time_days, note=(note or "").strip(), status=OfferStatus.SUBMITTED,
                         created_by_id=actor.id)
    db.session.add(offer)
    db.session.flush()
    record_event("cooperation.offer_made", actor=actor, obj=request,
                 after={"offer": offer.id, "company": company.id, "price": str(price) if price is not None else None,
                        "currency": offer.currency})
    notify(people_of({request.company_id}), "cooperation.offer_received",
           {"title": request.title, "offerer": company.name, "request": request.id}, link=_link(request))
    return offer


def _lock(request: ServiceRequest) -> ServiceRequest:
    db.session.scalars(select(ServiceRequest.id).where(ServiceRequest.id == request.id).with_for_update()).one()
    db.session.refresh(request)
    for offer in request.offers:
        db.session.refresh(offer)
    return request


def accept_offer(actor: User, offer: RequestOffer) -> None:
    """The requester accepts exactly one offer; the others are declined and the order is agreed."""
    from app.notifications.services import notify

    request = _lock(offer.request)
    _refuse_if_final(request)
    if not policies.is_requester(actor, request):
        raise DomainError(_l("Only the requesting member accepts offers."))
    if request.status != RequestStatus.OPEN or request.accepted_offer is not None:
        raise DomainError(_l("An offer has already been accepted for this request."))
    if offer.status != OfferStatus.SUBMITTED:
        raise DomainError(_l("This offer was withdrawn or declined."))
    offer.status = OfferStatus.ACCEPTED
    declined = [o for o in request.offers if o.id != offer.id and o.status == OfferStatus.SUBMITTED]
    for other in declined:
        other.status = OfferStatus.DECLINED
    previous, request.status = request.status, RequestStatus.AGREED
    db.session.flush()
    _event(request, previous, actor)
    record_event("cooperation.offer_accepted", actor=actor, obj=request,
                 after={"offer": offer.id, "company": offer.company_id})
    params = {"title": request.title, "requester": request.company.name, "offerer": offer.company.name,
              "request": request.id}
    notify(people_of({offer.company_id}), "cooperation.offer_accepted", params, link=_link(request))
    for other in declined:
        notify(people_of({other.company_id}), "cooperation.offer_declined", params, link=_link(request))


def withdraw_offer(actor: User, offer: RequestOffer) -> None:
    _refuse_if_final(offer.request)
    if offer.company_id not in policies.acts_for(actor) and not policies.is_coordinator(actor):
        raise DomainError(_l("Only the offering member withdraws its offer."))
    if offer.status != OfferStatus.SUBMITTED:
        raise DomainError(_l("Only an offer still waiting for a decision can be withdrawn."))
    offer.status = OfferStatus.WITHDRAWN
    db.session.flush()
    record_event("cooperation.offer_withdrawn", actor=actor, obj=offer.request, after={"offer": offer.id})


# -- the order's steps ----------------------------------------------------------------------------------------------
def transition(actor: User, request: ServiceRequest, to: RequestStatus, note: str | None = None) -> None:
    """agreed → in progress → delivered → closed, or cancelled; moved by the requester (or a coordinator), except
    that the supplier may also report the work in progress and delivered."""
    from app.notifications.services import notify

    _refuse_if_final(request)
    to = RequestStatus(to)
    if to not in TRANSITIONS[request.status]:
        labels = STATUS_LABELS()
        raise DomainError(_l("A request cannot go from “%(from)s” to “%(to)s”.",
                             **{"from": labels[request.status], "to": labels[to]}))
    supplier = request.accepted_offer.company_id if request.accepted_offer else None
    may = policies.is_requester(actor, request) or (
        to in (RequestStatus.IN_PROGRESS, RequestStatus.DELIVERED) and supplier in policies.acts_for(actor))
    if not may:
        raise DomainError(_l("You cannot move this request along."))
    previous, request.status = request.status, to
    db.session.flush()
    _event(request, previous, actor, (note or "").strip() or None)
    parties = {request.company_id, *([supplier] if supplier else [])}
    notify([u for u in people_of(parties) if u.id != actor.id], "cooperation.status",
           {"title": request.title, "status": in_each_language(lambda _lang: STATUS_LABELS()[to]),
            "request": request.id}, link=_link(request))


# -- thread and ratings ---------------------------------------------------------------------------------------------
def post_message(actor: User, offer: RequestOffer, body: str) -> RequestMessage:
    """A message in the thread between the requester and the offering member."""
    from app.notifications.services import notify

    request = offer.request
    _refuse_if_final(request)
    if not policies.can_see_offer(actor, offer):
        raise DomainError(_l("Only the two parties write in this thread."))
    if not (body or "").strip():
        raise DomainError(_l("Please write a message."), field="body")
    message = RequestMessage(request_id=request.id, company_id=offer.company_id, author_id=actor.id,
                             body=body.strip())
    db.session.add(message)
    db.session.flush()
    record_event("cooperation.message_posted", actor=actor, obj=request,
                 after={"message": message.id, "company": offer.company_id})
    notify([u for u in people_of({request.company_id, offer.company_id}) if u.id != actor.id],
           "cooperation.message", {"title": request.title, "author": actor.full_name, "request": request.id},
           link=_link(request))
    return message


def thread(offer: RequestOffer) -> list[RequestMessage]:
    return list(db.session.scalars(select(RequestMessage).where(
        RequestMessage.request_id == offer.request_id, RequestMessage.company_id == offer.company_id)
        .order_by(RequestMessage.id)))


def rate(actor: User, request: ServiceRequest, company_id: int, score: int, comment: str) -> RequestRating:
    """One side rates the cooperation once, when the order was delivered or closed."""
    if company_id not in policies.can_rate(actor, request):
        raise DomainError(_l("Ratings are given by the two parties once the order is delivered."))
    if not 1 <= int(score) <= 5:
        raise DomainError(_l("Give a score from 1 to 5."), field="score")
    if db.session.scalar(select(RequestRating.id).where(RequestRating.request_id == request.id,
                                                         RequestRating.company_id == company_id)):
        raise DomainError(_l("This member has already rated the cooperation."))
    rating = RequestRating(request_id=request.id, company_id=company_id, score=int(score),
                           comment=(comment or "").strip(), author_id=actor.id)
    db.session.add(rating)
    db.session.flush()
    record_event("cooperation.rated", actor=actor, obj=request, after={"company": company_id, "score": rating.score})
    return rating


def ratings(request: ServiceRequest) -> list[RequestRating]:
    return list(db.session.scalars(select(RequestRating).where(RequestRating.request_id == request.id)))


def visible_requests(user: User) -> tuple[list[ServiceRequest], list[ServiceRequest]]:
    """(open requests meant for my members, requests my members posted or answered); coordinators see all."""
    if policies.is_coordinator(user):
        everything = list(db.session.scalars(select(ServiceRequest).order_by(ServiceRequest.id.desc())))
        return [r for r in everything if r.status == RequestStatus.OPEN], everything
    mine = policies.acts_for(user)
    if not mine:
        return [], []
    open_ = list(db.session.scalars(policies.open_for(mine).order_by(ServiceRequest.id.desc())))
    answered = select(RequestOffer.request_id).where(RequestOffer.company_id.in_(mine))
    own = list(db.session.scalars(select(ServiceRequest).where(
        ServiceRequest.company_id.in_(mine) | ServiceRequest.id.in_(answered)).order_by(ServiceRequest.id.desc())))
    own_ids = {r.id for r in own}
    return [r for r in open_ if r.id not in own_ids], own


# -- a completed cooperation as a bulletin post ------------------------------------------------------------------
def post_from_request(actor: User, request: ServiceRequest):
    """A draft bulletin post (members only) about a delivered or closed order, in every language: what was done
    and between which members, country to country, and the mean rating when both sides rated. Never the price,
    the thread, the files or the comments: the coordinator reads and edits the draft before publishing it."""
    from app.bulletin.services import draft_post
    from app.core.i18n import COUNTRY_LABELS, format_number
    from app.core.translated import viewer_language
    from app.network.vocabulary import PROCESS_LABELS

    if not policies.is_coordinator(actor):
        raise DomainError(_l("Only coordinators turn a cooperation into a post."))
    if not policies.can_turn_into_post(actor, request) or request.accepted_offer is None:
        raise DomainError(_l("Only a delivered or closed order can be turned into a post."))
    requester, supplier = request.company, request.accepted_offer.company
    scores = {r.company_id: r.score for r in ratings(request)}
    both_rated = {requester.id, supplier.id} <= set(scores)

    def title(_language: str) -> str:
        return _("Completed cooperation: %(process)s", process=PROCESS_LABELS.get(request.process, request.process))

    def body(_language: str) -> str:
        text = str(_("%(supplier)s (%(supplier_country)s) carried out an order of %(requester)s "
                      "(%(requester_country)s): %(process)s — %(title)s.",
                      supplier=supplier.name, supplier_country=COUNTRY_LABELS[supplier.country.value],
                      requester=requester.name, requester_country=COUNTRY_LABELS[requester.country.value],
                      process=PROCESS_LABELS.get(request.process, request.process), title=request.title))
        if supplier.country != requester.country:
            text += " " + str(_("A cooperation across the border."))
        if both_rated:
            mean = (scores[requester.id] + scores[supplier.id]) / 2
            text += "\n\n" + str(_("Both sides rated the cooperation: %(score)s of 5 on average.",
                                      score=format_number(mean)))
        return text

    language = viewer_language()
    post = draft_post(actor, title=in_each_language(title), body=in_each_language(body),
                      source_language=language if language in ("pl", "lt", "en") else "en")
    record_event("cooperation.turned_into_post", actor=actor, obj=request, after={"post": post.id})
    return post
