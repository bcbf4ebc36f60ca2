"""The logbook: the intern records days, the mentor confirms or returns them; confirmed hours count."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.core.errors import DomainError
from app.core.permissions import Role
from app.placements import logbook
from app.placements.models import EntryStatus, LogbookEntry, PlacementStatus
from tests.factories import create_user
from tests.factories.placements import create_company, create_placement


@pytest.fixture
def running(db):
    mentor, trainee = create_user(Role.TRAINER), create_user()
    company = create_company(mentors=[mentor])
    placement = create_placement(trainee, company, mentor=mentor, status=PlacementStatus.IN_PROGRESS,
                                 starts_on=date.today() - timedelta(days=10))
    return placement, trainee, mentor


def test_confirmed_days_count_and_returned_days_come_back_for_correction(db, running):
    placement, trainee, mentor = running
    first = logbook.save_entry(trainee, placement, placement.starts_on, 8, "Setting up the MAG torch")
    second = logbook.save_entry(trainee, placement, placement.starts_on + timedelta(days=1), 6.5, "Fillet welds")
    assert logbook.confirmed_hours(placement) == 0
    logbook.review_entry(mentor, first, True, None)
    logbook.review_entry(mentor, second, False, "Add the welding parameters")
    assert logbook.confirmed_hours(placement) == 8
    assert (second.status, second.mentor_comment) == (EntryStatus.RETURNED, "Add the welding parameters")
    logbook.save_entry(trainee, placement, second.day, 7, "Fillet welds, 22 V 180 A, wire 1.0 mm", second)
    assert second.status == EntryStatus.SUBMITTED
    logbook.review_entry(mentor, second, True, "")
    assert logbook.confirmed_hours(placement) == 15


def test_a_confirmed_day_cannot_be_changed_by_the_intern(db, running):
    placement, trainee, mentor = running
    entry = logbook.save_entry(trainee, placement, placement.starts_on, 8, "Setting up the MAG torch")
    logbook.review_entry(mentor, entry, True, None)
    with pytest.raises(DomainError, match="confirmed day cannot be changed"):
        logbook.save_entry(trainee, placement, entry.day, 12, "More hours", entry)
    with pytest.raises(DomainError, match="already in the logbook"):
        logbook.save_entry(trainee, placement, entry.day, 12, "The same day again")
    assert (entry.hours, entry.status) == (8, EntryStatus.CONFIRMED)


def test_a_confirmed_day_cannot_be_edited_over_http(client, login, db, running):
    placement, trainee, mentor = running
    entry = logbook.save_entry(trainee, placement, placement.starts_on, 8, "Setting up the MAG torch")
    logbook.review_entry(mentor, entry, True, None)
    db.session.commit()
    login(trainee)
    response = client.post_form(f"/logbook/{entry.id}", {"day": entry.day.isoformat(), "hours": "12",
                                                         "tasks": "More hours than real"})
    assert response.status_code == 422
    assert "A confirmed day cannot be changed." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(LogbookEntry, entry.id).hours == 8


@pytest.mark.parametrize(("offset", "hours", "tasks", "message"), [
    (-1, 8, "Welding", "within the placement period"),
    (11, 8, "Welding", "future"),
    (0, 13, "Welding", "between 0.5 and 12"),
    (0, 8, "", "Describe the tasks"),
])
def test_bad_days_are_refused(db, running, offset, hours, tasks, message):
    placement, trainee, _ = running
    with pytest.raises(DomainError, match=message):
        logbook.save_entry(trainee, placement, placement.starts_on + timedelta(days=offset), hours, tasks)
    assert db.session.scalar(select(LogbookEntry)) is None


def test_the_logbook_is_closed_before_agreement_and_after_completion(db, running):
    placement, trainee, _ = running
    for status in (PlacementStatus.PROPOSED, PlacementStatus.COMPLETED, PlacementStatus.CANCELLED):
        placement.status = status
        with pytest.raises(DomainError, match="logbook is open"):
            logbook.save_entry(trainee, placement, placement.starts_on, 8, "Welding")


def test_only_the_intern_writes_and_only_the_mentor_reviews(db, running):
    placement, trainee, mentor = running
    with pytest.raises(DomainError, match="Only the intern"):
        logbook.save_entry(mentor, placement, placement.starts_on, 8, "Written by the mentor")
    entry = logbook.save_entry(trainee, placement, placement.starts_on, 8, "Setting up the MAG torch")
    other_mentor = create_user(Role.TRAINER)
    create_company(mentors=[other_mentor])
    for outsider in (trainee, other_mentor, create_user(Role.TRAINER)):
        with pytest.raises(DomainError, match="Only the intern's mentor"):
            logbook.review_entry(outsider, entry, True, None)
    with pytest.raises(DomainError, match="Say what should be corrected"):
        logbook.review_entry(mentor, entry, False, " ")
    logbook.review_entry(mentor, entry, True, None)
    with pytest.raises(DomainError, match="already been reviewed"):
        logbook.review_entry(mentor, entry, False, "Changed my mind")


def test_review_over_http_by_mentor_and_refused_to_another_firms_mentor(client, login, db, running):
    placement, trainee, mentor = running
    entry = logbook.save_entry(trainee, placement, placement.starts_on, 8, "Setting up the MAG torch")
    db.session.commit()
    other_mentor = create_user(Role.TRAINER)
    create_company(mentors=[other_mentor])
    login(other_mentor)
    assert client.post_form(f"/logbook/{entry.id}/confirm", {}).status_code == 403
    db.session.expire_all()
    assert db.session.get(LogbookEntry, entry.id).status == EntryStatus.SUBMITTED
    login(mentor)
    response = client.post_form(f"/logbook/{entry.id}/return", {"comment": ""}, follow_redirects=True)
    assert "Say what should be corrected." in response.get_data(as_text=True)
    client.post_form(f"/logbook/{entry.id}/confirm", {})
    db.session.expire_all()
    assert db.session.get(LogbookEntry, entry.id).status == EntryStatus.CONFIRMED
