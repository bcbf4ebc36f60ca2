"""The company directory: registration numbers checked by country, the public catalogue, offers, applications."""

from datetime import date

import pytest
from sqlalchemy import func, select

from app.accounts.models import Country
from app.core.errors import DomainError
from app.core.permissions import Role
from app.network.identifiers import clean_registration_number, clean_vat_number
from app.network.models import Company
from app.placements import mentors as companies, offers
from app.placements.models import Application, InternshipOffer
from tests.factories import create_user
from tests.factories.catalogue import create_course, get_specialisation
from tests.factories.enrolment import enrol
from tests.factories.placements import create_company


@pytest.mark.parametrize(("country", "raw", "compact"), [
    (Country.PL, "526-025-02-74", "5260250274"), (Country.PL, "PL 5260250274", "5260250274"),
    (Country.LT, "110053842", "110053842"), (Country.LT, "110 053 842", "110053842")])
def test_valid_registration_numbers_are_stored_compact(country, raw, compact):
    assert clean_registration_number(country, raw) == compact


@pytest.mark.parametrize(("country", "raw", "message"), [
    (Country.PL, "5260250275", "not a valid Polish NIP"),  # wrong check digit
    (Country.PL, "526025027", "not a valid Polish NIP"),  # too short
    (Country.PL, "ABCDEFGHIJ", "not a valid Polish NIP"),
    (Country.LT, "11005384", "exactly 9 digits"),
    (Country.LT, "1100538420", "exactly 9 digits"),
    (Country.LT, "LT11005384", "exactly 9 digits")])
def test_bad_registration_numbers_say_what_is_expected(country, raw, message):
    with pytest.raises(DomainError, match=message) as error:
        clean_registration_number(country, raw)
    assert error.value.field == "registration_number"


def test_vat_numbers_are_checked_for_the_companys_country():
    assert clean_vat_number(Country.PL, "pl 526-025-02-74") == "PL5260250274"
    assert clean_vat_number(Country.LT, "LT100001919017") == "LT100001919017"
    assert clean_vat_number(Country.LT, "") is None
    for country, raw in ((Country.LT, "LT100001919018"), (Country.PL, "5260250275"), (Country.LT, "PL5260250274")):
        with pytest.raises(DomainError, match="not a valid EU VAT number"):
            clean_vat_number(country, raw)


def company_form(**overrides):
    data = {"name": "Metal-Tech Suwałki Sp. z o.o.", "country": "PL", "city": "Suwałki",
            "registration_number": "526-025-02-74", "intern_capacity": "2", "is_cluster_member": "y",
            "description_pl": "Spawanie konstrukcji stalowych.", "contact_email": "biuro@metal-tech.example.com"}
    data.update(overrides)
    return data


def test_a_coordinator_adds_a_company(client, login, db):
    login(create_user(Role.COORDINATOR))
    spec = get_specialisation("welding")
    response = client.post_form("/directory/new", company_form(specialisations=[str(spec.id)]))
    assert response.status_code == 303
    company = db.session.scalar(select(Company))
    assert (company.registration_number, company.country, [s.code for s in company.specialisations]) == (
        "5260250274", Country.PL, ["welding"])
    assert company.description == {"pl": "Spawanie konstrukcji stalowych."}


def test_a_bad_nip_is_explained_in_the_users_language_and_nothing_is_saved(client, login, db):
    login(create_user(Role.COORDINATOR, language="pl"))
    response = client.post_form("/directory/new", company_form(registration_number="526-025-02-75"))
    assert response.status_code == 422
    assert "To nie jest prawidłowy polski NIP" in response.get_data(as_text=True)
    response = client.post_form("/directory/new", company_form(country="LT", registration_number="12345"))
    assert "Kod litewskiej firmy ma dokładnie 9 cyfr" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Company)) == 0


