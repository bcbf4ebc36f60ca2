import pytest
from sqlalchemy import select

from app.catalogue.models import CourseStatus, EnrolmentPolicy
from app.core.errors import DomainError
from app.core.models import AuditEntry
from app.core.permissions import Role
from app.enrolment import services
from app.enrolment.models import Enrolment, EnrolmentEvent, EnrolmentStatus
from tests.factories import create_user
from tests.factories.catalogue import create_course
from tests.notifications.helpers import body_of, deliver, kinds_of, mail_jobs, notices, shown, unread


def history(db, enrolment):
    return [(e.from_status, e.to_status) for e in db.session.scalars(
        select(EnrolmentEvent).where(EnrolmentEvent.enrolment_id == enrolment.id).order_by(EnrolmentEvent.id))]


def test_open_course_enrols_until_full_then_waitlists(db):
    course = create_course(capacity=2)
    outcomes = [services.request_enrolment(create_user(), course) for _ in range(4)]
    db.session.commit()
    assert [o.enrolment.status for o in outcomes] == [EnrolmentStatus.ENROLLED] * 2 + [EnrolmentStatus.WAITLISTED] * 2
    assert services.waiting_position(outcomes[3].enrolment) == 2


def test_a_freed_place_goes_to_the_longest_waiting_and_they_are_told(client, login, db, sent_mail):
    course = create_course(capacity=1)
    first, second, third = create_user(), create_user(), create_user()
    for user in (first, second, third):
        services.request_enrolment(user, course)
    db.session.commit()
    login(first)
    enrolment = services.find_enrolment(first, course)
    assert client.post_form(f"/enrolments/{enrolment.id}/withdraw").status_code == 303
    db.session.expire_all()
    assert services.find_enrolment(second, course).status == EnrolmentStatus.ENROLLED
    assert services.find_enrolment(third, course).status == EnrolmentStatus.WAITLISTED
    [promoted] = notices(second)
    assert promoted.kind == "enrolment.promoted" and notices(first) == notices(third) == []
    [mail] = deliver(promoted)
    assert mail["To"] == second.email and "have a place in the course" in body_of(mail)
    assert sent_mail == []  # status notices are notifications, not plain mails


def test_unenrolment_keeps_the_history_and_allows_coming_back(db):
    course = create_course()
    trainee = create_user()
    services.request_enrolment(trainee, course)
    enrolment = services.find_enrolment(trainee, course)
    services.withdraw(enrolment, trainee, "zmiana pracy")
    services.request_enrolment(trainee, course)
    db.session.commit()
    assert db.session.scalar(select(Enrolment.id).where(Enrolment.user_id == trainee.id)) == enrolment.id
    assert history(db, enrolment) == [(None, EnrolmentStatus.ENROLLED),
                                      (EnrolmentStatus.ENROLLED, EnrolmentStatus.WITHDRAWN),
                                      (EnrolmentStatus.WITHDRAWN, EnrolmentStatus.ENROLLED)]
    events = db.session.scalars(select(EnrolmentEvent).where(EnrolmentEvent.enrolment_id == enrolment.id)).all()
    assert events[1].reason == "zmiana pracy" and events[1].actor_id == trainee.id
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "enrolment.status_changed")) is not None


def test_approval_flow(client, login, db):
    trainer = create_user(Role.TRAINER)
    course = create_course(policy=EnrolmentPolicy.APPROVAL, trainers=[trainer])
    trainee, other = create_user(language="lt"), create_user()
    login(trainee)
    client.post_form(f"/courses/{course.id}/enrol")
    client.post_form("/logout")
    login(other)
    client.post_form(f"/courses/{course.id}/enrol")
    client.post_form("/logout")
    first, second = services.find_enrolment(trainee, course), services.find_enrolment(other, course)
    assert first.status == second.status == EnrolmentStatus.REQUESTED
    assert kinds_of(trainer) == ["enrolment.requested"] * 2 and kinds_of(trainee) == []

    login(trainer)
    assert client.post_form(f"/manage/enrolments/{first.id}/approve").status_code == 303
    response = client.post_form(f"/manage/enrolments/{second.id}/reject", {"reason": ""}, follow_redirects=True)
    assert "Please give the reason for the rejection." in response.get_data(as_text=True)
    client.post_form(f"/manage/enrolments/{second.id}/reject", {"reason": "Brak wymaganych uprawnień"})
    db.session.expire_all()
    assert first.status == EnrolmentStatus.ENROLLED and second.status == EnrolmentStatus.REJECTED
    [accepted] = notices(trainee)
    assert "Turite vietą kurse Kursas" in shown(accepted)[1]  # in the trainee's language
    assert "Turite vietą kurse" in body_of(deliver(accepted)[0])
    [rejected] = notices(other)  # the refused rejection (no reason) told nobody
    assert rejected.kind == "enrolment.rejected" and "Brak wymaganych uprawnień" in shown(rejected)[1]


