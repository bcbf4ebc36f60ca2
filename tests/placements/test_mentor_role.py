"""Company mentors as their own kind of account: a MENTOR sees the catalogue, the directory, their interns, their
firm's offer form, notifications and profile, and nothing of trainers; a trainer who mentors keeps both."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import Invitation, User
from app.core.models import AuditEntry
from app.core.permissions import Role
from app.network.models import CompanyMember
from app.placements import logbook
from app.placements.models import EntryStatus, LogbookEntry, PlacementStatus
from tests.factories import create_user
from tests.factories.catalogue import create_course
from tests.factories.enrolment import enrol
from tests.factories.placements import create_company, create_mentor, create_placement

TRAINER_PAGES = ["/teach/", "/teach/courses/new", "/meetings/", "/manage/enrolments/", "/reports/",
                 "/reports/at-risk", "/reports/people"]


def nav_links(html: str) -> set[str]:
    """The paths the main menu links to (the menu's own items; notifications and profile are for everyone)."""
    menu = re.search(r'<nav class="main-nav".*?</nav>', html, re.S).group(0)
    return set(re.findall(r'<a href="([^"]+)"', menu))


@pytest.fixture
def firm(db):
    company = create_company()
    mentor = create_mentor(company, full_name="Marek Kowalczyk")
    intern = create_user(full_name="Łukasz Żółkiewski")
    placement = create_placement(intern, company, mentor=mentor, status=PlacementStatus.IN_PROGRESS,
                                 starts_on=date.today() - timedelta(days=5))
    return company, mentor, intern, placement


def test_a_mentor_account_is_refused_every_trainer_page(client, login, db, firm):
    _company, mentor, _intern, _placement = firm
    course = create_course()
    login(mentor)
    for path in [*TRAINER_PAGES, f"/courses/{course.id}/meetings/new", f"/teach/courses/{course.id}"]:
        assert client.get(path).status_code == 403, path
    assert client.post_form("/teach/courses/new", {"title_pl": "Kurs"}).status_code == 403
    for path in ("/mentor/interns", "/courses/", "/directory/", "/notifications/", "/profile", "/offers/new"):
        assert client.get(path).status_code == 200, path


def test_a_mentor_account_sees_only_mentor_items_in_the_menu(client, login, db, firm):
    _company, mentor, _intern, _placement = firm
    login(mentor)
    links = nav_links(client.get("/directory/").get_data(as_text=True))
    assert links == {"/courses/", "/directory/", "/mentor/interns", "/events/", "/bulletin/", "/notifications/",
                     "/profile"}


def test_a_trainer_who_mentors_keeps_both(client, login, db, firm):
    company, _mentor, _intern, _placement = firm
    foreman = create_mentor(company, role=Role.TRAINER)
    login(foreman)
    links = nav_links(client.get("/directory/").get_data(as_text=True))
    assert {"/teach/", "/meetings/", "/mentor/interns"} <= links
    for path in ("/teach/", "/meetings/", "/mentor/interns", "/manage/enrolments/"):
        assert client.get(path).status_code == 200, path


def test_the_meeting_trainer_choices_never_list_mentor_accounts(client, login, db, firm):
    _company, mentor, _intern, _placement = firm
    trainer, coordinator = create_user(Role.TRAINER, full_name="Piotr Trener"), create_user(Role.COORDINATOR)
    course = create_course(trainers=[trainer])
    login(coordinator)
    html = client.get(f"/courses/{course.id}/meetings/new").get_data(as_text=True)
    select_html = re.search(r'<select[^>]*name="trainer_id".*?</select>', html, re.S).group(0)
    values = set(re.findall(r'<option[^>]*value="(\d+)"', select_html))
    assert str(trainer.id) in values and str(coordinator.id) in values
    assert str(mentor.id) not in values and "Marek Kowalczyk" not in select_html


def test_a_mentor_account_reviews_its_interns_logbook(client, login, db, firm):
    _company, mentor, intern, placement = firm
    entry = logbook.save_entry(intern, placement, placement.starts_on, 8, "Spawanie MAG")
    db.session.commit()
    login(mentor)
    assert "Łukasz Żółkiewski" in client.get("/mentor/interns").get_data(as_text=True)
    assert client.get(f"/placements/{placement.id}").status_code == 200
    assert client.post_form(f"/logbook/{entry.id}/confirm", {}).status_code == 303
    db.session.expire_all()
    assert db.session.get(LogbookEntry, entry.id).status == EntryStatus.CONFIRMED


def test_a_mentor_account_without_a_firm_sees_no_interns(client, login, db):
    login(create_user(Role.MENTOR))
    assert client.get("/mentor/interns").status_code == 403
    assert client.get("/offers/new").status_code == 403
    assert "/mentor/interns" not in nav_links(client.get("/directory/").get_data(as_text=True))


# -- who becomes a MENTOR account ------------------------------------------------------------------------------------
def role_of(db, user) -> Role:
    db.session.expire_all()
    return db.session.get(User, user.id).role


def test_linking_a_trainee_who_neither_learns_nor_interns_makes_a_mentor(client, login, db):
    company, coordinator = create_company(), create_user(Role.COORDINATOR)
    newcomer, learner, intern, trainer = create_user(), create_user(), create_user(), create_user(Role.TRAINER)
    enrol(learner, create_course())
    create_placement(intern, create_company())
    login(coordinator)
    for person in (newcomer, learner, intern, trainer):
        assert client.post_form(f"/directory/{company.id}/mentors", {"email": person.email}).status_code == 303
    assert [role_of(db, p) for p in (newcomer, learner, intern, trainer)] == [
        Role.MENTOR, Role.TRAINEE, Role.TRAINEE, Role.TRAINER]
    linked = set(db.session.scalars(select(CompanyMember.user_id).where(CompanyMember.company_id == company.id)))
    assert linked == {newcomer.id, learner.id, intern.id, trainer.id}
    change = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "accounts.role_changed"))
    assert (change.actor_id, change.object_id, change.after) == (coordinator.id, str(newcomer.id),
                                                                 {"role": "mentor"})


