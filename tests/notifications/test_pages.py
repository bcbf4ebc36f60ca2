"""The notifications pages: the list with the header's count, opening one (read, count down), marking all read,
the mail settings, unsubscribing from a mail without logging in, and nobody opening another's notification."""

import re

import pytest
from sqlalchemy import select

from app.core.permissions import Role
from app.notifications.models import Delivery, NotificationPreference
from app.notifications.services import delivery_for, notify
from tests.factories import create_user
from tests.notifications.helpers import body_of, deliver, mail_jobs, notices, unread

COURSE = {"pl": "Frezowanie", "lt": "Frezavimas", "en": "Milling"}


def tell(user, kind="enrolment.enrolled", **params):
    [notification] = notify([user], kind, {"course": COURSE, **params}, link="/courses/1")
    return notification


@pytest.fixture
def reader(db):
    user = create_user(language="pl")
    first, second = tell(user), tell(user, "enrolment.waitlisted")
    return user, first, second


def test_the_list_shows_the_readers_notifications_in_their_language_with_the_count(client, login, db, reader):
    user, first, second = reader
    tell(create_user(), "enrolment.rejected", reason="Cudze sprawy")  # someone else's
    login(user)
    html = client.get("/notifications/").get_data(as_text=True)
    assert "Zapis na kurs Frezowanie potwierdzony" in html and "Jesteś na liście oczekujących kursu Frezowanie" in html
    assert "Cudze sprawy" not in html
    assert re.search(r'class="badge unread-count">2<', html)
    assert f"/notifications/{first.id}" in html and f"/notifications/{second.id}" in html


def test_opening_a_notification_marks_it_read_and_counts_down(client, login, db, reader):
    user, first, _ = reader
    login(user)
    response = client.get(f"/notifications/{first.id}")
    assert response.status_code == 303 and response.headers["Location"] == "/courses/1"
    assert notices(user)[0].read_at is not None and unread(user) == 1
    client.get(f"/notifications/{first.id}")  # again: still one unread
    assert unread(user) == 1
    assert re.search(r'class="badge unread-count">1<', client.get("/notifications/").get_data(as_text=True))


def test_mark_all_read_empties_the_count(client, login, db, reader):
    user, *_ = reader
    login(user)
    assert client.post_form("/notifications/read-all").status_code == 303
    assert unread(user) == 0 and all(n.read_at is not None for n in notices(user))
    assert "unread-count" not in client.get("/notifications/").get_data(as_text=True)


def test_nobody_opens_another_persons_notification(client, login, db, reader):
    _, first, _ = reader
    login(create_user(Role.COORDINATOR))
    assert client.get(f"/notifications/{first.id}").status_code == 403
    assert notices(reader[0])[0].read_at is None


def test_the_settings_save_each_categorys_choice_and_off_means_no_mail(client, login, db):
    user = create_user(language="lt")
    login(user)
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert 'name="cat_enrolment"' in page and 'name="cat_logbook"' in page
    assert 'name="cat_checkin"' not in page  # never mailed: nothing to choose
    assert "Dienos suvestinėje el. paštu" in page  # in the reader's language
    choices = {field: "immediately" for field in re.findall(r'name="(cat_[a-z]+)"', page)}
    choices.update(cat_enrolment="off", cat_meetings="daily")
    assert client.post_form("/notifications/settings", choices).status_code == 303
    saved = dict(db.session.execute(select(NotificationPreference.category, NotificationPreference.delivery)
                                    .where(NotificationPreference.user_id == user.id)).all())
    assert saved["enrolment"] == Delivery.OFF and saved["meetings"] == Delivery.DAILY
    assert saved["logbook"] == Delivery.IMMEDIATELY
    off = tell(user)
    assert mail_jobs(off) == [] and deliver(off) == []  # off: no mail row, nothing sent
    assert notices(user)[-1].id == off.id  # still in MCC


def test_the_unsubscribe_link_of_a_mail_works_without_logging_in(client, db, reader):
    user, first, _ = reader
    [mail] = deliver(first)
    path = re.search(r"https?://[^/\s]+(/notifications/unsubscribe/\S+)", body_of(mail)).group(1)
    assert path in mail["List-Unsubscribe"]
    page = client.get(path)
    assert page.status_code == 200 and "Zapisy" in page.get_data(as_text=True)  # asks (in the reader's language)
    assert delivery_for(user.id, "enrolment") == Delivery.IMMEDIATELY
    assert client.post(path).status_code == 200  # one click, as mail programs do (RFC 8058): no form, no login
    db.session.expire_all()
    assert delivery_for(user.id, "enrolment") == Delivery.OFF
    assert mail_jobs(tell(user)) == []
    assert client.get(path[:-3] + "xyz").status_code == 404  # a forged token


def test_the_list_shows_times_on_the_readers_clock(client, login, db):
    vilnius = create_user(language="lt", timezone="Europe/Vilnius")
    notify([vilnius], "meeting.planned", {"course": COURSE, "title": "Frezavimas CNC", "place": "Alytus",
                                         "starts_at": "2031-03-10T08:00:00+00:00"})  # 9:00 in Warsaw
    login(vilnius)
    html = client.get("/notifications/").get_data(as_text=True)
    assert "Naujas kurso Frezavimas užsiėmimas: 2031 m. kovo 10 d. 10:00" in html
