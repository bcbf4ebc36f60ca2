from datetime import date, timedelta

from playwright.sync_api import expect

from app.accounts.models import Country
from app.core.permissions import Role


def test_a_cross_border_placement_from_proposal_to_completion(page, live_server, make_user, browser_login):
    coordinator = make_user(Role.COORDINATOR, language="en")
    mentor = make_user(Role.MENTOR, language="en", full_name="Darius Vaitkus", country=Country.LT)
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
    expect(page.locator("#hours")).to_contain_text("8 of 160 planned hours confirmed")
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


def test_matching_on_a_phone_in_lithuanian_skips_an_overlap_and_saves_the_valid_rows(browser, live_server,
                                                                                      make_user):
    """A Lithuanian coordinator matches on her phone: the trainee whose placement runs into the first offer by one day
    is proposed his second choice; a colleague places another applicant while the page is open, so confirming saves
    the two valid rows and names the refused one once."""
    from datetime import date

    from sqlalchemy import select

    from app.accounts.models import User
    from app.accounts.services import find_user_by_email
    from app.extensions import db
    from app.network.models import Company
    from app.placements.models import Application, ApplicationChoice, InternshipOffer, Placement, PlacementStatus
    from tests.factories.catalogue import create_course, get_specialisation
    from tests.factories.enrolment import enrol
    from tests.factories.placements import create_company, create_placement

    coordinator = make_user(Role.COORDINATOR, language="lt", full_name="Rūta Kazlauskienė", country=Country.LT)
    mentor = make_user(Role.TRAINER, language="lt", full_name="Darius Vaitkus", country=Country.LT)
    people = {name: make_user(Role.TRAINEE, language="lt", full_name=name, country=country) for name, country in (
        ("Gražina Šimkutė", Country.LT), ("Łukasz Żółkiewski", Country.PL), ("Jonas Jonaitis", Country.LT))}
    with live_server.app.app_context():
        trainees = {name: find_user_by_email(person["email"]) for name, person in people.items()}
        course = create_course(specialisation="cnc")
        for trainee in trainees.values():
            enrol(trainee, course)
        tekinimas = create_company(Country.LT, name="UAB Tekinimo centras", capacity=5,
                                   mentors=[find_user_by_email(mentor["email"])])
        frezpol = create_company(Country.PL, name="Frez-Pol sp. z o.o.", capacity=5)
        march, april = (InternshipOffer(company=company, specialisation=get_specialisation("cnc"),
                                        title={"lt": title, "en": title}, starts_on=start, ends_on=end, places=3)
                        for company, title, start, end in (
                            (tekinimas, "CNC tekinimas", date(2027, 3, 1), date(2027, 3, 26)),
                            (frezpol, "Frezowanie CNC", date(2027, 4, 5), date(2027, 4, 30))))
        db.session.add_all([march, april])
        # Jonas's agreed placement ends on 1 March, the first day of the March offer: they overlap by one day.
        create_placement(trainees["Jonas Jonaitis"], frezpol, starts_on=date(2027, 2, 1), days=28,
                         status=PlacementStatus.AGREED)
        for name, choices in (("Gražina Šimkutė", [march]), ("Łukasz Żółkiewski", [march]),
                              ("Jonas Jonaitis", [march, april])):
            application = Application(user=trainees[name], motivation="Noriu išmokti CNC tekinimo tikroje gamykloje.")
            application.choices = [ApplicationChoice(offer=offer, rank=n) for n, offer in enumerate(choices, 1)]
            db.session.add(application)
        db.session.commit()
        ids = {name: trainee.id for name, trainee in trainees.items()}
        march_id, april_id, frezpol_id = march.id, april.id, frezpol.id
        applications = {a.user_id: a.id for a in db.session.scalars(select(Application))}
        db.session.remove()

    context = browser.new_context(locale="lt-LT", timezone_id="Europe/Vilnius", viewport={"width": 360, "height": 740})
    phone = context.new_page()
    phone.goto(live_server("/login"))
    phone.locator("#email").fill(coordinator["email"])
    phone.locator("#password").fill("correct horse battery")
    phone.get_by_role("button", name="Prisijungti").click()
    phone.goto(live_server("/placements/"))
    phone.get_by_role("link", name="Paskirstyti paraiškas pasiūlymams").click()

    # The proposal: Gražina and Łukasz get March; Jonas his second choice, March is shown but cannot be chosen.
    jonas = phone.locator(f"#offer_{applications[ids['Jonas Jonaitis']]}")
    expect(jonas).to_have_value(str(april_id))
    expect(jonas.locator(f'option[value="{march_id}"]')).to_be_disabled()
    expect(jonas.locator(f'option[value="{march_id}"]')).to_contain_text("sutampa su šio dalyvio praktika")
    for name in ("Gražina Šimkutė", "Łukasz Żółkiewski"):
        expect(phone.locator(f"#offer_{applications[ids[name]]}")).to_have_value(str(march_id))
    overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the matching page scrolls sideways by {overflow}px at 360px"

    # Meanwhile a colleague proposes Łukasz a placement in March elsewhere.
    with live_server.app.app_context():
        create_placement(db.session.get(User, ids["Łukasz Żółkiewski"]), db.session.get(Company, frezpol_id),
                         starts_on=date(2027, 3, 10), days=14)
        db.session.remove()
    phone.get_by_role("button", name="Patvirtinti šiuos paskirstymus").click()
    flashes = phone.locator(".flashes")
    expect(flashes.locator(".flash-success")).to_have_text("Pasiūlytos 2 praktikos.")
    expect(flashes.locator(".flash-error")).to_have_text(
        "Łukasz Żółkiewski: Dalyvis šiuo laikotarpiu jau turi praktiką.")
    assert flashes.inner_text().count("Łukasz Żółkiewski") == 1
    # Back on the matching page: only Łukasz's application is still open.
    expect(phone.locator("tbody tr")).to_have_count(1)
    expect(phone.locator("tbody tr")).to_contain_text("Łukasz Żółkiewski")

    with live_server.app.app_context():
        saved = {(p.trainee_id, p.offer_id, p.status) for p in db.session.scalars(
            select(Placement).where(Placement.offer_id.is_not(None)))}
        assert saved == {(ids["Gražina Šimkutė"], march_id, PlacementStatus.PROPOSED),
                         (ids["Jonas Jonaitis"], april_id, PlacementStatus.PROPOSED)}
        statuses = {a.user_id: a.status for a in db.session.scalars(select(Application))}
        assert statuses == {ids["Gražina Šimkutė"]: "placed", ids["Jonas Jonaitis"]: "placed",
                            ids["Łukasz Żółkiewski"]: "open"}
        db.session.remove()
    context.close()
