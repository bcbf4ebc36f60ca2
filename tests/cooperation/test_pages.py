"""The exchange over HTTP: posting with a DXF, who sees attachments and threads, refusals answered with a message."""

from __future__ import annotations

import io

from app.accounts.models import Country
from app.cooperation.files import cad_extension
from app.cooperation.models import RequestFile, RequestMessage, RequestOffer, RequestStatus, ServiceRequest
from app.core.permissions import Role
from app.extensions import db as _db
from tests.cooperation.world import member
from tests.factories.accounts import create_user

DXF = (b"0\nSECTION\n2\nHEADER\n0\nENDSEC\n0\nSECTION\n2\nENTITIES\n0\nLINE\n8\n0\n10\n0\n20\n0\n11\n100\n21\n50\n"
       b"0\nENDSEC\n0\nEOF\n")


def test_cad_files_are_recognised_by_extension_and_a_sanity_check():
    assert cad_extension("bracket.DXF", DXF) == "dxf"
    assert cad_extension("part.step", b"ISO-10303-21;\nHEADER;") == "step"
    assert cad_extension("part.dwg", b"AC1032\x00\x00") == "dwg"
    assert cad_extension("evil.dxf", b"MZ\x90\x00\x03") is None  # a renamed executable
    assert cad_extension("part.step", b"just text") is None
    assert cad_extension("drawing.txt", DXF) is None


def post_request(client, company, **extra):
    data = {"company_id": company.id, "title": "Laser-cut brackets", "need_process": "laser_cutting",
            "materials": ["steel"], "quantity": "200", "unit": "pcs", "max_thickness_mm": "4",
            "visibility": "all", "cross_border": "y", "description": "To drawing",
            "file": (io.BytesIO(DXF), "bracket.dxf"), **extra}
    return client.post_form("/cooperation/new", data, content_type="multipart/form-data")


def test_posting_answering_and_who_sees_what(client, login, db):
    lt, lt_contact = member(Country.LT)
    pl, pl_contact = member(Country.PL)
    _pl2, pl2_contact = member(Country.PL)
    login(lt_contact)
    response = post_request(client, lt)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    request = _db.session.query(ServiceRequest).one()
    attachment = _db.session.query(RequestFile).one()
    assert attachment.content_type == "image/vnd.dxf" and attachment.original_filename == "bracket.dxf"
    file_url = f"/cooperation/{request.id}/files/{attachment.id}"
    assert client.get(file_url).data == DXF

    login(pl_contact)
    assert "Laser-cut brackets" in client.get("/cooperation/").get_data(as_text=True)
    assert client.get(f"/cooperation/{request.id}").status_code == 200
    response = client.post_form(f"/cooperation/{request.id}/offer", {
        "company_id": pl.id, "price": "1200.50", "currency": "PLN", "lead_time_days": "7", "note": "Cena netto"})
    assert response.status_code == 303
    offer = _db.session.query(RequestOffer).one()
    assert client.post_form(f"/cooperation/{request.id}/offers/{offer.id}/messages",
                            {"body": "Jaki gatunek stali?"}).status_code == 303

    login(pl2_contact)  # another member may answer, but never sees the first one's offer or thread
    page = client.get(f"/cooperation/{request.id}").get_data(as_text=True)
    assert "Jaki gatunek stali?" not in page and "1200" not in page
    assert client.post_form(f"/cooperation/{request.id}/offers/{offer.id}/messages",
                            {"body": "Me too"}).status_code == 404
    assert _db.session.query(RequestMessage).count() == 1

    outsider = create_user(Role.TRAINEE)
    login(outsider)
    assert client.get(file_url).status_code == 403
    assert client.get(f"/cooperation/{request.id}").status_code == 403

    login(lt_contact)
    page = client.get(f"/cooperation/{request.id}").get_data(as_text=True)
    assert "Jaki gatunek stali?" in page
    assert client.post_form(f"/cooperation/{request.id}/offers/{offer.id}/accept").status_code == 303
    _db.session.expire_all()
    assert _db.session.get(ServiceRequest, request.id).status == RequestStatus.AGREED
    # The request is no longer open: a member that did not answer no longer sees it, nor its drawing.
    login(pl2_contact)
    assert client.get(f"/cooperation/{request.id}").status_code == 404
    assert client.get(file_url).status_code == 404


def test_a_wrong_file_is_refused_with_a_message_and_nothing_is_saved(client, login, db):
    lt, lt_contact = member(Country.LT)
    login(lt_contact)
    response = post_request(client, lt, file=(io.BytesIO(b"MZ\x90\x00" * 100), "evil.dxf"))
    assert response.status_code == 422
    assert "Attach a drawing" in response.get_data(as_text=True)
    assert _db.session.query(ServiceRequest).count() == 0


def test_a_cancelled_request_refuses_changes_with_a_message(client, login, db):
    lt, lt_contact = member(Country.LT)
    login(lt_contact)
    post_request(client, lt, file=(io.BytesIO(b""), ""))
    request = _db.session.query(ServiceRequest).one()
    assert client.post_form(f"/cooperation/{request.id}/status", {"to": "cancelled"}).status_code == 303
    response = client.post_form(f"/cooperation/{request.id}/status", {"to": "agreed"}, follow_redirects=True)
    assert "can no longer change" in response.get_data(as_text=True)
    _db.session.expire_all()
    assert _db.session.get(ServiceRequest, request.id).status == RequestStatus.CANCELLED
