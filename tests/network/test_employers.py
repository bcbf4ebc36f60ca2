"""Employers are members: one firm spelled several ways is one name key; coordinators confirm suggestions and
everyone with that key gets the employer; later spellings link at once; reports then count one firm."""

import pytest
from sqlalchemy import func, select

from app.accounts.models import Country, User
from app.core.employers import employer_text, set_employer
from app.core.errors import DomainError
from app.core.models import AuditEntry
from app.core.permissions import Role
from app.enrolment.participants import create_managed_participant
from app.network.employers import (
    confirm_employer,
    dismiss_employer,
    name_key,
    registration_numbers,
    resolve_employer,
    unmatched_names,
)
from app.network.models import CompanyAlias
from app.reporting import measures, services
from app.reporting.measures import Scope
from tests.factories import create_user
from tests.factories.catalogue import create_course
from tests.factories.enrolment import enrol
from tests.factories.placements import create_company

SPELLINGS = ("Metal-Tech Sp. z o.o.", "METALTECH sp.z o.o.", "Metal Tech")


@pytest.mark.parametrize(("text", "key"), [
    ("Metal-Tech Sp. z o.o.", "metaltech"), ("METALTECH sp.z o.o.", "metaltech"), ("metal  tech", "metaltech"),
    ("Łódź Stal S.A.", "lodzstal"), ("P.P.H.U. Kowalski s.c.", "kowalski"),
    ("UAB „Alytaus lazeriai“", "alytauslazeriai"),
    ("Alytaus lazeriai, UAB", "alytauslazeriai"), ("IĮ Jonaitis", "jonaitis"), ("MB Šiaulių kalvė", "siauliukalve"),
    ("Spółka z ograniczoną odpowiedzialnością Żuraw", "zuraw"), ("NIP 526-025-02-74", ""), ("", "")])
def test_name_keys_fold_case_diacritics_and_legal_forms(text, key):
    assert name_key(text) == key


def test_registration_numbers_are_found_in_free_text():
    assert registration_numbers("Metal-Tech, NIP 526-025-02-74") == {"5260250274"}
    assert registration_numbers("UAB Lazeriai 110 053 842") == {"110053842"}
    assert registration_numbers("Firma 12345") == set()


def _people(names, country=Country.PL):
    return [create_user(Role.TRAINEE, company_name=name, country=country) for name in names]


def test_three_spellings_are_one_suggestion_ranked_first(db):
    firm = create_company(Country.PL, name="Metal-Tech Sp. z o.o.")
    create_company(Country.PL, name="Metalex Białystok")
    create_company(Country.LT, name="UAB Alytaus lazeriai")
    _people(SPELLINGS)
    [item] = [n for n in unmatched_names() if n.key == "metaltech"]
    assert item.people == 3 and set(item.spellings) == set(SPELLINGS)
    assert item.suggestions[0].company_id == firm.id and item.suggestions[0].score == 100
    assert all(s.name != "UAB Alytaus lazeriai" for s in item.suggestions)


def test_a_registration_number_in_the_text_suggests_that_member(db):
    firm = create_company(Country.PL, name="Zakład Produkcyjny Nowak")
    _people([f"Nowak i synowie NIP {firm.registration_number}"])
    [item] = unmatched_names()
    assert item.suggestions[0].company_id == firm.id and item.suggestions[0].by_number


