"""The mentor's evaluation, closing the placement, and the internship certificate."""

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.accounts.models import Country
from app.certificates.models import Certificate
from app.core.permissions import Role
from app.placements.models import EntryStatus, Evaluation, LogbookEntry, Placement, PlacementStatus
from tests.factories import create_user
from tests.factories.placements import create_company, create_placement

RATINGS = {"rating_safety": "5", "rating_technical_skills": "4", "rating_quality": "4", "rating_teamwork": "5",
           "rating_communication": "3", "rating_independence": "4"}


@pytest.fixture
def running(db):
    mentor = create_user(Role.TRAINER)
    trainee = create_user(full_name="Gražina Šimkutė", country=Country.LT)
    company = create_company(Country.PL, name="Metal-Tech Suwałki Sp. z o.o.", mentors=[mentor],
                             specialisations=("welding",))
    placement = create_placement(trainee, company, mentor=mentor, specialisation="welding",
                                 status=PlacementStatus.IN_PROGRESS, starts_on=date.today() - timedelta(days=20))
    for offset in range(3):
        db.session.add(LogbookEntry(placement_id=placement.id, day=placement.starts_on + timedelta(days=offset),
                                    hours=8, tasks="MAG welding", status=EntryStatus.CONFIRMED))
    db.session.commit()
    return placement, mentor, trainee


def test_the_mentor_evaluates_and_the_coordinator_completes_and_certifies(client, login, db, running):
    placement, mentor, trainee = running
    login(mentor)
    assert client.post_form(f"/placements/{placement.id}/evaluation", {**RATINGS, "rating_safety": "9"}) \
        .status_code == 422
    assert client.post_form(f"/placements/{placement.id}/evaluation",
                            {**RATINGS, "comment": "Careful welder."}).status_code == 303
    evaluation = db.session.scalar(select(Evaluation))
    assert evaluation.ratings["safety"] == 5 and evaluation.comment == "Careful welder."
    coordinator = create_user(Role.COORDINATOR)
    login(coordinator)
    client.post_form(f"/placements/{placement.id}/status", {"st-status": "completed"})
    db.session.expire_all()
    assert db.session.get(Placement, placement.id).status == PlacementStatus.COMPLETED
    client.post_form(f"/placements/{placement.id}/certificate", {})
    certificate = db.session.scalar(select(Certificate))
    assert (certificate.kind, certificate.placement_id, certificate.hours) == ("placement", placement.id, 24)
    client.post_form(f"/placements/{placement.id}/certificate", {})  # a second click issues no second one
    assert len(db.session.scalars(select(Certificate)).all()) == 1

    login(trainee)
    pdf = client.get(f"/learning/certificates/{certificate.code}.pdf")
    assert pdf.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Gražina Šimkutė" in text and "Metal-Tech Suwałki" in text and "24" in text
    verify = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "Gražina Šimkutė" in verify


@pytest.mark.parametrize("who", ["trainee", "other_mentor", "trainer"])
def test_only_the_firms_mentor_evaluates(client, login, db, running, who):
    placement, _, trainee = running
    other_mentor = create_user(Role.TRAINER)
    create_company(mentors=[other_mentor])
    person = {"trainee": trainee, "other_mentor": other_mentor, "trainer": create_user(Role.TRAINER)}[who]
    login(person)
    assert client.post_form(f"/placements/{placement.id}/evaluation", RATINGS).status_code == 403
    assert db.session.scalar(select(Evaluation)) is None


def test_only_coordinators_change_status_and_issue_certificates(client, login, db, running):
    placement, mentor, trainee = running
    for person in (mentor, trainee):
        login(person)
        assert client.post_form(f"/placements/{placement.id}/status", {"st-status": "cancelled",
                                                                       "st-reason": "no"}).status_code == 403
        assert client.post_form(f"/placements/{placement.id}/certificate", {}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Placement, placement.id).status == PlacementStatus.IN_PROGRESS
    assert db.session.scalar(select(Certificate)) is None


def test_no_certificate_before_completion(client, login, db, running):
    placement, _, _ = running
    login(create_user(Role.COORDINATOR))
    response = client.post_form(f"/placements/{placement.id}/certificate", {}, follow_redirects=True)
    assert "Certificates are issued for completed placements." in response.get_data(as_text=True)
    assert db.session.scalar(select(Certificate)) is None
