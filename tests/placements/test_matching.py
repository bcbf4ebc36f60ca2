"""The matching proposal (trainee-proposing deferred acceptance) and turning accepted matches into placements."""

import itertools
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.models import Country
from app.core.models import AuditEntry
from app.core.permissions import Role
from app.notifications.models import Notification
from app.placements.matching import Candidate, Seat, propose
from app.placements.models import Application, ApplicationChoice, Placement, PlacementStatus
from tests.factories import create_user
from tests.factories.catalogue import create_course
from tests.factories.enrolment import enrol
from tests.factories.placements import create_company, create_placement
from tests.placements.test_companies import make_offer

T0 = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)


def candidate(n, country, choices, minutes=0):
    return Candidate(application_id=n, user_id=100 + n, country=country, applied_at=T0 + timedelta(minutes=minutes),
                     choices=tuple(choices))


def test_everyone_gets_their_first_choice_when_places_suffice():
    seats = [Seat(1, "LT", 2), Seat(2, "PL", 1)]
    people = [candidate(1, "PL", [1]), candidate(2, "PL", [1, 2]), candidate(3, "LT", [2])]
    assert propose(people, seats) == {1: 1, 2: 1, 3: 2}


def test_an_oversubscribed_offer_prefers_cross_border_then_earlier_applications():
    seats = [Seat(1, "LT", 1), Seat(2, "LT", 1)]
    local_early = candidate(1, "LT", [1, 2], minutes=0)
    cross_late = candidate(2, "PL", [1], minutes=30)
    assert propose([local_early, cross_late], seats) == {1: 2, 2: 1}  # the local one moves to the second choice
    cross_early = candidate(3, "PL", [1], minutes=-10)
    assert propose([cross_late, cross_early], seats) == {3: 1, 2: None}


def test_a_full_tie_is_broken_by_the_user_number():
    seats = [Seat(1, "LT", 1)]
    a, b = candidate(1, "PL", [1]), candidate(2, "PL", [1])
    assert propose([b, a], seats) == {1: 1, 2: None}


def test_the_proposal_does_not_depend_on_the_input_order_and_is_stable():
    seats = [Seat(1, "LT", 1), Seat(2, "PL", 2), Seat(3, "LT", 1), Seat(4, "PL", 0)]
    people = [candidate(1, "PL", [1, 3, 2], 5), candidate(2, "LT", [2, 1], 1), candidate(3, "PL", [3, 1], 3),
              candidate(4, "LT", [1, 4, 2], 2), candidate(5, "PL", [4, 1], 4), candidate(6, "LT", [1, 3], 0)]
    results = {tuple(sorted(propose(list(order), seats).items())) for order in itertools.permutations(people)}
    assert len(results) == 1
    result = dict(results.pop())
    seat = {s.offer_id: s for s in seats}
    assert all(sum(1 for o in result.values() if o == s.offer_id) <= s.places for s in seats)
    rank = {p.application_id: {o: i for i, o in enumerate(p.choices)} for p in people}

    def priority(person, offer):
        return (person.country == seat[offer].country, person.applied_at, person.user_id)

    # Stability: no applicant prefers an offer that has a free place or holds someone it ranks lower.
    for person in people:
        current = result[person.application_id]
        for offer in person.choices:
            if current is not None and rank[person.application_id][offer] >= rank[person.application_id][current]:
                break
            if seat[offer].places == 0:
                continue
            holders = [p for p in people if result[p.application_id] == offer]
            assert len(holders) == seat[offer].places
            assert all(priority(h, offer) < priority(person, offer) for h in holders)


def test_the_coordinator_accepts_the_proposal_and_gets_placements(client, login, db):
    course = create_course(specialisation="cnc")
    pl_trainee, lt_trainee = create_user(country=Country.PL), create_user(country=Country.LT)
    for person in (pl_trainee, lt_trainee):
        enrol(person, course)
    mentor = create_user(Role.TRAINER)
    offer = make_offer(create_company(Country.LT, mentors=[mentor]), places=1)
    for person in (lt_trainee, pl_trainee):  # the local applicant applied first
        application = Application(user=person, motivation="I want to learn CNC turning in a real plant.")
        application.choices = [ApplicationChoice(offer=offer, rank=1)]
        db.session.add(application)
    db.session.commit()
    login(create_user(Role.COORDINATOR))
    applications = db.session.scalars(select(Application).order_by(Application.id)).all()
    html = client.get("/placements/matching").get_data(as_text=True)
    assert f'<option selected value="{offer.id}">' in html
    response = client.post_form("/placements/matching", {f"offer_{applications[0].id}": "0",
                                                         f"offer_{applications[1].id}": str(offer.id)})
    assert response.status_code == 303
    placement = db.session.scalar(select(Placement))
    assert (placement.trainee_id, placement.status, placement.mentor_id, placement.offer_id) == (
        pl_trainee.id, PlacementStatus.PROPOSED, mentor.id, offer.id)
    assert placement.is_cross_border
    db.session.expire_all()
    assert [a.status for a in db.session.scalars(select(Application).order_by(Application.id))] == ["open", "placed"]