def test_confirming_links_every_spelling_records_the_alias_and_the_dashboard_counts_one_firm(db):
    """The acceptance test: one firm spelled three ways by three people → one firm, one row, three people."""
    firm = create_company(Country.PL, name="Metal-Tech Suwałki")
    coordinator = create_user(Role.COORDINATOR)
    people = _people(SPELLINGS)
    course = create_course()
    for person in people:
        enrol(person, course)
    before = [r for r in measures.breakdown(Scope(), "company") if r.enrolled]
    assert len(before) == 3  # three spellings, three rows
    for item in unmatched_names():
        confirm_employer(coordinator, item.key, firm)
    db.session.flush()
    assert {p.employer_id for p in people} == {firm.id} and {p.company_name for p in people} == {None}
    [row] = [r for r in measures.breakdown(Scope(), "company") if r.enrolled]
    assert row.key == f"m{firm.id}" and row.enrolled == 3
    assert services.group_labels("company")[row.key] == "Metal-Tech Suwałki"
    assert db.session.scalar(select(CompanyAlias.company_id).where(CompanyAlias.name_key == "metaltech")) == firm.id
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "network.employer_linked")) == 3
    # filtering by the firm finds all three
    assert measures.trainees_enrolled(Scope(company=f"m{firm.id}")) == 3
    # the next person writing a confirmed spelling is linked at once (the profile, a recorded participant)
    newcomer = create_user(Role.TRAINEE)
    set_employer(newcomer, "metaltech SP. Z O.O.")
    assert newcomer.employer_id == firm.id and newcomer.company_name is None
    recorded = create_managed_participant(coordinator, "Jan Nowak", Country.PL, "Metal Tech")
    assert recorded.employer_id == firm.id and employer_text(recorded) == "Metal-Tech Suwałki"


def test_unmatched_names_stay_as_their_own_rows_marked_not_in_the_directory(db):
    person = create_user(Role.TRAINEE, company_name="Warsztat Kowalskiego")
    enrol(person, create_course())
    [row] = [r for r in measures.breakdown(Scope(), "company") if r.enrolled]
    assert row.key == "o:Warsztat Kowalskiego"
    assert "not in the directory" in services.group_labels("company")[row.key]


def test_choosing_a_member_from_the_list_or_another_name(db):
    firm = create_company(Country.LT, name="UAB Marijampolės metalas")
    other = create_company(Country.LT, name="Marijampolės metalas")  # two members with the same key
    person = create_user(Role.TRAINEE)
    set_employer(person, f"UAB Marijampolės metalas ({firm.registration_number})")  # the list's value
    assert person.employer_id == firm.id
    set_employer(person, "Marijampoles metalas")  # ambiguous without the number: kept as written
    assert person.employer_id is None and person.company_name == "Marijampoles metalas"
    assert resolve_employer(other.registration_number) == other.id
    set_employer(person, "")
    assert person.employer_id is None and person.company_name is None


def test_dismissing_stops_suggesting_and_only_coordinators_decide(db):
    firm = create_company(Country.PL, name="Metal-Tech")
    _people(["Metal Tech"])
    trainer = create_user(Role.TRAINER)
    with pytest.raises(DomainError):
        confirm_employer(trainer, "metaltech", firm)
    with pytest.raises(DomainError):
        dismiss_employer(trainer, "metaltech")
    dismiss_employer(create_user(Role.COORDINATOR), "metaltech")
    assert unmatched_names() == []
    assert [n.key for n in unmatched_names(include_dismissed=True)] == ["metaltech"]
    with pytest.raises(DomainError, match="list has changed"):
        confirm_employer(create_user(Role.COORDINATOR), "nosuchkey", firm)


def test_the_matching_page_confirms_in_one_click(client, login, db):
    firm = create_company(Country.PL, name="Metal-Tech")
    people = _people(SPELLINGS)
    login(create_user(Role.COORDINATOR))
    page = client.get("/directory/employers")
    assert page.status_code == 200 and "METALTECH sp.z o.o." in page.text and "Metal-Tech" in page.text
    response = client.post_form("/directory/employers/confirm", {"key": "metaltech", "company_id": firm.id})
    assert response.status_code == 303
    db.session.expire_all()
    assert {p.employer_id for p in people} == {firm.id}
    assert "Every employer is matched" in client.get("/directory/employers").text


