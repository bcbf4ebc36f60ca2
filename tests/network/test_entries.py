"""Members keep their own entries: a proposal is never public before a coordinator approves it; a newer proposal
replaces the older; rejecting keeps the entry; approving applies everything; only the member's contact person
proposes, and only coordinators decide."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from app.core.errors import DomainError
from app.core.permissions import Role
from app.network import entries
from app.network.models import Company, EntryRevision, MemberImage, Process, RevisionStatus
from app.notifications.models import Notification
from tests.factories import create_user
from tests.network.entry_world import entry_form, member_with_contact, photo


@pytest.fixture
def world(db):
    company, contact = member_with_contact()
    coordinator = create_user(Role.COORDINATOR, language="pl")
    return company, contact, coordinator


def _propose(client, login, company, contact, **overrides):
    login(contact)
    response = client.post_form(f"/directory/{company.id}/entry", entry_form(company, **overrides),
                                content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return response


def test_the_contact_person_sees_the_form_filled_with_the_entry(client, login, world):
    company, contact, _coordinator = world
    login(contact)
    page = client.get(f"/directory/{company.id}/entry")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert company.name in html and "Send for approval" in html
    assert 'name="products-1-name_en"' in html  # empty rows to add more, without a script


def test_a_proposal_is_not_public_until_approved(client, login, db, world):
    company, contact, coordinator = world
    old_name = company.name
    _propose(client, login, company, contact, name="Renamed Metal UAB")
    db.session.expire_all()
    assert db.session.get(Company, company.id).name == old_name
    revision = db.session.scalar(select(EntryRevision).where(EntryRevision.company_id == company.id))
    assert revision.status == RevisionStatus.PENDING and revision.data["name"] == "Renamed Metal UAB"
    # The contact person sees that it waits; the public sees the old entry.
    assert "waiting for a coordinator" in client.get(f"/directory/{company.id}").get_data(as_text=True)
    client.post_form("/logout")
    public = client.get(f"/directory/{company.id}").get_data(as_text=True)
    assert old_name in public and "Renamed Metal UAB" not in public and "Steel gates" not in public
    assert "Renamed Metal UAB" not in client.get("/directory/").get_data(as_text=True)
    # Coordinators are told, in their own language.
    told = db.session.scalar(select(Notification).where(Notification.user_id == coordinator.id))
    assert told.kind == "network.entry_submitted" and told.link == f"/directory/revisions/{revision.id}"


def test_a_newer_proposal_supersedes_the_older(client, login, db, world):
    company, contact, coordinator = world
    _propose(client, login, company, contact, name="First Try")
    _propose(client, login, company, contact, name="Second Try")
    statuses = [r.status for r in db.session.scalars(select(EntryRevision).where(
        EntryRevision.company_id == company.id).order_by(EntryRevision.id))]
    assert statuses == [RevisionStatus.SUPERSEDED, RevisionStatus.PENDING]
    # Coordinators were told once; the form shows the pending proposal.
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == coordinator.id)) == 1
    assert 'value="Second Try"' in client.get(f"/directory/{company.id}/entry").get_data(as_text=True)


def test_rejecting_keeps_the_entry_and_tells_the_member_why(client, login, db, world):
    company, contact, coordinator = world
    _propose(client, login, company, contact, name="Rejected Name")
    revision = db.session.scalar(select(EntryRevision).where(EntryRevision.company_id == company.id))
    login(coordinator)
    refused = client.post_form(f"/directory/revisions/{revision.id}/reject", {"reason": ""})
    assert refused.status_code == 422 and "dlaczego propozycja" in refused.get_data(as_text=True)  # in Polish
    assert client.post_form(f"/directory/revisions/{revision.id}/reject",
                            {"reason": "Please write the name as registered."}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Company, company.id).name != "Rejected Name"
    revision = db.session.get(EntryRevision, revision.id)
    assert revision.status == RevisionStatus.REJECTED and revision.decided_by_id == coordinator.id
    told = db.session.scalar(select(Notification).where(Notification.user_id == contact.id))
    assert told.kind == "network.entry_rejected" and told.params["reason"] == "Please write the name as registered."
    # A decided proposal is not decided again.
    again = client.post_form(f"/directory/revisions/{revision.id}/approve")
    assert again.status_code == 422 and "już zdecydowano" in again.get_data(as_text=True)
    login(contact)
    history = client.get(f"/directory/{company.id}/history").get_data(as_text=True)
    assert "Rejected" in history and "Please write the name as registered." in history


def test_approving_applies_everything(client, login, db, world):
    company, contact, coordinator = world
    login(contact)
    response = client.post_form(f"/directory/{company.id}/entry", entry_form(
        company, name="Approved Metal UAB", languages=["lt", "en"], region="LT-AL",
        **{"products-0-photo": (io.BytesIO(photo()), "gate.jpg"),
           "products-1-kind": "service", "products-1-name_en": "Powder coating",
           "products-1-photo": (io.BytesIO(photo("PNG")), "coating.png"),
           "logo": (io.BytesIO(photo("PNG", color="red")), "logo.png")}),
        content_type="multipart/form-data")
    assert response.status_code == 303
    revision = db.session.scalar(select(EntryRevision).where(EntryRevision.company_id == company.id))
    login(coordinator)
    page = client.get(f"/directory/revisions/{revision.id}").get_data(as_text=True)
    assert "Approved Metal UAB" in page and "Powder coating" in page
    assert client.post_form(f"/directory/revisions/{revision.id}/approve").status_code == 303
    db.session.expire_all()
    company = db.session.get(Company, company.id)
    assert company.name == "Approved Metal UAB" and company.region == "LT-AL" and company.languages == ["lt", "en"]
    assert company.is_published and {"approved", "metal"} <= set(company.search_document.split())
    assert [c.process for c in company.capabilities] == [Process.LASER_CUTTING]
    assert company.capabilities[0].materials == ["steel", "aluminium"]
    assert company.capabilities[0].max_thickness_mm == 20
    assert [(m.machine_type, m.count) for m in company.machines] == [("Fibre laser", 2)]
    assert [(c.standard, c.valid_until.isoformat()) for c in company.certifications] == [("EN 1090-2 EXC2",
                                                                                          "2028-01-31")]
    assert [(p.name["en"], len(p.photos)) for p in company.products] == [("Steel gates", 1), ("Powder coating", 1)]
    assert db.session.scalar(select(func.count()).select_from(MemberImage).where(
        MemberImage.company_id == company.id, MemberImage.is_logo.is_(True))) == 1
    told = db.session.scalar(select(Notification).where(Notification.user_id == contact.id))
    assert told.kind == "network.entry_approved"
    public = client.get(f"/directory/{company.id}").get_data(as_text=True)
    assert 'itemtype="https://schema.org/Organization"' in public and 'itemprop="makesOffer"' in public
    assert 'itemtype="https://schema.org/Service"' in public and "Powder coating" in public
    assert 'itemprop="knowsLanguage" content="lt"' in public and 'itemprop="logo"' in public


def test_a_removed_photo_goes_only_when_approved(client, login, db, world, app):
    company, contact, coordinator = world
    login(contact)
    client.post_form(f"/directory/{company.id}/entry", entry_form(
        company, **{"products-0-photo": (io.BytesIO(photo()), "gate.jpg")}), content_type="multipart/form-data")
    login(coordinator)
    first = db.session.scalar(select(EntryRevision).where(EntryRevision.company_id == company.id))
    client.post_form(f"/directory/revisions/{first.id}/approve")
    db.session.expire_all()
    product = db.session.get(Company, company.id).products[0]
    image = product.photos[0]
    image_id, key, product_id = image.id, image.storage_key, product.id
    # The contact person removes the photo: it stays public until a coordinator approves that.
    login(contact)
    _propose(client, login, company, contact, **{"products-0-product_id": str(product_id),
                                                 "products-0-photo_ids": str(image_id),
                                                 "products-0-remove_photos": str(image_id)})
    client.post_form("/logout")
    assert client.get(f"/directory/{company.id}/images/{image_id}").status_code == 200
    login(coordinator)
    second = db.session.scalar(select(EntryRevision).where(EntryRevision.status == RevisionStatus.PENDING))
    assert second.data["products"][0]["photos"] == []
    client.post_form(f"/directory/revisions/{second.id}/approve")
    db.session.expire_all()
    assert db.session.get(MemberImage, image_id) is None
    assert not app.extensions["mcc_storage"].exists(key)
    from app.core.models import AuditEntry

    trace = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "network.image_removed"))
    assert trace.before["file"] == key


def test_only_the_contact_person_proposes_and_only_coordinators_decide(client, login, db, world):
    company, contact, coordinator = world
    _other, other_contact = member_with_contact()
    login(other_contact)
    assert client.get(f"/directory/{company.id}/entry").status_code == 403
    assert client.post_form(f"/directory/{company.id}/entry", entry_form(company)).status_code == 403
    assert client.get(f"/directory/{company.id}/history").status_code == 403
    _propose(client, login, company, contact)
    revision = db.session.scalar(select(EntryRevision).where(EntryRevision.company_id == company.id))
    login(other_contact)
    assert client.get(f"/directory/revisions/{revision.id}").status_code == 403
    login(contact)
    assert client.get(f"/directory/revisions/{revision.id}").status_code == 200  # their own proposal
    assert client.post_form(f"/directory/revisions/{revision.id}/approve").status_code == 403
    assert client.get("/directory/moderation").status_code == 403
    with pytest.raises(DomainError):
        entries.propose_entry(coordinator, company, entries.entry_of(company))  # coordinators edit directly
    with pytest.raises(DomainError):
        entries.approve_revision(contact, revision)


@pytest.mark.parametrize(("overrides", "message"), [
    ({"name": ""}, "enter the member"),
    ({"capabilities-0-max_thickness_mm": "-3"}, "millimetres above zero"),
    ({"capabilities-0-process_code": "telepathy"}, "Not a valid choice"),
    ({"website": "javascript:alert(1)"}, "https://"),
    ({"certifications-0-valid_until": "31.01.2028"}, "Not a valid date"),
    ({"products-0-name_en": "", "products-0-photo": (photo(), "x.jpg")}, "at least one language"),
    ({"products-0-photo": (b"%PDF-1.4 not a photo", "gate.jpg")}, "JPEG, PNG or WebP"),
    ({"region": "PL-20"}, "region of the member"),
    ({"products-0-photo_ids": "999999"}, "another member"),
])
def test_bad_input_gets_a_clear_message_and_changes_nothing(client, login, db, world, overrides, message):
    company, contact, _coordinator = world
    login(contact)
    # Files as fresh streams for each run (the same parameters serve both databases).
    overrides = {k: (io.BytesIO(v[0]), v[1]) if isinstance(v, tuple) else v for k, v in overrides.items()}
    response = client.post_form(f"/directory/{company.id}/entry", entry_form(company, **overrides),
                                content_type="multipart/form-data")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(EntryRevision)) == 0
    assert db.session.scalar(select(func.count()).select_from(MemberImage)) == 0


def test_more_rows_adds_rows_without_saving(client, login, db, world):
    company, contact, _coordinator = world
    login(contact)
    response = client.post_form(f"/directory/{company.id}/entry", {**entry_form(company), "more": "y",
                                                                   "submit": None} | {"submit": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'name="machines-1-machine_type"' in html
    assert db.session.scalar(select(func.count()).select_from(EntryRevision)) == 0


def test_coordinators_home_panel_lists_waiting_entries(client, login, db, world):
    company, contact, coordinator = world
    _propose(client, login, company, contact)
    login(coordinator)
    home = client.get("/").get_data(as_text=True)
    assert "Wpisy w katalogu czekające na decyzję" in home and company.name in home  # the coordinator's language
    queue = client.get("/directory/moderation").get_data(as_text=True)
    assert company.name in queue


def test_garbage_in_the_entry_form_is_refused_not_an_error(client, login, db, world):
    company, contact, _coordinator = world
    other, _other_contact = member_with_contact()
    login(contact)
    for overrides in ({"capabilities-0-max_thickness_mm": "nan"}, {"capabilities-0-max_thickness_mm": "1e400"},
                      {"products-0-photo_ids": "abc,-1,99999999999999999"}, {"products-0-product_id": "x" * 40},
                      {"machines-0-count": "99999999999999999999"}, {"products-77777-name_en": "Far row"},
                      {"languages": ["xx", "pl"]}, {"logo_id": "1e9"}, {"kind": "guild"}):
        response = client.post_form(f"/directory/{company.id}/entry", entry_form(company, **overrides),
                                    content_type="multipart/form-data")
        assert response.status_code in (303, 422), (overrides, response.status_code)
    # A product of another member is never taken over.
    other_product = {"products-0-product_id": str(_product_of(db, other))}
    response = client.post_form(f"/directory/{company.id}/entry", entry_form(company, **other_product))
    assert response.status_code == 422 and "another member" in response.get_data(as_text=True)


def _product_of(db, company):
    from app.network.models import Product

    product = Product(company_id=company.id, name={"en": "Theirs"}, description={})
    db.session.add(product)
    db.session.commit()
    return product.id


def test_the_contact_persons_home_shows_their_entry(client, login, db, world):
    company, contact, _coordinator = world
    login(contact)
    home = client.get("/").get_data(as_text=True)
    assert "Your entry in the directory" in home and f"/directory/{company.id}/entry" in home
    _propose(client, login, company, contact)
    assert "is waiting for approval" in client.get("/").get_data(as_text=True)
    login(create_user(Role.MENTOR))  # a mentor keeping no entry sees no such panel
    assert "Your entry in the directory" not in client.get("/").get_data(as_text=True)


def test_removing_a_product_removes_its_photos_once_approved(client, login, db, world):
    company, contact, coordinator = world
    login(contact)
    client.post_form(f"/directory/{company.id}/entry", entry_form(
        company, **{"products-0-photo": (io.BytesIO(photo()), "gate.jpg")}), content_type="multipart/form-data")
    login(coordinator)
    client.post_form(f"/directory/revisions/{db.session.scalar(select(EntryRevision.id))}/approve")
    db.session.expire_all()
    product = db.session.get(Company, company.id).products[0]
    image_id, product_id = product.photos[0].id, product.id
    _propose(client, login, company, contact, **{"products-0-product_id": str(product_id),
                                                 "products-0-photo_ids": str(image_id), "products-0-remove": "y"})
    login(coordinator)
    pending = db.session.scalar(select(EntryRevision).where(EntryRevision.status == RevisionStatus.PENDING))
    assert pending.data["products"] == []
    assert "Steel gates" in client.get(f"/directory/revisions/{pending.id}").get_data(as_text=True)  # "now"
    client.post_form(f"/directory/revisions/{pending.id}/approve")
    db.session.expire_all()
    assert db.session.get(Company, company.id).products == []
    assert db.session.get(MemberImage, image_id) is None
