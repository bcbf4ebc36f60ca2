"""Registration under capacity with a waiting list: order, moving up with a notice, cancelling and registering
again, the deadline, cancelled events, and who may register."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core.db import utcnow
from app.core.errors import DomainError
from app.core.models import AuditEntry
from app.core.permissions import Role
from app.events import services
from app.events.models import EventRegistration, EventVisibility, RegistrationStatus
from app.notifications.models import Notification
from tests.events.helpers import create_event
from tests.factories import create_user


@pytest.fixture
def coordinator(db):
    return create_user(Role.COORDINATOR)


def kinds_of(db, user):
    return [n.kind for n in db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                               .order_by(Notification.id))]


def test_places_then_waiting_list_in_order_and_the_first_waiting_moves_up(db, coordinator):
    event = create_event(coordinator, capacity=2)
    people = [create_user() for _ in range(4)]
    statuses = [services.register(p, event).status for p in people]
    assert statuses == [RegistrationStatus.CONFIRMED] * 2 + [RegistrationStatus.WAITING] * 2
    assert [r.user_id for r in services.waiting_list(event)] == [people[2].id, people[3].id]
    assert services.waiting_position(services.registration_of(event, people[3])) == 2
    assert services.register(people[0], event).status == RegistrationStatus.CONFIRMED  # twice: nothing changes

    services.cancel_registration(people[1], services.registration_of(event, people[1]))
    assert services.registration_of(event, people[2]).status == RegistrationStatus.CONFIRMED
    assert services.registration_of(event, people[3]).status == RegistrationStatus.WAITING
    assert services.confirmed_count(event) == 2
    assert kinds_of(db, people[2]) == ["event.waiting", "event.moved_up"]
    assert kinds_of(db, people[3]) == ["event.waiting"]
    actions = list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("events.%"))
                                      .order_by(AuditEntry.id)))
    assert actions[-2:] == ["events.registration_cancelled", "events.moved_up"]


def test_registering_again_after_cancelling_goes_to_the_end_of_the_list(db, coordinator):
    event = create_event(coordinator, capacity=1)
    first, second, third = create_user(), create_user(), create_user()
    services.register(first, event)
    services.register(second, event, now=utcnow())
    services.cancel_registration(second, services.registration_of(event, second))
    services.register(third, event, now=utcnow() + timedelta(seconds=1))
    again = services.register(second, event, now=utcnow() + timedelta(seconds=2))
    assert again.status == RegistrationStatus.WAITING
    assert [r.user_id for r in services.waiting_list(event)] == [third.id, second.id]
    assert db.session.scalar(select(EventRegistration.id).where(EventRegistration.user_id == second.id)) == again.id


def test_unlimited_capacity_and_a_larger_capacity_moves_people_up(db, coordinator):
    event = create_event(coordinator, capacity=None)
    assert all(services.register(create_user(), event).status == RegistrationStatus.CONFIRMED for _ in range(3))
    small = create_event(coordinator, capacity=1)
    people = [create_user() for _ in range(3)]
    for person in people:
        services.register(person, small)
    small.meeting.capacity = 2
    moved = services.fill_free_places(small, coordinator)
    assert [r.user_id for r in moved] == [people[1].id]


def test_registration_closes_at_the_deadline_and_for_cancelled_events(db, coordinator):
    deadline = utcnow() + timedelta(days=1)
    event = create_event(coordinator, registration_deadline=deadline)
    with pytest.raises(DomainError, match="closed"):
        services.register(create_user(), event, now=deadline + timedelta(minutes=1))
    started = create_event(coordinator, starts_at=utcnow() - timedelta(minutes=5))
    with pytest.raises(DomainError, match="closed"):
        services.register(create_user(), started)
    registered, waiting = create_user(), create_user()
    small = create_event(coordinator, capacity=1)
    services.register(registered, small)
    services.register(waiting, small)
    assert services.cancel_event(coordinator, small, "Awaria autobusu") == 2
    assert kinds_of(db, registered)[-1] == kinds_of(db, waiting)[-1] == "event.cancelled"
    with pytest.raises(DomainError, match="cancelled"):
        services.register(create_user(), small)
    with pytest.raises(DomainError):
        services.cancel_event(create_user(), create_event(coordinator), "no")  # not an organiser


def test_members_only_events_are_for_people_of_the_cluster(db, coordinator):
    event = create_event(coordinator, visibility=EventVisibility.MEMBERS)
    outsider = create_user()
    with pytest.raises(DomainError, match="members only"):
        services.register(outsider, event)
    employed = create_user(company_name="x")
    from tests.factories.placements import create_company

    employed.employer_id = create_company().id
    assert services.register(employed, event).status == RegistrationStatus.CONFIRMED
    assert services.register(create_user(Role.TRAINER), event).status == RegistrationStatus.CONFIRMED
    assert event not in services.visible_events(outsider)
    assert event in services.visible_events(employed)


def test_only_the_person_or_an_organiser_cancels_a_registration(db, coordinator):
    event = create_event(coordinator)
    person = create_user()
    registration = services.register(person, event)
    with pytest.raises(DomainError, match="your own"):
        services.cancel_registration(create_user(), registration)
    services.cancel_registration(coordinator, registration)
    assert registration.status == RegistrationStatus.CANCELLED


def test_merging_accounts_moves_registrations(db, coordinator):
    from app.accounts.merging import merge_users

    first, second = create_event(coordinator), create_event(coordinator)
    old, kept = create_user(), create_user()
    services.register(old, first)
    services.register(old, second)
    services.register(kept, second)
    merge_users(old, kept, coordinator)
    assert services.registration_of(first, kept) is not None
    owners = set(db.session.scalars(select(EventRegistration.user_id).where(EventRegistration.event_id == second.id)))
    assert owners == {old.id, kept.id}  # the kept account's own registration wins; the other stays
