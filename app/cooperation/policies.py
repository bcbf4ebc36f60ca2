"""Who may act in the cooperation exchange. A member acts through its contact person and its confirmed managers;
coordinators act on behalf of any member and see everything. Requests, offers, files and threads are seen only by
the parties (and coordinators): a member that may answer a request sees the request, not the others' offers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.cooperation.models import FINAL, RequestOffer, RequestStatus, ServiceRequest, Visibility
from app.core.permissions import Role, has_role
from app.core.userfacts import user_fact
from app.extensions import db
from app.network.models import CompanyMember
from app.network.policies import ACTS_FOR_A_MEMBER


def is_coordinator(user: Any) -> bool:
    return has_role(user, Role.COORDINATOR)


def acts_for(user: Any) -> set[int]:
    """The members ``user`` acts for: as the contact person or a confirmed manager."""
    if not getattr(user, "is_authenticated", False):
        return set()
    links = db.session.scalars(select(CompanyMember).where(CompanyMember.user_id == user.id))
    return {link.company_id for link in links if link.is_contact or link.is_confirmed_manager}


def can_use(user: Any) -> bool:
    """The exchange is for people who act for a member, and for coordinators."""
    return is_coordinator(user) or user_fact(user, ACTS_FOR_A_MEMBER)  # acts_for(user), loaded with the user


def is_requester(user: Any, request: ServiceRequest) -> bool:
    return is_coordinator(user) or request.company_id in acts_for(user)


def in_audience(request: ServiceRequest, company_id: int) -> bool:
    """Whether the member ``company_id`` is among those the request is meant for (not the requester itself)."""
    if company_id == request.company_id:
        return False
    if request.visibility == Visibility.ALL:
        return True
    return company_id in {c.id for c in request.audience}


def offerer_ids(user: Any, request: ServiceRequest) -> set[int]:
    """The members ``user`` acts for that have answered ``request``."""
    mine = acts_for(user)
    return {o.company_id for o in request.offers if o.company_id in mine}


def can_see_request(user: Any, request: ServiceRequest) -> bool:
    """The requester, coordinators, members who answered, and (while open) the members it is meant for."""
    if is_requester(user, request) or offerer_ids(user, request):
        return True
    return request.status == RequestStatus.OPEN and any(in_audience(request, c) for c in acts_for(user))


def can_offer(user: Any, request: ServiceRequest, company_id: int) -> bool:
    """A member it is meant for answers an open request once; never the requester itself."""
    return (request.status == RequestStatus.OPEN and company_id in acts_for(user)
            and in_audience(request, company_id)
            and not any(o.company_id == company_id for o in request.offers))


def can_see_offer(user: Any, offer: RequestOffer) -> bool:
    """An offer (its price, files and thread) is seen by the requester, the offering member and coordinators."""
    return is_requester(user, offer.request) or offer.company_id in acts_for(user)


def can_manage(user: Any, request: ServiceRequest) -> bool:
    """The requester accepts offers, moves the order along and cancels it, until it is closed or cancelled."""
    return request.status not in FINAL and is_requester(user, request)


def can_rate(user: Any, request: ServiceRequest) -> set[int]:
    """The parties ``user`` may rate for (both sides rate once delivered or closed)."""
    if request.status not in (RequestStatus.DELIVERED, RequestStatus.CLOSED) or request.accepted_offer is None:
        return set()
    parties = {request.company_id, request.accepted_offer.company_id}
    return parties if is_coordinator(user) else parties & acts_for(user)


def can_turn_into_post(user: Any, request: ServiceRequest) -> bool:
    """Coordinators turn a completed cooperation (delivered or closed) into a draft bulletin post."""
    return is_coordinator(user) and request.status in (RequestStatus.DELIVERED, RequestStatus.CLOSED)


def can_see_figures(user: Any) -> bool:
    return is_coordinator(user)


def open_for(company_ids: set[int]):
    """Open requests meant for any of ``company_ids`` (query; the visibility rule in SQL)."""
    from sqlalchemy import exists, or_

    from app.cooperation.models import request_audience

    return select(ServiceRequest).where(
        ServiceRequest.status == RequestStatus.OPEN, ServiceRequest.company_id.not_in(company_ids),
        or_(ServiceRequest.visibility == Visibility.ALL,
            exists().where(request_audience.c.request_id == ServiceRequest.id,
                           request_audience.c.company_id.in_(company_ids))))
