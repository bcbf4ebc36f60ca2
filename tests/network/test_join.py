"""Getting a contact person: coordinators invite one (or link an account); craftspeople and firms register
themselves when the site setting allows, as MENTOR accounts keeping a new, unpublished member."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.core.permissions import Role
from app.core.settings import DIRECTORY_REGISTRATION, set_setting
from app.network.models import Company, CompanyMember, MemberKind
from tests.factories import create_user
from tests.factories.placements import create_company, valid_nip


def join_form(**overrides) -> dict:
    data = {"member_kind": "craftsperson", "member_name": "Kalvystė Jono", "member_country": "LT",
            "member_city": "Alytus", "registration_number": "", "email": "jonas.kalvis@example.com",
            "full_name": "Jonas Kalvis", "country": "LT", "language": "lt", "timezone": "Europe/Vilnius",
            "password": "kalvis-kala-2026", "confirm": "kalvis-kala-2026", "consent": "y"}
    data.update(overrides)
    return data


@pytest.fixture
def open_directory(db):
    set_setting(DIRECTORY_REGISTRATION, True, None)
    db.session.commit()


def test_registration_is_refused_when_the_setting_is_off(client, db):
    page = client.get("/directory/join")
    assert page.status_code == 404 and "cannot register themselves" in page.get_data(as_text=True)
    assert client.post_form("/directory/join", join_form()).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(User).where(
        User.email == "jonas.kalvis@example.com")) == 0


def test_a_craftsperson_registers_without_a_registration_number(client, db, open_directory):
    assert client.get("/directory/join").status_code == 200
    response = client.post_form("/directory/join", join_form())
    assert response.status_code == 303
    company = db.session.scalar(select(Company).where(Company.name == "Kalvystė Jono"))
    assert response.location.endswith(f"/directory/{company.id}/entry")
    assert company.kind == MemberKind.CRAFTSPERSON and company.registration_number is None
    assert not company.is_published
    user = db.session.scalar(select(User).where(User.email == "jonas.kalvis@example.com"))
    assert user.role == Role.MENTOR and user.consent_version and user.employer_id == company.id
    link = db.session.scalar(select(CompanyMember).where(CompanyMember.user_id == user.id))
    assert link.is_contact and not link.is_mentor
    # Logged in at once, they complete the entry; the public does not see the member yet.
    assert client.get(f"/directory/{company.id}/entry").status_code == 200
    assert client.get(f"/directory/{company.id}").status_code == 200
    client.post_form("/logout")
    assert client.get(f"/directory/{company.id}").status_code == 404
    assert "Kalvystė Jono" not in client.get("/directory/").get_data(as_text=True)


@pytest.mark.parametrize(("overrides", "message"), [
    ({"member_kind": "firm"}, "enter the registration number"),
    ({"member_kind": "firm", "member_country": "PL", "registration_number": "5260250275"}, "not a valid Polish NIP"),
    ({"consent": ""}, "agree to the privacy notice"),
    ({"password": "short", "confirm": "short"}, "at least"),
    ({"member_name": ""}, "enter the member"),
    ({"member_kind": "guild"}, "Not a valid choice"),
])
def test_bad_registrations_say_why_and_create_nothing(client, db, open_directory, overrides, message):
    response = client.post_form("/directory/join", join_form(**overrides))
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(User).where(
        User.email == "jonas.kalvis@example.com")) == 0


def test_a_firm_already_in_the_directory_is_not_registered_twice(client, db, open_directory):
    existing = create_company()
    response = client.post_form("/directory/join", join_form(member_kind="firm",
                                                             registration_number=existing.registration_number))
    assert response.status_code == 422 and "already in the directory" in response.get_data(as_text=True)
    create_user(email="taken@example.com")
    response = client.post_form("/directory/join", join_form(email="taken@example.com", member_country="PL",
                                                             registration_number=valid_nip(77)))
    assert response.status_code == 422 and "already exists" in response.get_data(as_text=True)


def test_a_coordinator_invites_a_contact_person(client, login, db, sent_mail):
    company = create_company()
    login(create_user(Role.COORDINATOR))
    assert client.get(f"/directory/{company.id}/contacts").status_code == 200
    response = client.post_form(f"/directory/{company.id}/contacts", {
        "email": "ona@example.com", "full_name": "Ona Petraitė", "language": "lt"})
    assert response.status_code == 303
    user = db.session.scalar(select(User).where(User.email == "ona@example.com"))
    assert user.role == Role.MENTOR and user.employer_id == company.id and user.password_hash is None
    assert db.session.scalar(select(CompanyMember.is_contact).where(CompanyMember.user_id == user.id))
    assert [mail["To"] for mail in sent_mail] == ["ona@example.com"]
    # An existing account is linked at once; a name is needed only to invite.
    trainer = create_user(Role.TRAINER)
    assert client.post_form(f"/directory/{company.id}/contacts", {"email": trainer.email,
                                                                  "language": "en"}).status_code == 303
    assert db.session.scalar(select(CompanyMember.is_contact).where(CompanyMember.user_id == trainer.id))
    assert db.session.get(User, trainer.id).role == Role.TRAINER  # the link gives the rights, not the role
    refused = client.post_form(f"/directory/{company.id}/contacts", {"email": "nobody@example.com",
                                                                     "language": "en"})
    assert refused.status_code == 422 and "enter the person" in refused.get_data(as_text=True)