def _apply(db, person, *offers, minutes=0):
    application = Application(user=person, motivation="I want to learn CNC turning in a real plant.",
                              created_at=T0 + timedelta(minutes=minutes))
    application.choices = [ApplicationChoice(offer=offer, rank=rank) for rank, offer in enumerate(offers, 1)]
    db.session.add(application)
    db.session.commit()
    return application


def _option(html, application, offer):
    match = re.search(rf'<select[^>]*name="offer_{application.id}".*?</select>', html, re.S)
    return re.search(rf'<option[^>]*value="{offer.id}"[^>]*>', match.group(0)).group(0)


@pytest.mark.parametrize("status", [PlacementStatus.PROPOSED, PlacementStatus.AGREED, PlacementStatus.IN_PROGRESS])
def test_the_proposal_leaves_out_an_offer_overlapping_a_placement_by_one_day(client, login, db, status):
    course = create_course(specialisation="cnc")
    busy, free = create_user(full_name="Jonas Jonaitis"), create_user()
    for person in (busy, free):
        enrol(person, course)
    company = create_company(Country.LT, capacity=5)
    march, april = make_offer(company, places=2), make_offer(create_company(Country.PL))
    april.starts_on, april.ends_on = date(2027, 4, 1), date(2027, 4, 20)
    db.session.commit()
    # The running placement ends on the offer's first day: dates count whole days, so they overlap.
    create_placement(busy, create_company(Country.PL), starts_on=date(2027, 2, 1), days=28, status=status)
    busy_application, free_application = _apply(db, busy, march, april), _apply(db, free, march, minutes=1)
    login(create_user(Role.COORDINATOR))
    html = client.get("/placements/matching").get_data(as_text=True)
    assert "selected" in _option(html, busy_application, april)  # the first choice that does not overlap
    assert "selected" not in _option(html, busy_application, march)
    assert "disabled" in _option(html, busy_application, march)
    assert "overlaps a placement of this trainee" in html
    assert "selected" in _option(html, free_application, march)


def test_a_cancelled_or_separate_placement_does_not_stop_the_proposal(client, login, db):
    course = create_course(specialisation="cnc")
    person, other = create_user(), create_user()
    enrol(person, course)
    enrol(other, course)
    offer = make_offer(create_company(Country.LT), places=2)
    create_placement(person, create_company(Country.PL), starts_on=date(2027, 2, 1), days=28,
                     status=PlacementStatus.CANCELLED)
    create_placement(other, create_company(Country.PL), starts_on=date(2027, 2, 1), days=27)  # ends the day before
    applications = _apply(db, person, offer), _apply(db, other, offer, minutes=1)
    login(create_user(Role.COORDINATOR))
    html = client.get("/placements/matching").get_data(as_text=True)
    assert all("selected" in _option(html, application, offer) for application in applications)


def test_the_proposal_fills_no_more_places_than_the_firm_can_still_host(client, login, db):
    course = create_course(specialisation="cnc")
    people = [create_user(), create_user(), create_user()]
    for person in people:
        enrol(person, course)
    company = create_company(Country.LT, capacity=2)
    offer = make_offer(company, places=3)
    create_placement(people[2], company, starts_on=date(2027, 3, 20), days=20)  # takes one of the two places
    first, second = _apply(db, people[0], offer), _apply(db, people[1], offer, minutes=1)
    login(create_user(Role.COORDINATOR))
    html = client.get("/placements/matching").get_data(as_text=True)
    assert "selected" in _option(html, first, offer)
    assert "selected" not in _option(html, second, offer)


