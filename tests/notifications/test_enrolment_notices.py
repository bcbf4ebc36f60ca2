"""Enrolment notices: the person whose enrolment someone else changed is told, in their language, in MCC and by
mail as they prefer; the trainers hear of requests; nobody hears of their own doing or of others' enrolments."""

import pytest

from app.accounts.models import Country
from app.catalogue.models import EnrolmentPolicy
from app.core.db import utcnow
from app.core.permissions import Role
from app.enrolment import participants, services
from app.enrolment.models import EnrolmentStatus
from app.notifications.models import Delivery
from app.notifications.services import set_delivery
from tests.factories import create_user
from tests.factories.catalogue import create_course
from tests.factories.enrolment import enrol
from tests.notifications.helpers import body_of, deliver, kinds_of, mail_jobs, notices, shown, unread


@pytest.fixture
def coordinator(db):
    return create_user(Role.COORDINATOR)


def test_a_coordinators_enrolment_is_told_in_the_persons_language_and_mailed(db, coordinator):
    course = create_course()
    trainee = create_user(language="pl")
    services.enrol_participant(trainee, course, coordinator)
    db.session.commit()
    [notice] = notices(trainee)
    assert notice.kind == "enrolment.enrolled" and notice.link == f"/courses/{course.id}"
    assert shown(notice) == (f"Zapis na kurs {course.title['pl']} potwierdzony",
                             f"Masz miejsce na kursie {course.title['pl']}.")
    assert unread(trainee) == 1
    assert kinds_of(coordinator) == []  # the coordinator did it: nothing to tell them
    assert len(mail_jobs(notice)) == 1  # "at once" is the default for enrolments
    [mail] = deliver(notice)
    assert mail["To"] == trainee.email and mail["Subject"].startswith("Zapis na kurs")
    assert "Masz miejsce na kursie" in body_of(mail) and "/notifications/unsubscribe/" in body_of(mail)
    assert mail["List-Unsubscribe"]
    assert deliver(notice) == []  # a retried job mails nothing twice


def test_a_full_course_puts_the_person_on_the_waiting_list_and_says_so(db, coordinator):
    course = create_course(capacity=1)
    enrol(create_user(), course)
    trainee = create_user(language="lt", country=Country.LT)
    services.enrol_participant(trainee, course, coordinator)
    [notice] = notices(trainee)
    assert notice.kind == "enrolment.waitlisted"
    title, body = shown(notice)
    assert title.startswith("Esate kurso Kursas") and "laukiančiųjų sąraše" in body


def test_moving_up_from_the_waiting_list_is_told_to_that_person_only(db, coordinator):
    course = create_course(capacity=1)
    leaving, waiting, still_waiting = create_user(), create_user(language="pl"), create_user()
    enrol(leaving, course)
    enrol(waiting, course, EnrolmentStatus.WAITLISTED)
    enrol(still_waiting, course, EnrolmentStatus.WAITLISTED)
    services.withdraw(services.find_enrolment(leaving, course), leaving, "nowa praca")
    db.session.commit()
    assert kinds_of(waiting) == ["enrolment.promoted"]
    assert shown(notices(waiting)[0])[0].startswith("Zwolniło się miejsce: masz miejsce na kursie")
    assert kinds_of(leaving) == [] and kinds_of(still_waiting) == []  # leaving was their own doing


def test_a_rejection_carries_its_reason_and_a_withdrawal_by_a_coordinator_is_told(db, coordinator):
    trainer = create_user(Role.TRAINER)
    course = create_course(policy=EnrolmentPolicy.APPROVAL, trainers=[trainer])
    refused, removed = create_user(), create_user()
    outcome = services.request_enrolment(refused, course)
    services.reject(outcome.enrolment, trainer, "Brak uprawnień SEP")
    other_course = create_course()
    enrol(removed, other_course)
    services.withdraw(services.find_enrolment(removed, other_course), coordinator, "duplikat")
    db.session.commit()
    [rejected] = notices(refused)
    assert rejected.kind == "enrolment.rejected"
    assert shown(rejected) == (f"Your request to join the course {course.title['en']} was not accepted.",
                               "Reason: Brak uprawnień SEP")
    [withdrawn] = notices(removed)
    assert withdrawn.kind == "enrolment.withdrawn"
    assert shown(withdrawn)[0] == f"You are no longer enrolled in the course {other_course.title['en']}."


def test_a_request_is_told_to_the_courses_trainers_and_nobody_else(db, coordinator):
    trainer, other_trainer = create_user(Role.TRAINER, language="lt"), create_user(Role.TRAINER)
    course = create_course(policy=EnrolmentPolicy.APPROVAL, trainers=[trainer])
    trainee = create_user(full_name="Jonas Jonaitis")
    services.request_enrolment(trainee, course)
    [notice] = notices(trainer)
    assert notice.kind == "enrolment.requested" and notice.link == f"/manage/enrolments/course/{course.id}"
    assert shown(notice)[0] == f"Jonas Jonaitis prašo priimti į kursą {course.title['lt']}"
    assert kinds_of(other_trainer) == kinds_of(trainee) == kinds_of(coordinator) == []


def test_managed_people_get_no_mail_and_inactive_or_erased_people_nothing(db, coordinator):
    course = create_course()
    managed = participants.create_managed_participant(coordinator, "Bez Poczty", Country.PL, None)
    inactive, erased = create_user(is_active=False), create_user()
    erased.erased_at = utcnow()
    db.session.commit()
    for person in (managed, inactive, erased):
        services.enrol_participant(person, course, coordinator)
    db.session.commit()
    [notice] = notices(managed)  # seen in MCC should they ever get a login; never mailed
    assert mail_jobs(notice) == [] and deliver(notice) == []
    assert notices(inactive) == notices(erased) == []


def test_the_bulk_import_tells_nobody_and_a_trainee_acting_alone_is_not_told(db, coordinator):
    course = create_course()
    imported, alone = create_user(), create_user()
    services.enrol_participant(imported, course, coordinator, source="bulk-import")
    services.request_enrolment(alone, course)
    assert notices(imported) == notices(alone) == []


@pytest.mark.parametrize(("delivery", "jobs"), [(Delivery.IMMEDIATELY, 1), (Delivery.DAILY, 0), (Delivery.OFF, 0)])
def test_the_persons_preference_decides_the_mail(db, coordinator, delivery, jobs):
    course = create_course()
    trainee = create_user()
    set_delivery(trainee, "enrolment", delivery)
    services.enrol_participant(trainee, course, coordinator)
    [notice] = notices(trainee)
    assert len(mail_jobs(notice)) == jobs  # "off": no mail row at all (in MCC it is there all the same)
    assert len(deliver(notice)) == jobs  # and a worker would not mail it at once either
