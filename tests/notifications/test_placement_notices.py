"""Placement notices go to the trainee and the host firm's mentors and nobody else; logbook days wait for the
mentor (in the daily summary by default) and a returned day goes back to the intern."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from app.accounts.models import Country
from app.core.permissions import Role
from app.notifications.models import Delivery
from app.notifications.services import set_delivery
from app.placements import lifecycle, logbook
from app.placements.models import Evaluation, PlacementStatus
from tests.factories import create_user
from tests.factories.catalogue import create_course, get_specialisation
from tests.factories.enrolment import enrol
from tests.factories.placements import create_company, create_placement
from tests.notifications.helpers import body_of, deliver, digest, kinds_of, mail_jobs, notices, shown, unread

START = date(2027, 3, 1)


@pytest.fixture
def firm(db):
    coordinator = create_user(Role.COORDINATOR)
    trainee = create_user(full_name="Łukasz Żółkiewski", language="pl")
    other_trainee = create_user(full_name="Inna Osoba")
    for person in (trainee, other_trainee):
        enrol(person, create_course(specialisation="welding"))
    mentor = create_user(Role.TRAINER, language="lt", country=Country.LT, full_name="Mentorius Jonas")
    second_mentor = create_user(Role.TRAINER)
    elsewhere = create_user(Role.TRAINER)
    company = create_company(Country.LT, name="UAB Virinimas", specialisations=("welding",),
                             mentors=[mentor, second_mentor])
    other_company = create_company(Country.PL, specialisations=("welding",), mentors=[elsewhere])
    create_placement(other_trainee, other_company, specialisation="welding", starts_on=START)
    return SimpleNamespace(coordinator=coordinator, trainee=trainee, other_trainee=other_trainee, mentor=mentor,
                           second_mentor=second_mentor, elsewhere=elsewhere, company=company)


def test_a_proposed_placement_is_told_to_the_trainee_and_the_firms_mentors_only(db, firm):
    f = firm
    placement = lifecycle.create_placement(f.coordinator, f.trainee, f.company, get_specialisation("welding"), START,
                                           START + timedelta(days=27), 160)
    db.session.commit()
    [told] = notices(f.trainee)
    assert told.kind == "placement.proposed" and told.link == f"/placements/{placement.id}"
    assert shown(told) == ("Zaproponowano staż: Łukasz Żółkiewski w firmie UAB Virinimas", "Okres: 1–28 mar 2027.")
    assert shown(notices(f.mentor)[0]) == ("Pasiūlyta praktika: Łukasz Żółkiewski įmonėje UAB Virinimas",
                                           "Laikotarpis: 2027 kov. 1–28.")
    assert kinds_of(f.second_mentor) == ["placement.proposed"]
    assert kinds_of(f.other_trainee) == kinds_of(f.elsewhere) == kinds_of(f.coordinator) == []  # nobody else learns it
    [mail] = deliver(told)
    assert mail["To"] == f.trainee.email and "Okres: 1–28 mar 2027." in body_of(mail)


def test_agreed_completed_and_cancelled_are_told_and_starting_is_not(db, firm):
    f = firm
    placement = lifecycle.create_placement(f.coordinator, f.trainee, f.company, get_specialisation("welding"), START,
                                           START + timedelta(days=27), 160, mentor=f.mentor)
    lifecycle.transition(f.coordinator, placement, PlacementStatus.AGREED)
    lifecycle.transition(f.coordinator, placement, PlacementStatus.IN_PROGRESS)
    db.session.add(Evaluation(placement_id=placement.id, mentor_id=f.mentor.id, ratings={}))
    lifecycle.transition(f.coordinator, placement, PlacementStatus.COMPLETED)
    db.session.commit()
    expected = ["placement.proposed", "placement.agreed", "placement.completed"]
    assert kinds_of(f.trainee) == kinds_of(f.mentor) == kinds_of(f.second_mentor) == expected
    assert shown(notices(f.trainee, "placement.agreed")[0]) == (
        "Staż potwierdzony: Łukasz Żółkiewski w firmie UAB Virinimas",
        "Okres: 1–28 mar 2027. Dziennik stażu jest otwarty.")
    assert unread(f.trainee) == 3 and kinds_of(f.other_trainee) == kinds_of(f.elsewhere) == []

    second = lifecycle.create_placement(f.coordinator, f.trainee, f.company, get_specialisation("welding"),
                                        START + timedelta(days=60), START + timedelta(days=80), 80)
    lifecycle.transition(f.coordinator, second, PlacementStatus.CANCELLED, "Firma zamknięta")
    [cancelled] = notices(f.trainee, "placement.cancelled")
    assert shown(cancelled)[1] == "Powód: Firma zamknięta"


def test_logbook_days_wait_for_the_placements_mentor_in_the_daily_summary(db, firm):
    f = firm
    placement = create_placement(f.trainee, f.company, specialisation="welding", mentor=f.mentor,
                                 status=PlacementStatus.IN_PROGRESS)
    logbook.save_entry(f.trainee, placement, date.today() - timedelta(days=2), 8, "Spawanie próbek")
    logbook.save_entry(f.trainee, placement, date.today() - timedelta(days=1), 8, "Spawanie rur")  # same day: once
    db.session.commit()
    [waiting] = notices(f.mentor)
    assert waiting.kind == "logbook.waiting" and waiting.category == "logbook"
    assert shown(waiting) == ("Praktikos dienynas: Łukasz Żółkiewski įrašytos dienos laukia jūsų peržiūros",
                              "Praktika įmonėje UAB Virinimas: patvirtinkite dienas arba grąžinkite jas su "
                              "komentaru.")
    assert kinds_of(f.second_mentor) == []  # the placement names its mentor: the others are not asked
    assert kinds_of(f.trainee) == [] and kinds_of(f.other_trainee) == []
    assert mail_jobs() == []  # daily by default: nothing at once
    [summary] = digest(f.mentor)
    assert summary["To"] == f.mentor.email and summary["Subject"] == "MCC: jūsų dienos suvestinė (1)"
    assert "Praktikos dienynas: Łukasz Żółkiewski" in body_of(summary)
    assert digest(f.mentor) == []  # summed up once


def test_without_a_named_mentor_every_mentor_of_the_firm_is_asked(db, firm):
    f = firm
    set_delivery(f.second_mentor, "logbook", Delivery.IMMEDIATELY)
    placement = create_placement(f.trainee, f.company, specialisation="welding", status=PlacementStatus.AGREED)
    logbook.save_entry(f.trainee, placement, date.today() - timedelta(days=1), 6, "Przygotowanie stanowiska")
    assert kinds_of(f.mentor) == kinds_of(f.second_mentor) == ["logbook.waiting"]
    assert kinds_of(f.elsewhere) == []
    assert [job.payload["notification"] for job in mail_jobs()] == [notices(f.second_mentor)[0].id]


def test_a_returned_day_goes_back_to_the_intern_with_the_comment(db, firm):
    f = firm
    placement = create_placement(f.trainee, f.company, specialisation="welding", mentor=f.mentor,
                                 status=PlacementStatus.IN_PROGRESS)
    day = date.today() - timedelta(days=1)
    returned = logbook.save_entry(f.trainee, placement, day, 8, "Spawanie próbek")
    confirmed = logbook.save_entry(f.trainee, placement, day - timedelta(days=1), 8, "Szlifowanie")
    logbook.review_entry(f.mentor, returned, False, "Popraw liczbę godzin")
    logbook.review_entry(f.mentor, confirmed, True, None)
    db.session.commit()
    [told] = notices(f.trainee)
    assert told.kind == "logbook.returned" and told.link == f"/logbook/{returned.id}"
    months = ["stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września",
              "października", "listopada", "grudnia"]
    assert shown(told) == (f"Dzień {day.day} {months[day.month - 1]} {day.year} w Twoim dzienniku stażu został "
                           "zwrócony", "Komentarz opiekuna: Popraw liczbę godzin")
    assert kinds_of(f.other_trainee) == []
    assert mail_jobs(told) == []  # the logbook comes in the daily summary by default