def test_a_coordinator_invites_a_new_mentor_from_the_firms_page(client, login, db, sent_mail):
    company, coordinator = create_company(), create_user(Role.COORDINATOR)
    login(coordinator)
    response = client.post_form(f"/directory/{company.id}/mentors", {"email": "brigadininkas@example.com"},
                                follow_redirects=True)
    assert "enter the person&#39;s name" in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "brigadininkas@example.com")) is None
    assert len(sent_mail) == 0
    client.post_form(f"/directory/{company.id}/mentors", {"email": "Brigadininkas@example.com",
                                                          "full_name": "Jonas Brigadininkas", "language": "lt"})
    db.session.expire_all()
    person = db.session.scalar(select(User).where(User.email == "brigadininkas@example.com"))
    assert (person.role, person.language, person.country, person.password_hash) == (
        Role.MENTOR, "lt", company.country, None)
    assert db.session.scalar(select(CompanyMember).where(CompanyMember.user_id == person.id)).company_id == company.id
    assert db.session.scalar(select(Invitation).where(Invitation.user_id == person.id)) is not None
    assert [m["To"] for m in sent_mail] == ["brigadininkas@example.com"]


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.TRAINER, Role.MENTOR])
def test_only_coordinators_invite_mentors(client, login, db, role):
    company = create_company()
    login(create_mentor(company, role=role) if role != Role.TRAINEE else create_user())
    response = client.post_form(f"/directory/{company.id}/mentors", {"email": "x@example.com", "full_name": "X"})
    assert response.status_code == 403
    assert db.session.scalar(select(User).where(User.email == "x@example.com")) is None


def test_admins_invite_and_make_mentor_accounts(client, login, db):
    admin, person = create_user(Role.ADMIN), create_user(Role.TRAINER)
    login(admin)
    assert 'value="mentor"' in client.get("/admin/users/invite").get_data(as_text=True)
    response = client.post_form("/admin/users/invite", {"email": "opiekunka@example.com", "full_name": "Anna Opiekun",
                                                        "role": "mentor", "language": "pl", "country": "PL"})
    assert response.status_code == 303
    assert db.session.scalar(select(User.role).where(User.email == "opiekunka@example.com")) == Role.MENTOR
    client.post_form(f"/admin/users/{person.id}", {"role": "mentor", "is_active": "y"})
    assert role_of(db, person) == Role.MENTOR
