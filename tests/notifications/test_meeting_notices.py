"""Meeting notices: planned, moved, cancelled and the reminder the day before (with the meeting's .ics) go to the
course's enrolled participants, each on their own clock and in their language; check-ins are confirmed in MCC."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from app.accounts.models import Country
from app.core.db import utcnow
from app.core.permissions import Role
from app.enrolment.models import EnrolmentStatus
from app.jobs.outbox import HANDLERS
from app.jobs.schedule import SCHEDULE
from app.notifications.models import Delivery
from app.notifications.services import set_delivery
from app.training import checkin, services
from tests.factories import create_user
from tests.factories.catalogue import create_course
from tests.factories.enrolment import enrol
from tests.factories.training import create_meeting
from tests.notifications.helpers import (
    attachments_of,
    body_of,
    deliver,
    kinds_of,
    mail_jobs,
    notices,
    shown,
    unread,
)

#: 9:00 in Warsaw on a winter day: 10:00 in Vilnius (EET), 8:00 UTC.
DAY = datetime(2031, 3, 10, 9, 0)


@pytest.fixture
def course_people(db):
    trainer = create_user(Role.TRAINER)
    course = create_course(trainers=[trainer], title={"pl": "Spawanie TIG", "lt": "TIG suvirinimas",
                                                      "en": "TIG welding"})
    warsaw = create_user(language="pl", full_name="Łucja Warszawska")
    vilnius = create_user(language="lt", country=Country.LT, full_name="Rūta Vilniškė")
    waiting, outsider = create_user(), create_user()
    enrol(warsaw, course)
    enrol(vilnius, course)
    enrol(waiting, course, EnrolmentStatus.WAITLISTED)
    return trainer, course, warsaw, vilnius, waiting, outsider


def data(trainer, starts_local=DAY, hours=3, company="Metal-Tech Suwałki", address="ul. Sejneńska 78",
         online_url=None):
    return services.MeetingData(title={"pl": "Spawanie blach"}, starts_local=starts_local,
                                ends_local=starts_local + timedelta(hours=hours), timezone="Europe/Warsaw",
                                venue_company=company, venue_address=address, venue_country=Country.PL,
                                online_url=online_url, trainer_id=trainer.id, capacity=None, language="pl")


def test_a_planned_meeting_is_told_to_each_participant_on_their_own_clock(db, course_people):
    trainer, course, warsaw, vilnius, waiting, outsider = course_people
    meeting = services.create_meeting(trainer, course, data(trainer))
    db.session.commit()
    [in_warsaw], [in_vilnius] = notices(warsaw), notices(vilnius)
    assert in_warsaw.kind == in_vilnius.kind == "meeting.planned"
    assert in_warsaw.link == f"/meetings/{meeting.id}"
    assert shown(in_warsaw) == ("Nowe spotkanie kursu Spawanie TIG: 10 marca 2031, 09:00",
                                "Spawanie blach, Metal-Tech Suwałki, ul. Sejneńska 78")
    assert shown(in_vilnius)[0] == "Naujas kurso TIG suvirinimas užsiėmimas: 2031 m. kovo 10 d. 10:00"
    assert unread(warsaw) == unread(vilnius) == 1
    assert kinds_of(waiting) == kinds_of(outsider) == kinds_of(trainer) == []  # only the enrolled
    [mail] = deliver(in_vilnius)
    assert mail["To"] == vilnius.email and "10:00" in mail["Subject"] and "TIG suvirinimas" in body_of(mail)


def test_an_online_meeting_says_online_in_the_readers_language(db, course_people):
    trainer, course, warsaw, vilnius, *_ = course_people
    services.create_meeting(trainer, course, data(trainer, company=None, address=None,
                                                  online_url="https://meet.example.eu/x"))
    assert shown(notices(warsaw)[0])[1] == "Spawanie blach, online"
    assert shown(notices(vilnius)[0])[1] == "Spawanie blach, nuotoliniu būdu"


def test_a_moved_meeting_tells_the_new_and_the_old_time(db, course_people):
    trainer, course, warsaw, vilnius, *_ = course_people
    meeting = create_meeting(course, trainer=trainer, starts_at=datetime(2031, 3, 10, 8, 0, tzinfo=UTC))
    moved_data = data(trainer, starts_local=DAY + timedelta(hours=2), address="ul. Sejneńska 78, Suwałki")
    services.update_meeting(trainer, meeting, moved_data)
    db.session.commit()
    [moved] = notices(vilnius)
    assert moved.kind == "meeting.moved"
    assert shown(moved) == ("Užsiėmimas perkeltas: Spawanie blach vyks 2031 m. kovo 10 d. 12:00",
                            "TIG suvirinimas, Metal-Tech Suwałki, ul. Sejneńska 78, Suwałki. "
                            "Anksčiau buvo numatytas 2031 m. kovo 10 d. 10:00.")
    assert kinds_of(warsaw) == ["meeting.moved"]
    services.update_meeting(trainer, meeting, moved_data)
    assert len(notices(warsaw)) == 1  # saved again without a new time or place: nobody is told


def test_a_cancelled_meeting_tells_its_reason_and_a_past_one_tells_nobody(db, course_people):
    trainer, course, warsaw, vilnius, waiting, _ = course_people
    meeting = create_meeting(course, trainer=trainer, starts_at=datetime(2031, 3, 10, 8, 0, tzinfo=UTC))
    past = create_meeting(course, trainer=trainer, starts_at=utcnow() - timedelta(days=3))
    services.cancel_meeting(trainer, meeting, "Awaria maszyny")
    services.cancel_meeting(trainer, past, "Zapisane po fakcie")
    db.session.commit()
    [cancelled] = notices(warsaw)
    assert cancelled.kind == "meeting.cancelled"
    assert shown(cancelled) == ("Spotkanie odwołane: Spotkanie warsztatowe, 10 marca 2031, 09:00",
                                "Spawanie TIG. Powód: Awaria maszyny")
    assert kinds_of(vilnius) == ["meeting.cancelled"] and kinds_of(waiting) == []


def test_the_reminder_comes_once_the_day_before_with_the_meetings_calendar_file(db, course_people):
    trainer, course, warsaw, vilnius, waiting, _ = course_people
    tomorrow = create_meeting(course, trainer=trainer, starts_at=utcnow() + timedelta(hours=20))
    create_meeting(course, trainer=trainer, starts_at=utcnow() + timedelta(hours=30))  # not yet
    create_meeting(course, trainer=trainer, starts_at=utcnow() + timedelta(hours=3))  # too late to remind
    cancelled = create_meeting(course, trainer=trainer, starts_at=utcnow() + timedelta(hours=20))
    services.cancel_meeting(trainer, cancelled, "Awaria")
    db.session.commit()
    HANDLERS["training.meeting_reminders"].run({})  # the hourly job
    HANDLERS["training.meeting_reminders"].run({})  # and the next hour: nobody is reminded twice
    db.session.commit()
    [reminder] = notices(vilnius, "meeting.reminder")
    assert reminder.params["meeting"] == tomorrow.id and len(notices(warsaw, "meeting.reminder")) == 1
    assert notices(waiting) == []
    local = tomorrow.starts_at.astimezone(ZoneInfo("Europe/Vilnius"))
    assert shown(reminder)[0].endswith(f"{local:%H:%M}")
    [mail] = deliver(reminder)
    [(filename, content_type, text)] = attachments_of(mail)
    assert filename == f"mcc-meeting-{tomorrow.id}.ics" and content_type == "text/calendar"
    [event] = Calendar.from_ical(text).walk("VEVENT")
    assert event["uid"] == f"meeting-{tomorrow.id}@mcc" and "TIG suvirinimas" in str(event["summary"])
    assert event.decoded("dtstart") == tomorrow.starts_at.replace(microsecond=0) and "TZID=Europe/Warsaw" in text
    assert str(event["location"]) == "Metal-Tech Suwałki, ul. Sejneńska 78, Suwałki"

    tomorrow.starts_at += timedelta(hours=1)  # moved: the new time is reminded of again
    tomorrow.ends_at += timedelta(hours=1)
    db.session.commit()
    HANDLERS["training.meeting_reminders"].run({})
    assert len(notices(vilnius, "meeting.reminder")) == 2


def test_the_reminder_job_runs_hourly(app):
    scheduled = SCHEDULE["training.meeting_reminders"]
    assert scheduled.is_due(datetime(2031, 3, 10, 14, 20, tzinfo=UTC))
    assert not scheduled.is_due(datetime(2031, 3, 10, 14, 21, tzinfo=UTC))


def test_a_check_in_is_confirmed_in_mcc_only(db, course_people):
    trainer, course, warsaw, vilnius, *_ = course_people
    meeting = create_meeting(course, trainer=trainer)
    set_delivery(warsaw, "meetings", Delivery.IMMEDIATELY)
    checkin.check_in_with_code(meeting, checkin.current_code(meeting), warsaw)
    checkin.check_in_with_code(meeting, checkin.current_code(meeting), warsaw)  # twice: told once
    checkin.check_in_with_ticket(meeting, checkin.ticket_for(vilnius), trainer)
    db.session.commit()
    [confirmed] = notices(warsaw)
    assert confirmed.kind == "checkin.confirmed" and confirmed.category == "checkin"
    assert shown(confirmed)[0] == "Obecność potwierdzona: Spotkanie warsztatowe"
    assert kinds_of(vilnius) == ["checkin.confirmed"] and kinds_of(trainer) == []
    assert mail_jobs() == [] and deliver(confirmed) == []  # never by mail
