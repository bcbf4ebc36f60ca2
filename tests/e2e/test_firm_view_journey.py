"""A firm's manager opens the firm view, one employee's training and the staff export; another firm's view is
refused. On a phone too (the manager reads it on the shop floor)."""

import io
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect

from app.accounts.models import Country
from app.core.db import utcnow
from app.core.permissions import Role


def _firms(live_server):
    """Firm A (Polish) with an employee enrolled in a course and a confirmed manager; firm B with its own one."""
    from app.extensions import db
    from app.network.models import CompanyMember
    from tests.factories import create_user
    from tests.factories.catalogue import create_course
    from tests.factories.enrolment import enrol
    from tests.factories.placements import create_company

    with live_server.app.app_context():
        a, b = create_company(Country.PL, name="Metal-Tech Suwałki"), create_company(Country.LT, name="UAB Lazeriai")
        anna = create_user(Role.TRAINEE, full_name="Anna Kowalska", employer_id=a.id)
        jonas = create_user(Role.TRAINEE, full_name="Jonas Jonaitis", employer_id=b.id, country=Country.LT)
        course = create_course()
        enrol(anna, course)
        enrol(jonas, course)
        manager = create_user(Role.MENTOR, full_name="Marek Kierownik", language="en")
        db.session.add(CompanyMember(company_id=a.id, user_id=manager.id, is_mentor=False, is_manager=True,
                                     manager_confirmed_at=utcnow()))
        db.session.commit()
        ids = {"a": a.id, "b": b.id, "anna": anna.id, "jonas": jonas.id, "manager": manager.email}
        db.session.remove()
        return ids


def test_a_manager_sees_the_staff_training_downloads_it_and_is_refused_another_firm(page, live_server,
                                                                                  browser_login):
    ids = _firms(live_server)
    page.set_viewport_size({"width": 360, "height": 740})
    browser_login(ids["manager"])
    page.goto(live_server("/firm/"))  # straight to the manager's one firm
    expect(page.get_by_role("heading", name="Metal-Tech Suwałki: the staff's training")).to_be_visible()
    staff = page.get_by_role("table", name="Staff")
    expect(staff).to_contain_text("Anna Kowalska")
    expect(staff).not_to_contain_text("Jonas")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")  # no sideways page

    page.get_by_role("link", name="Anna Kowalska").click()
    expect(page.get_by_role("heading", name="Anna Kowalska")).to_be_visible()
    expect(page.get_by_role("table", name="Courses")).to_be_visible()
    page.go_back()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="XLSX").click()
    download = download_info.value
    assert download.suggested_filename == f"mcc-firm-{ids['a']}.xlsx"
    rows = list(load_workbook(io.BytesIO(Path(download.path()).read_bytes()), read_only=True)
                .worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "Name" and [r[0] for r in rows[1:]] == ["Anna Kowalska"]

    response = page.goto(live_server(f"/firm/{ids['b']}/"))
    assert response.status == 403
    response = page.goto(live_server(f"/firm/{ids['a']}/people/{ids['jonas']}"))
    assert response.status == 403
