"""Who sees which placement and its documents: the trainee, the firm's mentors and coordinators; nobody else."""

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.core.permissions import Role
from app.network.models import CompanyMember
from app.placements.models import PlacementDocument, PlacementStatus
from app.storage import get_storage
from tests.catalogue.samples import PDF, PNG
from tests.factories import create_user
from tests.factories.placements import create_company, create_placement


@pytest.fixture
def scene(db):
    mentor, other_mentor = create_user(Role.TRAINER), create_user(Role.TRAINER)
    company, other_company = create_company(mentors=[mentor]), create_company(mentors=[other_mentor])
    trainee, other_trainee = create_user(full_name="Łukasz Żółkiewski"), create_user(full_name="Gražina Šimkutė")
    mine = create_placement(trainee, company, status=PlacementStatus.IN_PROGRESS,
                            starts_on=date.today() - timedelta(days=3))
    theirs = create_placement(other_trainee, other_company, mentor=other_mentor)
    return {"mentor": mentor, "other_mentor": other_mentor, "trainee": trainee, "other_trainee": other_trainee,
            "coordinator": create_user(Role.COORDINATOR), "trainer": create_user(Role.TRAINER),
            "admin": create_user(Role.ADMIN), "mine": mine, "theirs": theirs}


@pytest.mark.parametrize(("who", "status"), [("trainee", 200), ("mentor", 200), ("coordinator", 200),
                                             ("admin", 200), ("other_trainee", 403), ("other_mentor", 403),
                                             ("trainer", 403)])
def test_the_placement_page(client, login, scene, who, status):
    login(scene[who])
    assert client.get(f"/placements/{scene['mine'].id}").status_code == status


def test_anonymous_visitors_are_sent_to_log_in(client, scene):
    response = client.get(f"/placements/{scene['mine'].id}")
    assert response.status_code == 302 and "/login" in response.location


def test_a_trainee_sees_only_their_own_placements(client, login, scene):
    login(scene["trainee"])
    html = client.get("/internships/").get_data(as_text=True)
    assert scene["mine"].company.name in html and scene["theirs"].company.name not in html


def test_a_mentor_sees_only_their_firms_interns(client, login, scene):
    login(scene["mentor"])
    html = client.get("/mentor/interns").get_data(as_text=True)
    assert "Łukasz Żółkiewski" in html and "Gražina Šimkutė" not in html
    login(scene["trainer"])  # not a mentor of any firm
    assert client.get("/mentor/interns").status_code == 403


@pytest.mark.parametrize("who", ["trainee", "mentor", "trainer", "other_trainee"])
def test_the_register_and_matching_are_for_coordinators(client, login, scene, who):
    login(scene[who])
    for path in ("/placements/", "/placements/new", "/placements/matching"):
        assert client.get(path).status_code == 403
    login(scene["coordinator"])
    assert all(client.get(path).status_code == 200 for path in ("/placements/", "/placements/new",
                                                                  "/placements/matching"))


def upload(client, placement, content=PDF, name="umowa-stażowa.pdf", kind="agreement"):
    return client.post_form(f"/placements/{placement.id}/documents", {
        "doc-kind": kind, "doc-file": (io.BytesIO(content), name)}, content_type="multipart/form-data",
        follow_redirects=True)


def test_documents_reach_only_the_people_of_the_placement(client, login, db, scene):
    login(scene["trainee"])
    assert "Document stored." in upload(client, scene["mine"]).get_data(as_text=True)
    document = db.session.scalar(select(PlacementDocument))
    assert get_storage().exists(document.storage_key)
    url = f"/placements/{scene['mine'].id}/documents/{document.id}"
    for who in ("trainee", "mentor", "coordinator"):
        login(scene[who])
        response = client.get(url)
        assert response.status_code == 200 and response.data == PDF
        assert "umowa-sta" in response.headers["Content-Disposition"]
    for who in ("other_trainee", "other_mentor", "trainer"):
        login(scene[who])
        assert client.get(url).status_code == 403
        assert upload(client, scene["mine"]).status_code == 403
    assert db.session.scalars(select(PlacementDocument.id)).all() == [document.id]
    # The document cannot be fetched through another placement's address either.
    login(scene["coordinator"])
    assert client.get(f"/placements/{scene['theirs'].id}/documents/{document.id}").status_code == 404


def test_documents_of_the_wrong_kind_are_refused_and_nothing_is_kept(client, login, db, scene, tmp_path):
    login(scene["trainee"])
    html = upload(client, scene["mine"], content=b"MZ\x90\x00 not a document", name="virus.exe") \
        .get_data(as_text=True)
    assert "Upload a PDF, JPG, PNG or DOCX file." in html
    assert db.session.scalar(select(PlacementDocument)) is None
    assert "Document stored." in upload(client, scene["mine"], content=PNG, name="polisa.png",
                                        kind="insurance").get_data(as_text=True)
    document = db.session.scalar(select(PlacementDocument))
    assert (document.content_type, document.kind) == ("image/png", "insurance")


def test_the_company_directory_hides_contacts_from_anonymous_visitors(client, login, scene):
    company = scene["mine"].company
    html = client.get(f"/directory/{company.id}").get_data(as_text=True)
    assert company.name in html and company.contact_email not in html
    assert "Log in to see the contact details." in html
    login(scene["trainee"])
    assert company.contact_email in client.get(f"/directory/{company.id}").get_data(as_text=True)


def test_the_mentor_menu_item_follows_the_company_link_at_no_query_of_its_own(client, login, scene, db):
    from tests.querycount import count_queries

    login(scene["mentor"])
    assert 'href="/mentor/interns"' in client.get("/profile").get_data(as_text=True)
    as_mentor = count_queries(client, "/profile")
    links = db.session.scalars(select(CompanyMember).where(CompanyMember.user_id == scene["mentor"].id)).all()
    for link in links:
        link.is_mentor = False
    db.session.commit()
    assert 'href="/mentor/interns"' not in client.get("/profile").get_data(as_text=True)  # at once, no hint kept
    assert count_queries(client, "/profile") == as_mentor  # loaded with the person, mentor or not
    login(scene["trainer"])  # another person in the same browser, not a mentor
    assert 'href="/mentor/interns"' not in client.get("/profile").get_data(as_text=True)
