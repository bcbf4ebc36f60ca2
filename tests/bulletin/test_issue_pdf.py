"""The issue PDF is built by a worker, never in the request: a logged-in reader gets it on their downloads page
(every published post, in their language); visitors get the public copy kept per language (public posts only),
rebuilt when what the issue says changes. Polish and Lithuanian letters survive (the text is read back)."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader

from app.bulletin import services
from app.bulletin.models import Visibility
from app.core.db import utcnow
from app.core.permissions import Role
from app.downloads.models import GeneratedFile
from tests.factories import create_user
from tests.workoff import work_off


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_readers_and_visitors_get_the_issue_pdf_from_the_worker(client, login, db):
    coordinator = create_user(Role.COORDINATOR, language="pl")
    public = services.write_post(coordinator, title={"pl": "Żółta spawalnia", "lt": "Geltona suvirinimo dirbtuvė"},
                                 body={"pl": "Zażółć gęślą jaźń.", "lt": "Ąžuolas, ėriukas, ūsai, šaltis, čia."},
                                 source_language="pl", visibility=Visibility.PUBLIC, publish=True)
    services.write_post(coordinator, title={"pl": "Tylko dla członków"}, body={"pl": "Wewnętrzne ćwiczenia."},
                        source_language="pl", visibility=Visibility.MEMBERS, publish=True)
    db.session.commit()
    login(coordinator)
    response = client.post_form("/bulletin/issues/new", {"number": "7", "title_pl": "Numer siódmy",
                                                         "period_start": date(2020, 1, 1).isoformat(),
                                                         "period_end": utcnow().date().isoformat()})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    issue_path = response.location.split("localhost")[-1]

    # a logged-in reader: asked of the worker, then on the downloads page, in the reader's language
    client.post_form("/language", {"language": "lt"})
    asked = client.get(issue_path + ".pdf")
    assert asked.status_code == 303 and "/downloads/" in asked.location
    assert work_off("downloads.build") == ["done"]
    row = db.session.query(GeneratedFile).filter_by(kind="bulletin.issue").one()
    assert row.uploaded_by_id == coordinator.id and row.original_filename == "bulletin-7.pdf"
    pdf = client.get(f"/downloads/{row.id}/file")
    assert pdf.status_code == 200 and pdf.content_type == "application/pdf"
    text = text_of(pdf.data)
    assert "Geltona suvirinimo dirbtuvė" in text and "Ąžuolas, ėriukas, ūsai, šaltis, čia." in text
    assert "Tylko dla członków" in text  # members-only posts are in a logged-in reader's copy

    # a visitor: the public copies were asked for when the issue was published
    client.post_form("/logout")
    assert sorted(work_off("bulletin.issue_public")) == ["done", "done", "done"]
    client.post_form("/language", {"language": "pl"})
    pdf = client.get(issue_path + ".pdf")
    assert pdf.status_code == 200 and pdf.content_type == "application/pdf"
    text = text_of(pdf.data)
    assert "Żółta spawalnia" in text and "Zażółć gęślą jaźń." in text and "Tylko dla członków" not in text

    # the public post is deleted: the old copy is not served, a new one is prepared without it
    services.delete_post(coordinator, public)
    db.session.commit()
    waiting = client.get(issue_path + ".pdf")
    assert waiting.status_code == 202 and 'id="issue-preparing"' in waiting.text
    assert client.get(issue_path + ".pdf").status_code == 202  # asked once per content
    assert work_off("bulletin.issue_public") == ["done"]
    pdf = client.get(issue_path + ".pdf")
    assert pdf.status_code == 200 and "Żółta spawalnia" not in text_of(pdf.data)
    public_copies = [r for r in db.session.query(GeneratedFile).filter_by(kind="bulletin.issue_public")
                     if r.params["language"] == "pl"]
    assert len(public_copies) == 1  # the superseded copy is gone
    assert client.get("/bulletin/issues/999999.pdf").status_code == 404
