"""The placement lifecycle and the rules every active placement obeys: dates, enrolment, overlap, capacity."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import Country
from app.core.errors import DomainError
from app.core.models import AuditEntry
from app.core.permissions import Role
from app.enrolment.models import EnrolmentStatus
from app.placements import lifecycle, logbook
from app.placements.models import EntryStatus, Evaluation, LogbookEntry, Placement, PlacementStatus
from tests.factories import create_user
from tests.factories.catalogue import create_course, get_specialisation
from tests.factories.enrolment import enrol
from tests.factories.placements import create_company, create_placement

START = date(2027, 3, 1)


@pytest.fixture
def people(db):
    coordinator = create_user(Role.COORDINATOR)
    trainee = create_user(full_name="Łukasz Żółkiewski", country=Country.PL)
    enrol(trainee, create_course(specialisation="welding"))
    return coordinator, trainee


def propose(coordinator, trainee, company, starts_on=START, days=27, spec="welding"):
    placement = lifecycle.create_placement(coordinator, trainee, company, get_specialisation(spec), starts_on,
                                          starts_on + timedelta(days=days), 160)
    return placement


def test_the_whole_lifecycle_is_recorded_step_by_step(db, people):
    coordinator, trainee = people
    mentor = create_user(Role.TRAINER)
    company = create_company(Country.LT, specialisations=("welding",), mentors=[mentor])
    placement = propose(coordinator, trainee, company)
    db.session.commit()
    assert placement.status == PlacementStatus.PROPOSED
    lifecycle.transition(coordinator, placement, PlacementStatus.AGREED)
    lifecycle.transition(coordinator, placement, PlacementStatus.IN_PROGRESS)
    db.session.add(Evaluation(placement_id=placement.id, mentor_id=mentor.id, ratings={}))
    lifecycle.transition(coordinator, placement, PlacementStatus.COMPLETED)
    db.session.commit()
    assert [(e.from_status, e.to_status) for e in placement.events] == [
        (None, "proposed"), ("proposed", "agreed"), ("agreed", "in_progress"), ("in_progress", "completed")]
    audited = db.session.scalars(select(AuditEntry.after).where(AuditEntry.action == "placements.status_changed",
                                                                AuditEntry.object_id == str(placement.id))
                                .order_by(AuditEntry.id)).all()
    assert [a["status"] for a in audited] == ["proposed", "agreed", "in_progress", "completed"]


@pytest.mark.parametrize(("path", "refused"), [
    ([], PlacementStatus.IN_PROGRESS),
    ([], PlacementStatus.COMPLETED),
    ([PlacementStatus.AGREED], PlacementStatus.COMPLETED),
    ([PlacementStatus.AGREED], PlacementStatus.PROPOSED),
    ([PlacementStatus.CANCELLED], PlacementStatus.AGREED),
])
def test_moves_outside_the_lifecycle_are_refused(db, people, path, refused):
    coordinator, trainee = people
    placement = propose(coordinator, trainee, create_company(specialisations=("welding",)))
    for status in path:
        lifecycle.transition(coordinator, placement, status, reason="the firm closed the line")
    with pytest.raises(DomainError, match="cannot go from"):
        lifecycle.transition(coordinator, placement, refused)
    assert placement.status == (path[-1] if path else PlacementStatus.PROPOSED)


def test_a_cancellation_needs_a_reason_and_frees_the_period(db, people):
    coordinator, trainee = people
    company = create_company(capacity=1, specialisations=("welding",))
    placement = propose(coordinator, trainee, company)
    with pytest.raises(DomainError, match="reason"):
        lifecycle.transition(coordinator, placement, PlacementStatus.CANCELLED, reason="  ")
    lifecycle.transition(coordinator, placement, PlacementStatus.CANCELLED, reason="Trainee fell ill")
    assert placement.cancel_reason == "Trainee fell ill"
    again = propose(coordinator, trainee, company)  # the cancelled one no longer occupies trainee or place
    assert again.id != placement.id


def test_completion_needs_the_evaluation_and_no_pending_days(db, people):
    coordinator, trainee = people
    mentor = create_user(Role.TRAINER)
    company = create_company(specialisations=("welding",), mentors=[mentor])
    placement = create_placement(trainee, company, specialisation="welding", status=PlacementStatus.IN_PROGRESS)
    with pytest.raises(DomainError, match="evaluation"):
        lifecycle.transition(coordinator, placement, PlacementStatus.COMPLETED)
    logbook.save_evaluation(mentor, placement, dict.fromkeys(logbook.COMPETENCES, 4), "Good")
    db.session.add(LogbookEntry(placement_id=placement.id, day=placement.starts_on, hours=8, tasks="Welding",
                                status=EntryStatus.SUBMITTED))
    db.session.flush()
    with pytest.raises(DomainError, match="wait for the mentor"):
        lifecycle.transition(coordinator, placement, PlacementStatus.COMPLETED)
    logbook.review_entry(mentor, placement.logbook[0], True, None)
    lifecycle.transition(coordinator, placement, PlacementStatus.COMPLETED)
    assert placement.status == PlacementStatus.COMPLETED


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.TRAINER])
def test_only_coordinators_create_and_move_placements(db, people, role):
    coordinator, trainee = people
    company = create_company(specialisations=("welding",))
    actor = create_user(role)
    with pytest.raises(DomainError, match="Only coordinators"):
        propose(actor, trainee, company)
    placement = propose(coordinator, trainee, company)
    with pytest.raises(DomainError, match="Only coordinators"):
        lifecycle.transition(actor, placement, PlacementStatus.AGREED)
    assert placement.status == PlacementStatus.PROPOSED


def test_end_must_follow_start(db, people):
    coordinator, trainee = people
    with pytest.raises(DomainError, match="end must be after the start") as error:
        propose(coordinator, trainee, create_company(specialisations=("welding",)), days=0)
    assert error.value.field == "ends_on"


def test_only_trainees_enrolled_in_the_specialisation(db, people):
    coordinator, trainee = people
    company = create_company(specialisations=("cnc", "welding"))
    with pytest.raises(DomainError, match="not enrolled in a course of this specialisation"):
        propose(coordinator, trainee, company, spec="cnc")
    withdrawn = create_user()
    enrol(withdrawn, create_course(specialisation="welding"), EnrolmentStatus.WITHDRAWN)
    with pytest.raises(DomainError, match="not enrolled"):
        propose(coordinator, withdrawn, company)
    assert db.session.scalar(select(Placement)) is None


def test_one_trainee_cannot_be_in_two_places_at_once(db, people):
    coordinator, trainee = people
    first, second = (create_company(specialisations=("welding",)) for _ in range(2))
    propose(coordinator, trainee, first, starts_on=START, days=27)
    with pytest.raises(DomainError, match="already has a placement in this period"):
        propose(coordinator, trainee, second, starts_on=START + timedelta(days=27), days=10)  # touches the last day
    later = propose(coordinator, trainee, second, starts_on=START + timedelta(days=28), days=10)
    assert later.status == PlacementStatus.PROPOSED


def test_the_company_capacity_holds_for_overlapping_periods(db, people):
    coordinator, first = people
    company = create_company(capacity=1, specialisations=("welding",))
    second = create_user()
    enrol(second, create_course(specialisation="welding"))
    propose(coordinator, first, company)
    with pytest.raises(DomainError, match="cannot host more interns in this period") as error:
        propose(coordinator, second, company, starts_on=START + timedelta(days=10))
    assert error.value.field == "company_id"
    assert propose(coordinator, second, company, starts_on=START + timedelta(days=40)).id  # a later period fits
    company.intern_capacity = 0
    third = create_user()
    enrol(third, create_course(specialisation="welding"))
    with pytest.raises(DomainError, match="capacity 0"):
        propose(coordinator, third, company, starts_on=START + timedelta(days=200))


@pytest.mark.parametrize(("trainee_country", "company_country", "cross"), [
    (Country.PL, Country.LT, True), (Country.LT, Country.PL, True),
    (Country.PL, Country.PL, False), (Country.LT, Country.LT, False)])
def test_cross_border_is_derived_from_the_two_countries(db, trainee_country, company_country, cross):
    trainee = create_user(country=trainee_country)
    placement = create_placement(trainee, create_company(company_country))
    assert placement.is_cross_border is cross
    trainee.country = company_country  # the person moved: nothing typed to correct
    assert placement.is_cross_border is False


def test_register_counts_and_country_pair_filter(db):
    pl, lt = create_company(Country.PL), create_company(Country.LT)
    people = [create_user(country=c) for c in (Country.PL, Country.PL, Country.LT, Country.LT, Country.PL)]
    create_placement(people[0], lt, status=PlacementStatus.COMPLETED)  # PL→LT
    create_placement(people[1], lt, status=PlacementStatus.IN_PROGRESS)  # PL→LT
    create_placement(people[2], pl, status=PlacementStatus.AGREED)  # LT→PL
    create_placement(people[3], lt, status=PlacementStatus.PROPOSED)  # LT→LT
    create_placement(people[4], lt, status=PlacementStatus.CANCELLED)  # PL→LT, cancelled: not in the share
    counts = lifecycle.counts(lifecycle.PlacementFilter())
    assert counts == {"planned": 2, "ongoing": 1, "completed": 1, "cancelled": 1, "cross_border_share": 0.75}
    pl_to_lt = db.session.scalars(lifecycle.filtered(lifecycle.PlacementFilter(country_pair="PL-LT"))).all()
    assert {p.trainee_id for p in pl_to_lt} == {people[0].id, people[1].id, people[4].id}
    assert lifecycle.counts(lifecycle.PlacementFilter(country_pair="LT-LT"))["cross_border_share"] == 0
    assert lifecycle.counts(lifecycle.PlacementFilter(status="completed"))["completed"] == 1
