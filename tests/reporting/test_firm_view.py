"""The firm view: a firm's managers, once a coordinator confirmed them, see the training of the firm's own staff
(hand-counted here) and nothing about another firm's people; the contact person invites them."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import Country, User
from app.core.db import utcnow
from app.core.errors import DomainError
from app.core.models import AuditEntry
from app.core.permissions import Role
from app.extensions import db as _db
from app.network import managers
from app.network.models import CompanyMember
from app.network.policies import can_see_staff, manager_company_ids
from app.notifications.models import Notification
from app.placements.models import PlacementStatus
from app.reporting import firm
from app.training.models import Attendance, AttendanceMethod, AttendanceStatus
from tests.factories import create_user
from tests.factories.catalogue import create_course
from tests.factories.enrolment import enrol
from tests.factories.placements import create_company, create_placement
from tests.factories.training import create_meeting


def confirmed_manager(company, **fields):
    user = create_user(Role.MENTOR, **fields)
    _db.session.add(CompanyMember(company_id=company.id, user_id=user.id, is_mentor=False, is_manager=True,
                                  manager_confirmed_at=utcnow()))
    _db.session.commit()
    return user


@pytest.fixture
def firms(db):
    """Firm A (Polish) with two employees and a confirmed manager; firm B (Lithuanian) with one employee."""
    a, b = create_company(Country.PL, name="Metal-Tech"), create_company(Country.LT, name="UAB Lazeriai")
    anna = create_user(Role.TRAINEE, full_name="Anna Kowalska", employer_id=a.id)
    piotr = create_user(Role.TRAINEE, full_name="Piotr Nowak", employer_id=a.id)
    jonas = create_user(Role.TRAINEE, full_name="Jonas Jonaitis", employer_id=b.id, country=Country.LT)
    course, other = create_course(), create_course()
    enrol(anna, course).completed_at = utcnow()
    enrol(anna, other)
    enrol(piotr, course)
    enrol(jonas, course)
    held = [create_meeting(course, starts_at=utcnow() - timedelta(days=d)) for d in (9, 8)]
    for person, meeting, status in ((anna, held[0], AttendanceStatus.PRESENT), (anna, held[1], AttendanceStatus.LATE),
                                    (piotr, held[0], AttendanceStatus.ABSENT)):  # piotr: no record for held[1]
        _db.session.add(Attendance(session_id=meeting.id, user_id=person.id, status=status,
                                   method=AttendanceMethod.ROSTER))
    create_placement(jonas, a, status=PlacementStatus.COMPLETED)  # hosted by A, an employee of B
    create_placement(anna, b, status=PlacementStatus.AGREED)
    _db.session.commit()
    return {"a": a, "b": b, "anna": anna, "piotr": piotr, "jonas": jonas, "manager_a": confirmed_manager(a),
            "manager_b": confirmed_manager(b)}


def test_the_staff_table_counts_by_hand(firms):
    lines = {line.name: line for line in firm.staff(firms["a"])}
    assert set(lines) == {"Anna Kowalska", "Piotr Nowak"}  # Jonas interned at A but works for B
    anna, piotr = lines["Anna Kowalska"], lines["Piotr Nowak"]
    assert (anna.courses, anna.completed, anna.attendance_rate, anna.internships) == (2, 1, 1.0, 1)
    assert (piotr.courses, piotr.completed, piotr.attendance_rate, piotr.internships) == (1, 0, 0.0, 0)
    assert [p.trainee for p in firm.hosted_placements(firms["a"])] == ["Jonas Jonaitis"]


def test_a_manager_sees_their_firm_and_its_people(client, login, firms):
    login(firms["manager_a"])
    a = firms["a"]
    page = client.get(f"/firm/{a.id}/")
    assert page.status_code == 200 and "Anna Kowalska" in page.text and "Jonas Jonaitis" in page.text
    assert client.get("/firm/").headers["Location"].endswith(f"/firm/{a.id}/")
    person = client.get(f"/firm/{a.id}/people/{firms['anna'].id}")
    assert person.status_code == 200 and firms["anna"].email not in person.text
    export = client.get(f"/firm/{a.id}/export.csv")
    assert export.status_code == 200 and "Anna Kowalska" in export.text and "Jonas" not in export.text
    entry = _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "reporting.exported"))
    assert entry.actor_id == firms["manager_a"].id and entry.object_id == str(a.id)
    assert client.get(f"/firm/{a.id}/export.xlsx").data[:2] == b"PK"


def test_a_manager_of_one_firm_is_refused_everything_about_another_firms_people(client, login, firms):
    login(firms["manager_a"])
    a, b, jonas = firms["a"], firms["b"], firms["jonas"]
    for url in (f"/firm/{b.id}/", f"/firm/{b.id}/people/{jonas.id}", f"/firm/{b.id}/export.csv",
                f"/firm/{b.id}/export.xlsx", f"/firm/{a.id}/people/{jonas.id}",
                f"/firm/{b.id}/people/{firms['anna'].id}"):
        assert client.get(url).status_code == 403, url


def test_unconfirmed_managers_trainees_and_anonymous_visitors_see_nothing(client, login, firms):
    a = firms["a"]
    waiting = create_user(Role.MENTOR)
    _db.session.add(CompanyMember(company_id=a.id, user_id=waiting.id, is_mentor=False, is_manager=True))
    _db.session.commit()
    assert not can_see_staff(waiting, a) and manager_company_ids(waiting) == set()
    assert client.get(f"/firm/{a.id}/").status_code == 302  # to the login page
    for user in (waiting, firms["anna"], create_user(Role.TRAINER)):
        login(user)
        assert client.get(f"/firm/{a.id}/").status_code == 403
        assert client.get(f"/firm/{a.id}/export.csv").status_code == 403
    login(create_user(Role.COORDINATOR))
    assert client.get(f"/firm/{a.id}/").status_code == 200
    assert client.get(f"/firm/{firms['b'].id}/people/{firms['jonas'].id}").status_code == 200


def test_the_contact_person_invites_a_manager_and_a_coordinator_confirms(client, login, firms, sent_mail):
    a = firms["a"]
    contact = create_user(Role.MENTOR)
    _db.session.add(CompanyMember(company_id=a.id, user_id=contact.id, is_mentor=False, is_contact=True))
    coordinator = create_user(Role.COORDINATOR)
    existing = create_user(Role.TRAINEE, full_name="Ewa Manager")
    _db.session.commit()
    login(contact)
    assert "Invite a manager" in client.get(f"/directory/{a.id}").text
    client.post_form(f"/directory/{a.id}/managers", {"email": existing.email, "language": "pl"})
    link = _db.session.scalar(select(CompanyMember).where(CompanyMember.user_id == existing.id))
    assert link.is_manager and link.manager_confirmed_at is None and not can_see_staff(existing, a)
    assert _db.session.scalar(select(Notification).where(Notification.user_id == coordinator.id,
                                                         Notification.kind == "network.manager_waiting"))
    # a new person gets an account and an invitation mail
    client.post_form(f"/directory/{a.id}/managers", {"email": "nowy@example.com", "full_name": "Jan Nowy",
                                                     "language": "pl"})
    newcomer = _db.session.scalar(select(User).where(User.email == "nowy@example.com"))
    assert newcomer.employer_id == a.id and newcomer.role == Role.MENTOR
    assert any(m["To"] == "nowy@example.com" for m in sent_mail)
    # the contact person cannot confirm
    assert client.post_form(f"/directory/{a.id}/managers/{link.id}/confirm").status_code == 403
    login(coordinator)
    client.post_form(f"/directory/{a.id}/managers/{link.id}/confirm")
    _db.session.expire_all()
    assert can_see_staff(existing, a)
    assert _db.session.scalar(select(Notification).where(Notification.user_id == existing.id,
                                                         Notification.kind == "network.manager_confirmed"))
    # a link of firm A is not found under firm B's address
    assert client.post_form(f"/directory/{firms['b'].id}/managers/{link.id}/remove").status_code == 404


def test_only_the_contact_person_and_coordinators_invite_and_remove(firms):
    a = firms["a"]
    with pytest.raises(DomainError):
        managers.invite_manager(firms["anna"], a, "x@example.com", "X")
    with pytest.raises(DomainError):  # a manager does not invite further managers
        managers.invite_manager(firms["manager_a"], a, "x@example.com", "X")
    coordinator = create_user(Role.COORDINATOR)
    link, invitation = managers.invite_manager(coordinator, a, firms["piotr"].email)
    assert link.is_confirmed_manager and invitation is None  # a coordinator's invitation needs no confirmation
    with pytest.raises(DomainError, match="already a manager"):
        managers.invite_manager(coordinator, a, firms["piotr"].email)
    with pytest.raises(DomainError):
        managers.remove_manager(firms["anna"], link)
    managers.remove_manager(coordinator, link)
    assert not can_see_staff(firms["piotr"], a)


def test_the_firm_view_runs_the_same_queries_for_more_staff(client, login, firms):
    from tests.querycount import assert_queries_do_not_grow

    a = firms["a"]
    course = create_course()

    def grow(times):
        for _ in range(times):
            person = create_user(Role.TRAINEE, employer_id=a.id)
            enrol(person, course)
            create_placement(person, firms["b"], status=PlacementStatus.COMPLETED)

    login(firms["manager_a"])
    assert_queries_do_not_grow(client, f"/firm/{a.id}/", grow, 5)


def test_erasing_a_person_removes_them_from_their_employers_view(firms):
    from app.privacy.erasure import erase_person

    erase_person(create_user(Role.ADMIN), firms["piotr"], "asked")
    assert firms["piotr"].employer_id is None
    assert [line.name for line in firm.staff(firms["a"])] == ["Anna Kowalska"]
