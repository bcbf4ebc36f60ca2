"""Consent recorded with the notice's version; a person downloads everything MCC holds about them."""

import io
import json
import zipfile
from datetime import date, timedelta

from sqlalchemy import select

from app.accounts.models import Country, User
from app.core.models import AuditEntry
from app.core.permissions import Role
from app.placements import documents as placement_services
from app.placements.models import PlacementStatus
from tests.catalogue.samples import PDF
from tests.factories import create_user
from tests.factories.catalogue import create_course
from tests.factories.enrolment import enrol
from tests.factories.placements import create_company, create_placement

FORM = {"email": "self@example.com", "full_name": "Rūta Žemaitė", "country": "LT", "language": "lt",
        "timezone": "Europe/Vilnius", "company_name": "", "gender": "", "password": "a long password",
        "confirm": "a long password"}


def open_registration(client, login):
    login(create_user(Role.ADMIN))
    client.post_form("/admin/settings", {"self_registration": "y"})
    client.post_form("/logout")


def test_registration_needs_consent_and_records_its_version(client, login, db, app):
    open_registration(client, login)
    response = client.post_form("/register", FORM)
    assert response.status_code == 422
    assert "Please confirm that you agree to the privacy notice" in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "self@example.com")) is None
    assert client.post_form("/register", {**FORM, "consent": "y"}).status_code == 303
    user = db.session.scalar(select(User).where(User.email == "self@example.com"))
    assert user.consent_version == app.config["PRIVACY_NOTICE_VERSION"] and user.consent_at is not None


def test_the_privacy_notice_lists_retention_in_every_language(client):
    for language, words in (("en", "What we keep and for how long"), ("pl", "Co przechowujemy i jak długo"),
                            ("lt", "Ką saugome ir kiek laiko")):
        html = client.get("/privacy", headers={"Accept-Language": language}).get_data(as_text=True)
        assert words in html


def test_a_trainee_downloads_all_their_data_and_files(client, login, db):
    trainee = create_user(full_name="Łukasz Żółkiewski", country=Country.PL)
    other = create_user(full_name="Gražina Šimkutė")
    course = create_course(specialisation="welding")
    enrol(trainee, course)
    enrol(other, course)
    placement = create_placement(trainee, create_company(Country.LT, specialisations=("welding",)),
                                 specialisation="welding", status=PlacementStatus.IN_PROGRESS,
                                 starts_on=date.today() - timedelta(days=3))
    placement_services.store_document(trainee, placement, "agreement", "umowa.pdf", io.BytesIO(PDF))
    db.session.commit()
    login(trainee)
    response = client.get("/profile/my-data.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    data = json.loads(archive.read("data.json"))
    assert data["account"]["full_name"] == "Łukasz Żółkiewski" and "password_hash" not in data["account"]
    assert [e["course_id"] for e in data["enrolments"]] == [course.id]
    assert data["placements"][0]["id"] == placement.id
    files = [n for n in archive.namelist() if n.startswith("files/")]
    assert len(files) == 1 and archive.read(files[0]) == PDF
    assert "Gražina" not in archive.read("data.json").decode()  # nobody else's data
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "privacy.data_exported"))


def test_the_export_needs_a_login(client):
    assert client.get("/profile/my-data.zip").status_code == 302