def test_the_same_registration_number_cannot_be_added_twice(client, login, db):
    login(create_user(Role.COORDINATOR))
    client.post_form("/directory/new", company_form())
    response = client.post_form("/directory/new", company_form(name="Another name"))
    assert "already in the directory" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Company)) == 1


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.TRAINER])
def test_only_coordinators_edit_the_directory(client, login, db, role):
    company = create_company()
    person = create_user(role)
    login(person)
    assert client.get("/directory/new").status_code == 403
    assert client.post_form("/directory/new", company_form()).status_code == 403
    assert client.post_form(f"/directory/{company.id}/edit", company_form()).status_code == 403
    assert client.post_form(f"/directory/{company.id}/mentors", {"email": person.email}).status_code == 403
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Company)) == 1
    assert (db.session.get(Company, company.id).name, db.session.get(Company, company.id).members) == (company.name, [])
    with pytest.raises(DomainError):
        companies.add_mentor(create_user(role), company, create_user(Role.TRAINER))


def test_the_public_directory_filters_by_specialisation_country_and_words(client, db):
    create_company(Country.PL, name="Zakład Mechaniki Precyzyjnej Łomża", specialisations=("cnc",))
    create_company(Country.LT, name="UAB Suvirinimo technologijos", specialisations=("welding",))
    create_company(Country.LT, name="UAB Alytaus lazeriai", specialisations=("laser", "cnc"))

    def names(query):
        html = client.get(f"/directory/?{query}").get_data(as_text=True)
        return {n for n in ("Łomża", "Suvirinimo", "lazeriai") if n in html}

    assert names("") == {"Łomża", "Suvirinimo", "lazeriai"}
    assert names("specialisation=cnc") == {"Łomża", "lazeriai"}
    assert names("specialisation=cnc&country=LT") == {"lazeriai"}
    assert names("q=suvirinimo") == {"Suvirinimo"}


def test_a_mentor_publishes_offers_for_their_own_firm_only(client, login, db):
    mentor = create_user(Role.TRAINER)
    own, foreign = create_company(mentors=[mentor]), create_company()
    spec = get_specialisation("cnc")
    login(mentor)
    data = {"specialisation_id": str(spec.id), "starts_on": "2027-02-01", "ends_on": "2027-02-26", "places": "2",
            "planned_hours": "160", "working_language": "lt", "title_en": "CNC lathe internship"}
    assert client.post_form("/offers/new", {**data, "company_id": str(foreign.id)}).status_code == 422
    assert client.post_form("/offers/new", {**data, "company_id": str(own.id)}).status_code == 303
    assert [o.company_id for o in db.session.scalars(select(InternshipOffer))] == [own.id]
    login(create_user(Role.TRAINEE))
    assert client.get("/offers/new").status_code == 403


def make_offer(company, spec="cnc", places=1):
    offer = InternshipOffer(company=company, specialisation=get_specialisation(spec), title={"en": "Internship"},
                            starts_on=date(2027, 3, 1), ends_on=date(2027, 3, 26), places=places)
    from app.extensions import db

    db.session.add(offer)
    db.session.commit()
    return offer


def test_trainees_apply_with_up_to_three_ranked_offers(client, login, db):
    trainee = create_user()
    enrol(trainee, create_course(specialisation="cnc"))
    offers = [make_offer(create_company()) for _ in range(3)]
    login(trainee)
    response = client.post_form("/internships/", {
        "first": str(offers[1].id), "second": str(offers[0].id), "third": "0",
        "motivation": "Chcę poznać obróbkę CNC w litewskiej firmie."})
    assert response.status_code == 303
    application = db.session.scalar(select(Application))
    assert [(c.rank, c.offer_id) for c in application.choices] == [(1, offers[1].id), (2, offers[0].id)]
    response = client.post_form("/internships/", {"first": str(offers[0].id), "second": str(offers[0].id),
                                                  "third": "0", "motivation": "Chcę poznać obróbkę CNC."})
    assert "Choose one to three different offers." in response.get_data(as_text=True)
    response = client.post_form("/internships/", {"first": str(offers[0].id), "second": "0", "third": "0",
                                                  "motivation": "short"})
    assert "at least 20 characters" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Application)) == 1


def test_only_offers_of_the_trainees_specialisations_can_be_chosen(db):
    trainee = create_user()
    enrol(trainee, create_course(specialisation="welding"))
    offer = make_offer(create_company(), spec="laser")
    with pytest.raises(DomainError, match="specialisation you are enrolled in"):
        offers.apply(trainee, [offer.id], "I would like to learn laser cutting in Lithuania.")
    with pytest.raises(DomainError, match="Only trainees"):
        offers.apply(create_user(Role.TRAINER), [offer.id], "I would like to learn laser cutting.")
