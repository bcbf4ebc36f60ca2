"""Event pages over HTTP: planning, seeing, registering, the organisers' list, the .ics file and the personal feed,
photos, the bulletin draft, and who is refused."""

import io
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from PIL import Image
from sqlalchemy import select

from app.bulletin.models import Post, PostStatus
from app.core.db import utcnow
from app.core.permissions import Role
from app.events import services
from app.events.models import Event, EventPhoto, EventVisibility, RegistrationStatus
from app.notifications.models import Notification
from app.training import calendar
from tests.events.helpers import create_event
from tests.factories import create_user


@pytest.fixture
def coordinator(db):
    return create_user(Role.COORDINATOR)


def test_a_coordinator_plans_an_event_and_people_register(client, login, db, coordinator):
    login(coordinator)
    starts = (utcnow() + timedelta(days=10)).strftime("%Y-%m-%dT09:00")
    response = client.post_form("/events/new", {
        "kind": "study_visit", "visibility": "public", "source_language": "pl", "title_pl": "Wizyta w Alytusie",
        "title_lt": "Vizitas Alytuje", "summary_pl": "Spawanie robotyczne", "programme_pl": "09:00 Start",
        "starts_local": starts, "ends_local": starts.replace("09:00", "13:00"), "timezone": "Europe/Vilnius",
        "venue_company": "UAB Alytaus metalas", "venue_address": "Pramonės g. 1", "venue_country": "LT",
        "capacity": "1", "host_company_id": "0", "specialisation_id": "0", "language": "lt"})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    event = db.session.scalar(select(Event).order_by(Event.id.desc()))
    assert event.meeting.course_id is None and event.meeting.capacity == 1
    assert event.meeting.title == {"pl": "Wizyta w Alytusie", "lt": "Vizitas Alytuje"}

    first, second = create_user(), create_user()
    login(first)
    assert client.post_form(f"/events/{event.id}/register").status_code == 303
    login(second)
    client.post_form(f"/events/{event.id}/register")
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "waiting list (number 1)" in page
    login(coordinator)
    listing = client.get(f"/events/{event.id}/registrations").get_data(as_text=True)
    assert first.full_name in listing and second.full_name in listing
    login(first)
    assert client.post_form(f"/events/{event.id}/unregister").status_code == 303
    db.session.expire_all()
    assert services.registration_of(event, second).status == RegistrationStatus.CONFIRMED


def test_bad_input_gets_a_message_and_changes_nothing(client, login, db, coordinator):
    login(coordinator)
    response = client.post_form("/events/new", {
        "kind": "fair", "visibility": "public", "source_language": "pl", "title_pl": "",
        "starts_local": "2027-01-10T09:00", "ends_local": "2027-01-10T08:00", "timezone": "Europe/Warsaw",
        "venue_country": "PL", "host_company_id": "0", "specialisation_id": "0", "language": "pl"})
    assert response.status_code == 422
    assert db.session.scalar(select(Event.id)) is None
    response = client.post_form("/events/new", {"kind": "nonsense", "starts_local": "yesterday"})
    assert response.status_code == 422


def test_visibility_and_refusals(client, login, db, coordinator):
    public = create_event(coordinator)
    members = create_event(coordinator, visibility=EventVisibility.MEMBERS)
    assert client.get("/events/").status_code == 200
    assert client.get(f"/events/{public.id}").status_code == 200
    assert client.get(f"/events/{members.id}").status_code == 302  # to the login page
    assert client.post_form(f"/events/{public.id}/register").status_code == 302
    trainee = create_user()
    login(trainee)
    assert client.get(f"/events/{members.id}").status_code == 403
    assert client.get(f"/events/{public.id}/registrations").status_code == 403
    assert client.get("/events/new").status_code == 403
    assert client.post_form(f"/events/{public.id}/cancel", {"cancel-reason": "x"}).status_code == 403
    assert client.post_form(f"/events/{public.id}/post").status_code == 403
    db.session.expire_all()
    assert not public.is_cancelled


