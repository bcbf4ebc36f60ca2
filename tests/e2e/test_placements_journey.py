from datetime import date, timedelta

from playwright.sync_api import expect

from app.accounts.models import Country
from app.core.permissions import Role


def test_a_cross_border_placement_from_proposal_to_completion(page, live_server, make_user, browser_login):
    coordinator = make_user(Role.COORDINATOR, language="en")
    mentor = make_user(Role.TRAINER, language="en", full_name="Darius Vaitkus", country=Country.LT)
    trainee = make_user(Role.TRAINEE, language="en", full_name="Łukasz Żółkiewski", country=Country.PL)
    from app.accounts.services import find_user_by_email
    from tests.factories.catalogue import create_course
    from tests.factories.enrolment import enrol
    from tests.factories.placements import create_company

    with live_server.app.app_context():
        enrol(find_user_by_email(trainee["email"]), create_course(specialisation="welding"))
        create_company(Country.LT, name="UAB Suvirinimo technologijos", specialisations=("welding",),
                       mentors=[find_user_by_email(mentor["email"])])
    start = date.today() - timedelta(days=7)

    # The coordinator proposes the placement, then records the agreement and the start.
    browser_login(coordinator["email"])
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Placements").click()
    page.get_by_role("link", name="Propose a placement").click()
    page.get_by_label("Trainee").select_option(label="Łukasz Żółkiewski (PL)")
    page.get_by_label("Host company").select_option(label="UAB Suvirinimo technologijos (LT)")
    page.get_by_label("Specialisation").select_option(label="WELDING")
    page.get_by_label("Mentor").select_option(label="Darius Vaitkus – UAB Suvirinimo technologijos")
    page.get_by_label("From", exact=True).fill(start.isoformat())
    page.get_by_label("To", exact=True).fill((start + timedelta(days=27)).isoformat())
    page.get_by_role("button", name="Propose the placement").click()
    expect(page.get_by_text("Placement proposed.")).to_be_visible()
    expect(page.locator("#placement-status")).to_contain_text("cross-border")
    placement_url = page.url
    for status in ("agreed", "in progress"):
        page.get_by_label("New status").select_option(label=status)
        page.get_by_role("button", name="Change the status").click()
        expect(page.locator("#placement-status")).to_contain_text(status)

    # The trainee logs two days.
    page.context.clear_cookies()
    browser_login(trainee["email"])
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Internships").click()
    page.get_by_role("link", name="UAB Suvirinimo technologijos").click()
    for offset, tasks in ((0, "Fillet welds MAG 135 on 10 mm plate"), (1, "Visual inspection to ISO 5817")):
        page.get_by_label("Day", exact=True).fill((start + timedelta(days=offset)).isoformat())
        page.get_by_label("Hours", exact=True).fill("8")
        page.get_by_label("Tasks done").fill(tasks)
        page.get_by_role("button", name="Save the day").click()
        expect(page.get_by_text("The day is in the logbook and waits for the mentor.")).to_be_visible()
    expect(page.locator("tbody tr", has_text="waiting for the mentor")).to_have_count(2)

    # The mentor confirms the first day, returns the second with a comment, and evaluates the intern.
    page.context.clear_cookies()
    browser_login(mentor["email"])
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="My interns").click()
    page.get_by_role("link", name="Łukasz Żółkiewski").click()
    first = page.locator(f"#day-{start.isoformat()}")
    first.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Day confirmed.")).to_be_visible()
    second = page.locator(f"#day-{(start + timedelta(days=1)).isoformat()}")
    second.get_by_label("Comment").fill("Add which weld imperfections you found.")
    second.get_by_role("button", name="Return").click()
    expect(page.get_by_text("Day returned to the intern.")).to_be_visible()
    expect(page.locator("#hours")).to_contain_text("8.0 of 160 planned hours confirmed")
    page.get_by_role("link", name="Evaluate the intern").click()
    for label in ("Safety at work", "Technical skills", "Quality of work", "Teamwork", "Communication",
                  "Independence"):
        page.get_by_label(label).select_option("4")
    page.get_by_role("button", name="Save the evaluation").click()
    expect(page.get_by_text("Evaluation saved.")).to_be_visible()

    # The coordinator completes the placement and issues the certificate.
    page.context.clear_cookies()
    browser_login(coordinator["email"])
    page.goto(placement_url)
    page.get_by_label("New status").select_option(label="completed")
    page.get_by_role("button", name="Change the status").click()
    expect(page.locator("#placement-status")).to_contain_text("completed")
    page.get_by_role("button", name="Issue the internship certificate").click()
    expect(page.get_by_role("link", name="Download the certificate (PDF)")).to_be_visible()
