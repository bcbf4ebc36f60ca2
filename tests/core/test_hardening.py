"""The holes an attacker's probe found, one test each (the class behind one router: tests/accounts/test_rate_limits.py;
logout: tests/accounts/test_sessions.py; known keys and trusted hosts: tests/core/test_config.py; oversized upload
parts: tests/catalogue/test_uploads.py; every route with hostile input: tests/core/test_hostile_input.py)."""

from __future__ import annotations

import io
import logging
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.core.permissions import Role
from app.network.models import Company
from app.placements.models import PlacementStatus
from app.training.models import TrainingSession
from tests.downloads.helpers import fetch_generated
from tests.factories import create_user
from tests.factories.catalogue import create_course, create_material, first_lesson
from tests.factories.enrolment import enrol
from tests.factories.placements import create_company, create_placement
from tests.factories.training import create_meeting

FORMULA_NAME = "=1+1"
FORMULA_COMPANY = '=HYPERLINK("http://x.example","c")'


# -- 2. XLSX exports never hold a formula ------------------------------------------------------------------------
@pytest.fixture
def formula_world(db):
    trainer = create_user(Role.TRAINER)
    course = create_course(trainers=[trainer])
    trainee = create_user(Role.TRAINEE, full_name=FORMULA_NAME, company_name=FORMULA_COMPANY)
    enrol(trainee, course)
    create_meeting(course, trainer=trainer)
    create_placement(trainee, create_company(), status=PlacementStatus.IN_PROGRESS)
    return course


@pytest.mark.parametrize("export", ["people.xlsx", "placements.xlsx", "figures-company.xlsx", "attendance"])
def test_every_xlsx_export_writes_what_people_typed_as_text(client, login, db, formula_world, export):
    login(create_user(Role.COORDINATOR))
    name = f"attendance-{formula_world.id}.xlsx" if export == "attendance" else export
    response = fetch_generated(client, f"/reports/export/{name}")  # built by a worker (here, in-process)
    workbook = load_workbook(io.BytesIO(response.data))
    cells = [cell for row in workbook.active.iter_rows() for cell in row if cell.value is not None]
    texts = {cell.value for cell in cells}
    # A name not in the directory is marked so ("=HYPERLINK(…) (not in the directory)"): it starts the cell.
    assert any(str(text).startswith((FORMULA_NAME, FORMULA_COMPANY)) for text in texts), sorted(map(str, texts))[:20]
    assert all(cell.data_type != "f" for cell in cells)
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        sheets = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert not any(b"<f>" in sheet or b"<f " in sheet for sheet in sheets)


# -- 3. e-mailed links never follow the Host header ---------------------------------------------------------------
def test_a_reset_link_is_built_on_the_configured_address_not_the_host_header(app, client, db, monkeypatch,
                                                                            sent_mail):
    monkeypatch.setitem(app.config, "BASE_URL", "https://mcc.example.eu")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)  # the session cookie belongs to "localhost"
    user = create_user(Role.TRAINEE)
    response = client.post("/forgot-password", data={"email": user.email}, headers={"Host": "evil.example"})
    assert response.status_code == 303
    body = sent_mail[-1].get_content()
    assert "https://mcc.example.eu/reset-password/" in body and "evil.example" not in body


# -- 5. dates far in the past or the future --------------------------------------------------------------------
@pytest.mark.parametrize("when", ["9999-12-31T22:00", "0001-01-01T00:00"])
def test_a_meeting_out_of_any_sane_range_is_refused_with_a_message(client, login, db, when):
    trainer = create_user(Role.TRAINER, language="lt")
    course = create_course(trainers=[trainer])
    login(trainer)
    response = client.post_form(f"/courses/{course.id}/meetings/new", {
        "title": "Susitikimas", "starts_local": when, "ends_local": when, "timezone": "Europe/Warsaw",
        "venue_country": "PL", "trainer_id": "0", "language": "lt"})
    assert response.status_code == 422
    assert "Pasirinkite datą tarp 2000 ir 2100 metų." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(TrainingSession)) == 0


@pytest.mark.parametrize("path", ["/reports/?start=0001-01-01&end=9999-12-31", "/audit/?since=0001-01-01",
                                  "/reports/people?start=9999-12-31", "/reports/at-risk?end=0001-01-01"])
def test_report_and_audit_filters_with_absurd_dates_answer_with_a_message(client, login, db, path):
    login(create_user(Role.COORDINATOR, language="pl"))
    response = client.get(path)
    assert response.status_code == 200
    assert "Wybierz datę z lat 2000–2100." in response.get_data(as_text=True)


# -- 6. malformed input is 404 or a message, never 500 ---------------------------------------------------------
@pytest.mark.parametrize("path", ["/courses/9223372036854775808", "/courses/2147483648",
                                  "/meetings/99999999999999999999", "/courses/?page=" + "9" * 30,
                                  "/placements/2147483648"])
def test_ids_and_pages_no_column_can_hold_are_404(client, login, db, path):
    login(create_user(Role.COORDINATOR))
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("query", ["company=99999999999999999999", "specialisation=-5", "company=abc",
                                   "status=%00", "pair=ZZ-ZZ"])
def test_register_filters_out_of_range_are_ignored(client, login, db, query):
    login(create_user(Role.COORDINATOR))
    assert client.get(f"/placements/?{query}").status_code in (200, 400)