def test_the_matching_page_links_to_another_member_typed_in_the_search_field(client, login, db):
    firm = create_company(Country.LT, name="UAB Alytaus lazeriai")
    [person] = _people(["Lazeriai Alytuje"], Country.LT)
    login(create_user(Role.COORDINATOR))
    key = name_key("Lazeriai Alytuje")
    refused = client.post_form("/directory/employers/other", {"key": key, "member": "no such firm"})
    assert refused.status_code == 303
    db.session.expire_all()
    assert db.session.get(User, person.id).employer_id is None
    chosen = f"Alytaus lazeriai ({firm.registration_number})"
    client.post_form("/directory/employers/other", {"key": key, "member": chosen})
    db.session.expire_all()
    assert db.session.get(User, person.id).employer_id == firm.id


def test_people_other_than_coordinators_cannot_match(client, login, db):
    firm = create_company(Country.PL, name="Metal-Tech")
    [person] = _people(["Metal Tech"])
    login(create_user(Role.TRAINER))
    assert client.get("/directory/employers").status_code == 403
    confirm = {"key": "metaltech", "company_id": firm.id}
    assert client.post_form("/directory/employers/confirm", confirm).status_code == 403
    db.session.expire_all()
    assert db.session.get(User, person.id).employer_id is None


def test_the_employer_list_finds_members_by_folded_name_or_number(client, db):
    firm = create_company(Country.PL, name="Łódzka Stal")
    assert [m["id"] for m in client.get("/directory/employers.json?q=lodz").json["members"]] == [firm.id]
    found = client.get(f"/directory/employers.json?q={firm.registration_number[:6]}").json["members"]
    assert found[0]["id"] == firm.id and firm.registration_number[:3] in found[0]["value"].replace("-", "")
    assert client.get("/directory/employers.json?q=x").json == {"members": []}


def test_the_profile_form_links_the_chosen_member(client, login, db):
    firm = create_company(Country.PL, name="Metal-Tech")
    person = create_user(Role.TRAINEE)
    login(person)
    response = client.post_form("/profile", {"full_name": person.full_name, "country": "PL", "language": "en",
                                             "timezone": "Europe/Warsaw", "company_name": "metal tech sp. z o.o."})
    assert response.status_code in (200, 303)
    db.session.expire_all()
    assert db.session.get(User, person.id).employer_id == firm.id
    assert 'value="Metal-Tech"' in client.get("/profile").text


def test_the_bulk_import_links_members_by_name_or_number_and_keeps_other_names(db):
    from app.enrolment.bulk import Row, import_rows

    metal, lazeriai = create_company(Country.PL, name="Metal-Tech Suwałki"), create_company(Country.LT, name="Lazeriai")
    course = create_course()
    rows = [Row(2, "Jan Kowalski", "jan.kowalski@example.com", "PL", "METAL TECH SUWAŁKI sp. z o.o.", str(course.id)),
            Row(3, "Ona Petraitienė", "", "LT", f"įmonės kodas {lazeriai.registration_number}", str(course.id)),
            Row(4, "Eva Nowak", "eva@example.com", "PL", "Warsztat Nowaka", str(course.id))]
    import_rows(rows, create_user(Role.COORDINATOR))
    people = {u.full_name: u for u in db.session.scalars(select(User).where(User.full_name.in_(
        ["Jan Kowalski", "Ona Petraitienė", "Eva Nowak"])))}
    assert people["Jan Kowalski"].employer_id == metal.id
    assert people["Ona Petraitienė"].employer_id == lazeriai.id
    assert (people["Eva Nowak"].employer_id, people["Eva Nowak"].company_name) == (None, "Warsztat Nowaka")


def test_lists_of_people_show_the_members_name_once_linked(db):
    from app.training.documents import attendance_csv
    from tests.factories.training import create_meeting

    firm = create_company(Country.PL, name="Metal-Tech Suwałki")
    course = create_course()
    enrol(create_user(Role.TRAINEE, employer_id=firm.id, full_name="Anna Kowalska"), course)
    enrol(create_user(Role.TRAINEE, company_name="Warsztat Nowaka", full_name="Eva Nowak"), course)
    text = attendance_csv(create_meeting(course)).decode("utf-8-sig")
    assert "Anna Kowalska,Metal-Tech Suwałki" in text and "Eva Nowak,Warsztat Nowaka" in text