def test_notices_leave_only_once_the_change_is_committed(app, db):
    course = create_course(capacity=1)
    first, second = create_user(), create_user()
    for user in (first, second):
        services.request_enrolment(user, course)
    db.session.commit()
    with app.test_request_context():
        services.withdraw(services.find_enrolment(first, course), first)
        assert kinds_of(second) == ["enrolment.promoted"] and len(mail_jobs()) == 1  # in the change's transaction
        db.session.rollback()
        assert notices(second) == [] and mail_jobs() == []  # nothing was saved: nobody is told
        services.withdraw(services.find_enrolment(first, course), first)
        db.session.commit()
    assert kinds_of(second) == ["enrolment.promoted"] and unread(second) == 1
    assert [job.payload["notification"] for job in mail_jobs()] == [notices(second)[0].id]


def test_only_the_courses_trainers_and_coordinators_decide(client, login, db):
    course = create_course(policy=EnrolmentPolicy.APPROVAL, trainers=[create_user(Role.TRAINER)])
    request = services.request_enrolment(create_user(), course).enrolment
    db.session.commit()
    for role in (Role.TRAINEE, Role.TRAINER):
        login(create_user(role))
        assert client.post_form(f"/manage/enrolments/{request.id}/approve").status_code == 403
        assert client.post_form(f"/manage/enrolments/{request.id}/reject", {"reason": "x"}).status_code == 403
        client.post_form("/logout")
        db.session.refresh(request)
        assert request.status == EnrolmentStatus.REQUESTED
    login(create_user(Role.COORDINATOR))
    assert client.post_form(f"/manage/enrolments/{request.id}/approve").status_code == 303


def test_closed_courses_are_enrolled_by_coordinators_only(client, login, db):
    course = create_course(policy=EnrolmentPolicy.CLOSED)
    trainee = create_user(language="pl")
    login(trainee)
    response = client.post_form(f"/courses/{course.id}/enrol", follow_redirects=True)
    assert "Uczestników tego kursu zapisują koordynatorzy." in response.get_data(as_text=True)
    assert services.find_enrolment(trainee, course) is None
    client.post_form("/logout")
    login(create_user(Role.COORDINATOR))
    client.post_form(f"/manage/enrolments/course/{course.id}/enrol", {"enrol-user": str(trainee.id)})
    db.session.expire_all()
    assert services.find_enrolment(trainee, course).status == EnrolmentStatus.ENROLLED


@pytest.mark.parametrize("status", [CourseStatus.DRAFT, CourseStatus.ARCHIVED])
def test_unpublished_courses_take_no_enrolments(db, status):
    with pytest.raises(DomainError):
        services.request_enrolment(create_user(), create_course(status=status))


def test_a_trainee_cannot_unenrol_someone_else(client, login, db):
    course = create_course()
    victim = create_user()
    enrolment = services.request_enrolment(victim, course).enrolment
    db.session.commit()
    login(create_user())
    assert client.post_form(f"/enrolments/{enrolment.id}/withdraw").status_code == 403
    db.session.refresh(enrolment)
    assert enrolment.status == EnrolmentStatus.ENROLLED


def test_course_page_shows_the_enrolment_state(client, login, db):
    course = create_course(capacity=1)
    services.request_enrolment(create_user(), course)
    db.session.commit()
    login(create_user(language="en"))
    html = client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert "Places: 0 of 1 free." in html
    client.post_form(f"/courses/{course.id}/enrol")
    html = client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert "You are on the waiting list (position 1)" in html


def test_the_history_page_lists_every_change_in_order_to_the_courses_managers(client, login, db):
    trainer = create_user(Role.TRAINER, language="en")
    course = create_course(trainers=[trainer])
    trainee = create_user()
    enrolment = services.request_enrolment(trainee, course).enrolment
    services.withdraw(enrolment, trainee, "zmiana pracy")
    services.request_enrolment(trainee, course)
    db.session.commit()
    login(create_user(Role.TRAINER))
    assert client.get(f"/manage/enrolments/{enrolment.id}/history").status_code == 403
    login(trainer)
    html = client.get(f"/manage/enrolments/{enrolment.id}/history").get_data(as_text=True)
    changes = [html.index(text) for text in ("<td>enrolled</td>", "enrolled → withdrawn", "zmiana pracy",
                                             "withdrawn → enrolled")]
    assert changes == sorted(changes)
