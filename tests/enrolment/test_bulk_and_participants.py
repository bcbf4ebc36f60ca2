import io
from datetime import timedelta

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.accounts.models import Invitation, User
from app.core.db import utcnow
from app.core.permissions import Role
from app.enrolment import bulk, participants, services
from app.enrolment.models import Enrolment, EnrolmentStatus
from app.training.models import Attendance
from tests.factories import create_user
from tests.factories.catalogue import create_course
from tests.factories.training import create_meeting


def counts(db):
    db.session.expire_all()
    return (db.session.scalar(select(func.count()).select_from(User)),
            db.session.scalar(select(func.count()).select_from(Enrolment)))


def upload(client, name, data):
    return client.post("/manage/enrolments/import", data={"csrf_token": client.csrf_token(),
                                                          "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_file_with_mixed_rows_imports_nothing_and_lists_every_error(client, login, db):
    course = create_course()
    existing = create_user(email="jest@example.com")
    services.enrol_participant(existing, course, create_user(Role.COORDINATOR))
    db.session.commit()
    login(create_user(Role.COORDINATOR, language="pl"))
    before = counts(db)
    csv = (f"name,email,country,company,course\n"
           f"Jan Kowalski,jan@example.com,PL,Metal-Tech,{course.key}\n"
           f",brak@example.com,PL,X,{course.key}\n"
           f"Ona,not-an-email,LT,Y,{course.key}\n"
           f"Petras,petras@example.com,DE,Z,{course.key}\n"
           f"Anna,anna@example.com,PL,Z,no-such-course\n"
           f"Jan Again,jan@example.com,PL,Metal-Tech,{course.key}\n"
           f"Jest,jest@example.com,PL,Q,{course.key}\n").encode()
    response = upload(client, "people.csv", csv)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for expected in ("Wiersz 3: Brak imienia i nazwiska.", "Wiersz 4: Nieprawidłowy adres e-mail: not-an-email",
                     "Wiersz 5: Nieznany kraj DE", "Wiersz 6: Nieznany kurs: no-such-course",
                     "Wiersz 7: Powtarza wiersz 2.", "Wiersz 8: jest@example.com jest już zapisany na ten kurs."):
        assert expected in html, expected
    assert "Znaleziono 6 problemów – nic nie zaimportowano" in html
    assert 'name="rows"' not in html  # no way to confirm a file with errors
    assert counts(db) == before


def test_a_valid_xlsx_is_previewed_then_imported_matching_inviting_and_recording(client, login, db, sent_mail):
    course = create_course()
    known = create_user(email="znany@example.com")
    login(create_user(Role.COORDINATOR))
    data = xlsx([["name", "email", "country", "company", "course"],
                 ["Znany Człowiek", "ZNANY@example.com", "PL", "A", course.key],
                 ["Nowa Osoba", "nowa@example.com", "Lietuva", "UAB B", course.key],
                 ["Bez Maila", None, "LT", "UAB C", course.key]])
    preview = upload(client, "people.xlsx", data)
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert "Nowa Osoba" in html and counts(db)[1] == 0
    token = html.split('name="rows" type="hidden" value="')[1].split('"')[0]
    response = client.post_form("/manage/enrolments/import/confirm", {"rows": token})
    assert response.status_code == 303
    db.session.expire_all()
    enrolled = {e.user.full_name for e in db.session.scalars(select(Enrolment).where(
        Enrolment.course_id == course.id, Enrolment.status == EnrolmentStatus.ENROLLED))}
    assert enrolled == {known.full_name, "Nowa Osoba", "Bez Maila"}
    assert [m["To"] for m in sent_mail] == ["nowa@example.com"]
    assert db.session.scalar(select(User).where(User.full_name == "Bez Maila")).is_managed


def test_a_tampered_preview_is_refused(client, login, db):
    login(create_user(Role.COORDINATOR))
    response = client.post_form("/manage/enrolments/import/confirm", {"rows": "forged"}, follow_redirects=True)
    assert "The preview has expired" in response.get_data(as_text=True)


def test_templates_download_and_read_back(client, login, db):
    login(create_user(Role.COORDINATOR))
    book = load_workbook(io.BytesIO(client.get("/manage/enrolments/import/template.xlsx").data))
    assert [c.value for c in book.active[1]] == ["name", "email", "country", "company", "course"]
    assert client.get("/manage/enrolments/import/template.csv").data.decode("utf-8-sig").startswith("name,email")


def test_only_coordinators_import(client, login, db):
    course = create_course()
    login(create_user(Role.TRAINER))
    before = counts(db)
    assert client.get("/manage/enrolments/import").status_code == 403
    assert upload(client, "x.csv", b"name\n").status_code == 403
    token = bulk.preview_token([bulk.Row(2, "Jan", "jan@example.com", "PL", "", course.key)])
    assert client.post_form("/manage/enrolments/import/confirm", {"rows": token}).status_code == 403
    assert client.post_form("/manage/participants", {"full_name": "Nowy", "country": "PL", "company_name": "",
                                                     "language": "pl", "gender": ""}).status_code == 403
    assert counts(db) == before


def test_a_managed_participant_later_gets_a_login_without_being_counted_twice(db):
    coordinator = create_user(Role.COORDINATOR)
    course, other_course = create_course(), create_course()
    managed = participants.create_managed_participant(coordinator, "Zbigniew Wróblewski", __import__(
        "app.accounts.models", fromlist=["Country"]).Country.PL, "ZMP Łomża")
    services.enrol_participant(managed, course, coordinator)
    meeting = create_meeting(course, starts_at=utcnow() + timedelta(minutes=20))  # one they belong to
    from app.training.models import AttendanceMethod, AttendanceStatus
    from app.training.services import record_attendance

    record_attendance(meeting, managed, AttendanceStatus.PRESENT, None, coordinator, AttendanceMethod.ROSTER)
    account = create_user(email="zbyszek@example.com", full_name="Zbigniew Wróblewski")
    services.request_enrolment(account, other_course)
    assert participants.give_login(managed, "Zbyszek@Example.com", coordinator) is None  # merged, not invited
    db.session.commit()
    db.session.expire_all()
    assert {e.course_id for e in db.session.scalars(select(Enrolment).where(Enrolment.user_id == account.id))} == \
        {course.id, other_course.id}
    assert db.session.scalar(select(Attendance.user_id)) == account.id
    assert db.session.get(User, managed.id).merged_into_id == account.id
    assert db.session.scalar(select(func.count()).select_from(Enrolment).where(Enrolment.user_id == managed.id)) == 0


def test_a_managed_participant_with_a_new_address_is_invited(client, login, db, sent_mail):
    coordinator = create_user(Role.COORDINATOR)
    login(coordinator)
    client.post_form("/manage/participants", {"full_name": "Vytautas Jankauskas", "country": "LT",
                                              "company_name": "UAB", "language": "lt", "gender": ""})
    person = db.session.scalar(select(User).where(User.full_name == "Vytautas Jankauskas"))
    assert person.is_managed
    client.post_form(f"/manage/participants/{person.id}/login", {"login-email": "vytautas@example.com"})
    db.session.refresh(person)
    assert person.email == "vytautas@example.com" and person.password_hash is None
    assert db.session.scalar(select(Invitation).where(Invitation.user_id == person.id)) is not None
    assert sent_mail[-1]["To"] == "vytautas@example.com"
