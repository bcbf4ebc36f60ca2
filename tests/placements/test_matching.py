"""The matching proposal (trainee-proposing deferred acceptance) and turning accepted matches into placements."""

import itertools
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.accounts.models import Country
from app.core.permissions import Role
from app.placements.matching import Candidate, Seat, propose
from app.placements.models import Application, ApplicationChoice, Placement, PlacementStatus
from tests.factories import create_user
from tests.factories.catalogue import create_course
from tests.factories.enrolment import enrol
from tests.factories.placements import create_company
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


def test_accepting_more_matches_than_places_changes_nothing(client, login, db):
    course = create_course(specialisation="cnc")
    people = [create_user(), create_user()]
    offer = make_offer(create_company(Country.LT, capacity=1), places=2)  # the firm itself takes only one
    for person in people:
        enrol(person, course)
        application = Application(user=person, motivation="I want to learn CNC turning in a real plant.")
        application.choices = [ApplicationChoice(offer=offer, rank=1)]
        db.session.add(application)
    db.session.commit()
    login(create_user(Role.COORDINATOR))
    ids = db.session.scalars(select(Application.id)).all()
    response = client.post_form("/placements/matching", {f"offer_{i}": str(offer.id) for i in ids},
                                follow_redirects=True)
    assert "cannot host more interns in this period" in response.get_data(as_text=True)
    assert db.session.scalar(select(Placement)) is None
    assert set(db.session.scalars(select(Application.status))) == {"open"}