def test_an_unknown_role_in_the_user_list_filter_is_a_message(client, login, db):
    login(create_user(Role.ADMIN))
    assert client.get("/admin/users/?role=emperor").status_code == 200


@pytest.mark.parametrize("body", ["[1]", '{"parts": [1]}', '{"parts": "x"}', "null", "{"])
def test_an_upload_completion_with_a_malformed_body_is_400(client, login, db, body):
    from tests.catalogue import uploading
    from tests.catalogue.samples import MP4

    trainer = create_user(Role.TRAINER)
    lesson = first_lesson(create_course(trainers=[trainer]))
    login(trainer)
    started = uploading.start(client, lesson.id, "clip.mp4", len(MP4)).json
    response = client.post(started["complete_url"], data=body, content_type="application/json",
                           headers={"X-CSRFToken": client.csrf_token()})
    assert response.status_code == 400


def test_an_upload_start_with_a_json_list_is_refused_not_500(client, login, db):
    trainer = create_user(Role.TRAINER)
    lesson = first_lesson(create_course(trainers=[trainer]))
    login(trainer)
    response = client.post(f"/api/lessons/{lesson.id}/uploads", data="[1]", content_type="application/json",
                           headers={"X-CSRFToken": client.csrf_token()})
    assert response.status_code in (400, 422)


def entity_workbook() -> bytes:
    """A workbook whose sheet declares an entity (a "billion laughs" in small)."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["email", "full_name"])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>' + data
            target.writestr(name, data)
    return out.getvalue()


def test_a_bulk_import_workbook_with_an_entity_declaration_is_refused_with_a_message(client, login, db):
    login(create_user(Role.COORDINATOR, language="pl"))
    response = client.post_form("/manage/enrolments/import", {"file": (io.BytesIO(entity_workbook()), "lista.xlsx")},
                                content_type="multipart/form-data")
    assert response.status_code == 422
    assert "deklaruje encje XML" in response.get_data(as_text=True)


def test_text_with_control_characters_is_refused_not_stored(client, login, db):
    user = create_user(Role.TRAINEE, language="en")
    login(user)
    response = client.post_form("/profile", {"full_name": "Ana\x00lise", "country": "PL", "language": "en",
                                             "timezone": "Europe/Warsaw"})
    assert response.status_code == 422
    assert "control characters" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert "\x00" not in user.full_name


# -- 8. mails are never written to the log --------------------------------------------------------------------
def test_the_outbox_backend_logs_who_and_what_but_never_the_body(app, db, caplog, tmp_path, monkeypatch):
    from app.core.mail import send_mail

    monkeypatch.setitem(app.config, "MAIL_BACKEND", "outbox")
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", tmp_path)
    with caplog.at_level(logging.INFO, logger="app.core.mail"):
        send_mail("ana@example.com", "Reset your MCC password", "https://mcc.example.eu/reset-password/SECRET")
    assert "ana@example.com" in caplog.text and "SECRET" not in caplog.text


# -- 10. the smaller ones --------------------------------------------------------------------------------------
def test_a_company_website_must_be_a_web_address(client, login, db):
    company = create_company()
    login(create_user(Role.COORDINATOR))
    page = client.get(f"/directory/{company.id}/edit").get_data(as_text=True)
    assert page  # the form exists
    from tests.core.test_hostile_input import form_on_page

    data = form_on_page(client, f"/directory/{company.id}/edit")
    data["website"] = "javascript:alert(1)"
    response = client.post(f"/directory/{company.id}/edit", data=data)
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(Company, company.id).website != "javascript:alert(1)"


def test_a_material_download_keeps_the_site_policy_and_only_lets_our_pages_frame_it(client, login, db):
    trainer = create_user(Role.TRAINER)
    course = create_course(trainers=[trainer])
    material = create_material(first_lesson(course))
    login(trainer)
    response = client.get(f"/materials/{material.id}/file")
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy and "script-src 'self'" in policy and "object-src 'none'" in policy
    assert response.headers["Content-Type"].count("charset") <= 1


def test_a_text_material_is_served_with_one_charset(client, login, db):
    trainer = create_user(Role.TRAINER)
    course = create_course(trainers=[trainer])
    material = create_material(first_lesson(course), data=b"G21 G90\nG0 X0 Y0\nM30\n", filename="part.nc",
                               content_type="text/plain; charset=utf-8")
    login(trainer)
    response = client.get(f"/materials/{material.id}/file")
    assert response.status_code == 200
    assert response.headers["Content-Type"].count("charset") == 1


def test_a_trainers_people_export_holds_only_their_courses_and_no_contacts(client, login, db):
    trainer = create_user(Role.TRAINER)
    mine, other = create_course(trainers=[trainer]), create_course()
    ours, theirs = create_user(full_name="Ona Ours"), create_user(full_name="Tadas Theirs")
    enrol(ours, mine)
    enrol(theirs, other)
    login(trainer)
    text = client.get("/reports/export/people.csv").get_data(as_text=True)
    assert "Ona Ours" in text and "Tadas Theirs" not in text
    assert ours.email not in text and "E-mail" not in text.splitlines()[0]
    assert client.get("/reports/export/placements.csv").status_code == 403


def test_trainees_never_reach_reports(client, login, db):
    login(create_user(Role.TRAINEE))
    assert client.get("/reports/export/people.csv").status_code == 403
