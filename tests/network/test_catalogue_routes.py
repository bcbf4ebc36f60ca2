"""The offer catalogue's pages: who may ask for what, a filtered catalogue built by the worker end to end and
offered to its asker, the public copy the worker keeps ready (and rebuilds when entries change), and malformed
filters refused with a clear message, changing nothing."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from app.core.db import utcnow
from app.core.permissions import Role
from app.downloads.models import GeneratedFile, GeneratedStatus
from app.jobs.outbox import enqueue
from app.network.catalogue import PUBLIC_KIND, public_copy, refresh_public
from app.notifications.models import Notification
from app.storage import get_storage
from tests.factories import create_user
from tests.network import catalogue_world as cw
from tests.workoff import work_off

LT_ONLY = {"country": "LT", "specialisation": "", "region": "", "capability": "", "kind": "", "file_format": "pdf"}


@pytest.fixture
def world(db):
    return cw.build()


def files(db) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(GeneratedFile))


def test_anonymous_visitors_see_the_whole_catalogue_but_cannot_ask_for_their_own(client, db, world):
    page = client.get("/directory/catalogue").get_data(as_text=True)
    assert "Prepare the catalogue" not in page and "/login" in page
    response = client.post_form("/directory/catalogue", LT_ONLY)
    assert response.status_code == 302 and "/login" in response.location
    assert files(db) == 0


def test_a_logged_in_person_gets_the_filtered_catalogue_from_the_worker(client, db, login, world):
    person = create_user(Role.TRAINEE, language="pl")
    login(person)
    assert "Przygotuj katalog" in client.get("/directory/catalogue?country=LT").get_data(as_text=True)
    response = client.post_form("/directory/catalogue", LT_ONLY)
    assert response.status_code == 303 and response.location.startswith("/downloads/")
    page = response.location
    assert work_off("downloads.build") == ["done"]
    status = client.get(page + "/status").json
    assert status["status"] == "ready" and status["name"] == "mcc-catalogue-lt.pdf"
    download = client.get(status["url"])
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(download.data)).pages)
    assert cw.SIAULIAI in text and cw.MARIJAMPOLE in text and cw.LOMZA not in text and cw.INACTIVE not in text
    assert "info@grezimas.example.lt" in text  # "logged-in people" may see it: the asker is one
    assert "ruta@marijampole.example.lt" not in text  # hidden: coordinators only
    db.session.expire_all()
    notice = db.session.scalar(select(Notification).where(Notification.user_id == person.id))
    assert notice.kind == "export.ready" and notice.link == page


def test_the_spreadsheet_is_built_too(client, db, login, world):
    login(create_user(Role.COORDINATOR, language="lt"))
    response = client.post_form("/directory/catalogue", {**LT_ONLY, "country": "", "capability": "welding_tig",
                                                         "file_format": "xlsx"})
    work_off("downloads.build")
    status = client.get(response.location + "/status").json
    assert status["name"] == "mcc-catalogue-welding-tig.xlsx"
    sheets = load_workbook(io.BytesIO(client.get(status["url"]).data), read_only=True).worksheets
    members = list(sheets[0].iter_rows(values_only=True))
    assert members[0][0] == "Narys" and [row[0] for row in members[1:]] == [cw.SUWALKI, cw.MARIJAMPOLE]
    assert "ruta@marijampole.example.lt" in members[2]  # a coordinator's copy holds hidden contacts


@pytest.mark.parametrize(("field", "value", "message"), [
    ("capability", "magic", "Nieprawidłowy wybór"),
    ("country", "DE", "Nieprawidłowy wybór"),
    ("file_format", "docx", "Nieprawidłowy wybór"),
    ("region", "LT-SA", "Ten region nie leży w wybranym kraju."),
    ("kind", "x" * 5000, "Nieprawidłowy wybór"),
])
def test_malformed_filters_get_a_clear_message_and_nothing_is_asked_for(client, db, login, world, field, value,
                                                                          message):
    login(create_user(Role.TRAINEE, language="pl"))
    response = client.post_form("/directory/catalogue", {**LT_ONLY, "country": "PL", field: value})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert files(db) == 0


def test_the_public_catalogue_is_never_built_in_the_request(client, db, world):
    response = client.get("/directory/catalogue.pdf")
    assert response.status_code == 404 and "Katalog jest w przygotowaniu" in client.get(
        "/directory/catalogue.pdf", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert files(db) == 0


def test_the_worker_keeps_the_public_catalogue_ready_and_rebuilds_it_when_entries_change(client, db, world):
    enqueue(PUBLIC_KIND, {})
    db.session.commit()
    assert work_off(PUBLIC_KIND) == ["done"]
    first = public_copy()
    assert first is not None and first.uploaded_by_id is None and first.params["members"] == 4
    response = client.get("/directory/catalogue.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert all(name in text for name in (cw.SUWALKI, cw.LOMZA, cw.MARIJAMPOLE, cw.SIAULIAI))
    assert cw.HIDDEN not in text and cw.INACTIVE not in text
    assert "info@grezimas.example.lt" not in text  # contacts only of members who made them public
    assert "Pobierz katalog" in client.get("/directory/catalogue", headers={"Accept-Language": "pl"}).get_data(
        as_text=True)

    assert refresh_public() is None  # nothing changed: nothing rebuilt
    world.members[cw.HIDDEN].is_published = True  # a coordinator approves an entry
    db.session.commit()
    second = refresh_public()
    db.session.commit()
    assert second is not None and second.params["members"] == 5 and public_copy().id == second.id
    db.session.refresh(first)
    assert first.expires_at <= utcnow() + timedelta(hours=1)  # the old copy: a grace period, then gone
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(client.get("/directory/catalogue.pdf").data)).pages)
    assert cw.HIDDEN in text

    first.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    old_key = first.storage_key
    refresh_public(force=True)  # the nightly rebuild also clears copies past their grace period
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(GeneratedFile, first.id) is None and not get_storage().exists(old_key)
    assert db.session.scalar(select(func.count()).select_from(GeneratedFile).where(
        GeneratedFile.kind == PUBLIC_KIND, GeneratedFile.status == GeneratedStatus.READY)) == 2


def test_nobodys_downloads_page_offers_the_public_copy(client, db, login, world):
    refresh_public()
    db.session.commit()
    row = public_copy()
    login(create_user(Role.ADMIN))
    assert client.get(f"/downloads/{row.id}").status_code == 403


def test_the_schedule_runs_the_check_every_ten_minutes_and_a_rebuild_every_night():
    from app.jobs.schedule import SCHEDULE

    assert SCHEDULE["network.public_catalogue"].crontab == {"minute": "*/10"}
    daily = SCHEDULE["network.public_catalogue_daily"]
    assert daily.kind == PUBLIC_KIND and daily.payload == {"daily": True}