def test_confirming_saves_the_valid_rows_and_names_each_refused_person_once(client, login, db):
    course = create_course(specialisation="cnc")
    first, busy, last = (create_user(full_name=name) for name in ("Ona Petraitė", "Jonas Jonaitis", "Ewa Nowak"))
    for person in (first, busy, last):
        enrol(person, course)
    mentor = create_user(Role.TRAINER)
    offer = make_offer(create_company(Country.LT, capacity=5, mentors=[mentor]), places=3)
    existing = create_placement(busy, create_company(Country.PL), starts_on=date(2027, 2, 1), days=28)
    applications = [_apply(db, person, offer, minutes=n) for n, person in enumerate((first, busy, last))]
    coordinator = create_user(Role.COORDINATOR)
    login(coordinator)
    # A stale page (or a crafted post) still asks for the overlapping pair.
    response = client.post_form("/placements/matching", {f"offer_{a.id}": str(offer.id) for a in applications})
    assert response.status_code == 303 and response.location.endswith("/placements/matching")
    db.session.expire_all()
    placements = db.session.scalars(select(Placement).order_by(Placement.id)).all()
    assert [(p.trainee_id, p.offer_id, p.status, p.mentor_id) for p in placements] == [
        (busy.id, None, PlacementStatus.PROPOSED, None),
        (first.id, offer.id, PlacementStatus.PROPOSED, mentor.id), (last.id, offer.id, PlacementStatus.PROPOSED,
                                                                    mentor.id)]
    assert [db.session.get(Application, a.id).status for a in applications] == ["placed", "open", "placed"]
    accepted = db.session.scalars(select(AuditEntry.object_id).where(AuditEntry.action == "placements.match_accepted")
                                  .order_by(AuditEntry.id)).all()
    assert accepted == [str(applications[0].id), str(applications[2].id)]
    created = db.session.scalars(select(AuditEntry.object_id).where(
        AuditEntry.action == "placements.status_changed", AuditEntry.object_type == "placements")).all()
    assert sorted(created) == sorted(str(p.id) for p in placements[1:])
    told = db.session.scalars(select(Notification.user_id).where(Notification.kind == "placement.proposed")).all()
    assert sorted(told) == sorted([first.id, last.id, mentor.id, mentor.id])
    assert busy.id not in told and db.session.scalars(select(Placement.id).where(
        Placement.trainee_id == busy.id)).all() == [existing.id]
    page = client.get(response.location).get_data(as_text=True)
    flashes = re.search(r'<div class="flashes".*?</div>', page, re.S).group(0)
    assert "2 placements proposed." in flashes
    assert "Jonas Jonaitis: The trainee already has a placement in this period." in flashes
    assert flashes.count("Jonas Jonaitis") == 1


def test_accepting_more_matches_than_the_firm_hosts_saves_the_first_and_refuses_the_rest(client, login, db):
    course = create_course(specialisation="cnc")
    people = [create_user(full_name="Ona Petraitė"), create_user(full_name="Ewa Nowak")]
    offer = make_offer(create_company(Country.LT, capacity=1, name="UAB Tekinimas"), places=2)
    for n, person in enumerate(people):
        enrol(person, course)
        _apply(db, person, offer, minutes=n)
    login(create_user(Role.COORDINATOR))
    ids = db.session.scalars(select(Application.id).order_by(Application.id)).all()
    response = client.post_form("/placements/matching", {f"offer_{i}": str(offer.id) for i in ids},
                                follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "1 placement proposed." in html
    assert "Ewa Nowak: UAB Tekinimas cannot host more interns in this period (capacity 1)." in html
    assert db.session.scalars(select(Placement.trainee_id)).all() == [people[0].id]
    db.session.expire_all()
    assert db.session.scalars(select(Application.status).order_by(Application.id)).all() == ["placed", "open"]


def test_refusals_are_shown_in_the_coordinators_language(client, login, db):
    course = create_course(specialisation="cnc")
    busy = create_user(full_name="Jonas Jonaitis")
    enrol(busy, course)
    offer = make_offer(create_company(Country.LT))
    create_placement(busy, create_company(Country.PL), starts_on=date(2027, 3, 26), days=10)  # the offer's last day
    application = _apply(db, busy, offer)
    login(create_user(Role.COORDINATOR, language="lt"))
    response = client.post_form("/placements/matching", {f"offer_{application.id}": str(offer.id)},
                                follow_redirects=True)
    flashes = re.search(r'<div class="flashes".*?</div>', response.get_data(as_text=True), re.S).group(0)
    assert "Jonas Jonaitis: " in flashes and flashes.count("Jonas Jonaitis") == 1
    assert "already has" not in flashes and "placement" not in flashes  # Lithuanian, not English
    assert db.session.scalar(select(func.count()).select_from(Placement)) == 1