def test_ics_download_and_the_personal_feed(client, login, db, coordinator):
    event = create_event(coordinator, capacity=1)
    response = client.get(f"/events/{event.id}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    vevent = next(c for c in Calendar.from_ical(response.data).walk("VEVENT"))
    assert str(vevent["uid"]) == f"meeting-{event.meeting_id}@mcc"
    assert str(vevent["summary"]) == "Wizyta studyjna w Kownie"
    assert vevent["dtstart"].dt.tzinfo.key == "Europe/Vilnius"
    assert str(vevent["url"]).endswith(f"/events/{event.id}")
    registered, waiting = create_user(), create_user()
    services.register(registered, event)
    services.register(waiting, event)
    db.session.commit()
    feed = client.get(f"/calendar/{calendar.calendar_token(registered)}.ics").data
    assert f"meeting-{event.meeting_id}@mcc".encode() in feed
    feed = client.get(f"/calendar/{calendar.calendar_token(waiting)}.ics").data
    assert f"meeting-{event.meeting_id}@mcc".encode() not in feed


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(out, "JPEG")
    return out.getvalue()


def test_photos_after_the_event_checked_by_content(client, login, db, coordinator):
    coming = create_event(coordinator)
    past = create_event(coordinator, starts_at=utcnow() - timedelta(days=2))
    login(coordinator)

    def upload(event, data, name):
        return client.post(f"/events/{event.id}/photos", data={"csrf_token": client.csrf_token(),
                                                               "file": (io.BytesIO(data), name)},
                           content_type="multipart/form-data")

    upload(coming, _photo(), "a.jpg")
    upload(past, b"%PDF-1.4 not a photo", "b.jpg")
    assert db.session.scalar(select(EventPhoto.id)) is None
    assert upload(past, _photo(), "c.jpg").status_code == 303
    photo = db.session.scalar(select(EventPhoto))
    assert photo.event_id == past.id and photo.content_type == "image/jpeg"
    client.post_form("/logout")
    shown = client.get(f"/events/{past.id}/photos/{photo.id}")
    assert shown.status_code == 200 and shown.data[:3] == b"\xff\xd8\xff"
    assert client.get(f"/events/{coming.id}/photos/{photo.id}").status_code in (403, 302)


def test_turn_an_event_into_a_draft_post(client, login, db, coordinator):
    event = create_event(coordinator)
    login(coordinator)
    response = client.post_form(f"/events/{event.id}/post")
    assert response.status_code == 303 and "/bulletin/" in response.location and response.location.endswith("/edit")
    post = db.session.scalar(select(Post))
    assert post.status == PostStatus.DRAFT and post.title == event.title
    assert f"/events/{event.id})" in post.body["pl"] and "Pokaz cięcia laserowego." in post.body["pl"]
    assert "UAB Kauno lazeris" in post.body["lt"]


def test_the_forms_show(client, login, db, coordinator):
    from tests.factories.placements import create_company

    event = create_event(coordinator, host_company_id=create_company(name="UAB Kauno lazeris").id)
    login(coordinator)
    assert client.get("/events/new").status_code == 200
    page = client.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert "Wizyta studyjna w Kownie" in page and "Cancel the event" in page


def test_editing_moves_people_up_and_tells_them_of_a_new_time(client, login, db, coordinator):
    event = create_event(coordinator, capacity=1, starts_at=utcnow() + timedelta(days=5))
    first, second = create_user(), create_user()
    services.register(first, event)
    services.register(second, event)
    db.session.commit()
    login(coordinator)
    starts = (utcnow() + timedelta(days=6)).astimezone(ZoneInfo("Europe/Vilnius"))
    response = client.post_form(f"/events/{event.id}/edit", {
        "kind": "study_visit", "visibility": "public", "source_language": "pl", "title_pl": "Wizyta studyjna w Kownie",
        "starts_local": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_local": (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"), "timezone": "Europe/Vilnius",
        "venue_company": "UAB Kauno lazeris", "venue_country": "LT", "capacity": "2", "host_company_id": "0",
        "specialisation_id": "0", "language": "pl"})
    assert response.status_code == 303
    db.session.expire_all()
    assert services.registration_of(event, second).status == RegistrationStatus.CONFIRMED
    kinds = {(n.user_id, n.kind) for n in db.session.scalars(select(Notification))}
    assert {(first.id, "event.moved"), (second.id, "event.moved"), (second.id, "event.moved_up")} <= kinds
