"""The request lifecycle and its refusals, on the services (no HTTP)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.accounts.models import Country
from app.cooperation import policies, services
from app.cooperation.models import Currency, OfferStatus, RequestEvent, RequestStatus, Visibility
from app.core.errors import DomainError
from app.core.permissions import Role
from app.extensions import db as _db
from app.network.models import Process
from app.notifications.models import Notification
from tests.cooperation.world import add_manager, member
from tests.factories.accounts import create_user


def post(actor, company, **fields):
    values = {"title": "Laser-cut brackets", "description": "200 pcs", "process": Process.LASER_CUTTING,
              "materials": ["steel"], "max_thickness_mm": 5.0, "deadline": date.today() + timedelta(days=30)}
    values.update(fields)
    request = services.create_request(actor, company, **values)
    _db.session.commit()
    return request


def offer(actor, request, company, price="100.00"):
    made = services.make_offer(actor, request, company, price=Decimal(price), currency=Currency.EUR,
                               lead_time_days=10, note="")
    _db.session.commit()
    return made


def told(kind: str) -> set[int]:
    return {n.user_id for n in _db.session.query(Notification).filter_by(kind=kind)}


def test_acts_for_contact_and_confirmed_managers_only(db):
    company, contact = member(Country.LT)
    manager, unconfirmed = add_manager(company), add_manager(company, confirmed=False)
    assert policies.acts_for(contact) == {company.id}
    assert policies.acts_for(manager) == {company.id}
    assert policies.acts_for(unconfirmed) == set()
    assert policies.acts_for(create_user()) == set()


def test_full_lifecycle_with_history_and_ratings(db):
    lt, lt_contact = member(Country.LT)
    pl, pl_contact = member(Country.PL)
    request = post(lt_contact, lt)
    made = offer(pl_contact, request, pl)
    assert lt_contact.id in told("cooperation.offer_received")
    services.accept_offer(lt_contact, made)
    services.transition(pl_contact, request, RequestStatus.IN_PROGRESS)  # the supplier reports progress
    services.transition(pl_contact, request, RequestStatus.DELIVERED)
    services.rate(lt_contact, request, lt.id, 5, "Great")
    services.rate(pl_contact, request, pl.id, 4, "")
    services.transition(lt_contact, request, RequestStatus.CLOSED)
    _db.session.commit()
    steps = [(e.from_status, e.to_status, e.actor_id) for e in
             _db.session.query(RequestEvent).filter_by(request_id=request.id).order_by(RequestEvent.id)]
    assert steps == [(None, RequestStatus.OPEN, lt_contact.id),
                     (RequestStatus.OPEN, RequestStatus.AGREED, lt_contact.id),
                     (RequestStatus.AGREED, RequestStatus.IN_PROGRESS, pl_contact.id),
                     (RequestStatus.IN_PROGRESS, RequestStatus.DELIVERED, pl_contact.id),
                     (RequestStatus.DELIVERED, RequestStatus.CLOSED, lt_contact.id)]
    assert made.status == OfferStatus.ACCEPTED
    with pytest.raises(DomainError):  # rated once per side
        services.rate(lt_contact, request, lt.id, 3, "")


def test_accepting_a_second_offer_is_refused(db):
    lt, lt_contact = member(Country.LT)
    pl, pl_contact = member(Country.PL)
    pl2, pl2_contact = member(Country.PL)
    request = post(lt_contact, lt)
    first, second = offer(pl_contact, request, pl), offer(pl2_contact, request, pl2)
    services.accept_offer(lt_contact, first)
    _db.session.commit()
    assert second.status == OfferStatus.DECLINED
    with pytest.raises(DomainError):
        services.accept_offer(lt_contact, second)
    assert pl2_contact.id in told("cooperation.offer_declined")


def test_a_member_cannot_answer_its_own_request_nor_offer_twice(db):
    lt, lt_contact = member(Country.LT)
    pl, pl_contact = member(Country.PL)
    request = post(lt_contact, lt)
    with pytest.raises(DomainError):
        services.make_offer(lt_contact, request, lt, price=None, currency=Currency.EUR, lead_time_days=None, note="")
    offer(pl_contact, request, pl)
    with pytest.raises(DomainError):
        offer(pl_contact, request, pl)


def test_only_the_requester_accepts_and_outsiders_cannot_offer(db):
    lt, lt_contact = member(Country.LT)
    pl, pl_contact = member(Country.PL)
    other, other_contact = member(Country.PL)
    request = post(lt_contact, lt, visibility=Visibility.ONE, audience=[pl])
    with pytest.raises(DomainError):  # not meant for this member
        offer(other_contact, request, other)
    made = offer(pl_contact, request, pl)
    with pytest.raises(DomainError):
        services.accept_offer(pl_contact, made)
    assert not policies.can_see_request(other_contact, request)


def test_a_closed_or_cancelled_request_cannot_change(db):
    lt, lt_contact = member(Country.LT)
    pl, pl_contact = member(Country.PL)
    request = post(lt_contact, lt)
    made = offer(pl_contact, request, pl)
    services.transition(lt_contact, request, RequestStatus.CANCELLED, "No longer needed")
    _db.session.commit()
    for attempt in (lambda: services.accept_offer(lt_contact, made),
                    lambda: services.post_message(pl_contact, made, "Still there?"),
                    lambda: services.transition(lt_contact, request, RequestStatus.AGREED),
                    lambda: services.withdraw_offer(pl_contact, made)):
        with pytest.raises(DomainError, match="closed or cancelled"):
            attempt()


def test_threads_are_for_the_two_parties_and_coordinators(db):
    lt, lt_contact = member(Country.LT)
    pl, pl_contact = member(Country.PL)
    pl2, pl2_contact = member(Country.PL)
    request = post(lt_contact, lt)
    made = offer(pl_contact, request, pl)
    offer(pl2_contact, request, pl2)
    assert policies.can_see_offer(lt_contact, made) and policies.can_see_offer(pl_contact, made)
    assert policies.can_see_offer(create_user(Role.COORDINATOR), made)
    assert not policies.can_see_offer(pl2_contact, made)
    with pytest.raises(DomainError):
        services.post_message(pl2_contact, made, "Let me see")
    services.post_message(pl_contact, made, "Which steel grade?")
    assert lt_contact.id in told("cooperation.message")


def test_matching_notifies_exactly_the_right_people(db):
    lt, lt_contact = member(Country.LT, process=Process.WELDING_TIG)
    lt_manager, lt_unconfirmed = add_manager(lt), add_manager(lt, confirmed=False)
    pl_laser, pl_contact = member(Country.PL, materials=("steel", "aluminium"), thickness=20.0)
    pl_manager = add_manager(pl_laser)
    _lt_laser, lt_laser_contact = member(Country.LT, thickness=6.0)
    _thin, thin_contact = member(Country.PL, thickness=2.0)  # too thin
    _alu, alu_contact = member(Country.PL, materials=("aluminium",))  # no steel
    _weld, weld_contact = member(Country.PL, process=Process.WELDING_TIG)  # another process
    # The requester itself can laser-cut too: never told about its own request.
    from app.network.models import Capability
    _db.session.add(Capability(company_id=lt.id, process=Process.LASER_CUTTING, materials=["steel"],
                               max_thickness_mm=50.0))
    _db.session.commit()

    request = post(lt_contact, lt, max_thickness_mm=5.0)
    assert told("cooperation.request_matching") == {pl_contact.id, pl_manager.id, lt_laser_contact.id}

    local = post(lt_contact, lt, cross_border=False, title="Local only")
    assert {n.user_id for n in _db.session.query(Notification).filter_by(kind="cooperation.request_matching")
            if n.params["request"] == local.id} == {lt_laser_contact.id}

    chosen = post(lt_contact, lt, visibility=Visibility.CHOSEN, audience=[pl_laser], title="Chosen")
    assert {n.user_id for n in _db.session.query(Notification).filter_by(kind="cooperation.request_matching")
            if n.params["request"] == chosen.id} == {pl_contact.id, pl_manager.id}
    assert request.status == RequestStatus.OPEN
    for nobody in (lt_unconfirmed, lt_manager, thin_contact, alu_contact, weld_contact, lt_contact):
        assert nobody.id not in told("cooperation.request_matching")
