"""Demo placements at the network's demo firms on both sides of the border (app.network.demo, which seeds them
first): two mentors (MENTOR accounts), open offers, an open application, and placements in every state (a
cross-border one in progress with its logbook, a completed domestic one)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.accounts.models import Country, User
from app.accounts.passwords import hash_password
from app.accounts.services import find_user_by_email
from app.catalogue.models import Specialisation
from app.core.db import utcnow
from app.core.demo import demo_seeder
from app.core.permissions import Role
from app.extensions import db
from app.network.models import Company, CompanyMember
from app.placements.models import (
    Application,
    ApplicationChoice,
    ApplicationStatus,
    EntryStatus,
    Evaluation,
    InternshipOffer,
    LogbookEntry,
    Placement,
    PlacementEvent,
    PlacementStatus,
)

#: (e-mail, name, country, language, company)
MENTORS = [
    ("opiekun@example.com", "Marek Kowalczyk", Country.PL, "pl", "Metal-Tech Suwałki Sp. z o.o."),
    ("mentorius@example.com", "Darius Vaitkus", Country.LT, "lt", "UAB Suvirinimo technologijos"),
    ("mentorius@example.com", "Darius Vaitkus", Country.LT, "lt", "UAB Marijampolės metalas"),
]
#: The network's demo firms (app.network.demo) that host the demo's offers and placements.
FIRMS = ("Zakład Mechaniki Precyzyjnej Łomża", "Metal-Tech Suwałki Sp. z o.o.", "UAB Suvirinimo technologijos",
         "UAB Alytaus lazeriai", "UAB Marijampolės metalas")
MENTOR_PASSWORD = "demo-mentor-2026"  # noqa: S105  (demo account, listed in the README)


def _offer(company: Company, spec: Specialisation, title: dict, start: date, weeks: int, places: int,
           language: str) -> InternshipOffer:
    offer = InternshipOffer(company=company, specialisation=spec, title=title, description={}, starts_on=start,
                            ends_on=start + timedelta(weeks=weeks), places=places, working_language=language,
                            location=company.city, planned_hours=weeks * 40)
    db.session.add(offer)
    return offer


def _placement(trainee: User, company: Company, spec: Specialisation, mentor: User | None, start: date, weeks: int,
               path: list[PlacementStatus], offer: InternshipOffer | None = None) -> Placement:
    placement = Placement(trainee=trainee, company=company, specialisation=spec, mentor=mentor, offer=offer,
                          starts_on=start, ends_on=start + timedelta(weeks=weeks), planned_hours=weeks * 40,
                          status=path[-1], status_changed_at=utcnow())
    db.session.add(placement)
    db.session.flush()
    previous = None
    for status in path:
        db.session.add(PlacementEvent(placement_id=placement.id, from_status=previous, to_status=status,
                                      reason="demo data"))
        previous = status
    return placement


@demo_seeder(order=60)
def seed_demo_placements() -> None:
    """Offers, mentors and placements at the network's demo firms (app.network.demo, which runs first)."""
    if db.session.scalar(select(InternshipOffer.id).limit(1)) is not None:
        return
    specs = {s.code: s for s in db.session.scalars(select(Specialisation))}
    if not {"cnc", "welding", "laser", "logistics"} <= set(specs):
        return
    companies = {c.name: c for c in db.session.scalars(select(Company).where(Company.name.in_(FIRMS)))}
    if len(companies) < len(FIRMS):
        return
    mentors = {}
    for email, name, country, language, company_name in MENTORS:
        user = mentors.get(email) or find_user_by_email(email)
        if user is None:
            user = User(email=email, password_hash=hash_password(MENTOR_PASSWORD), full_name=name,
                        role=Role.MENTOR, country=country, language=language, company_name=company_name,
                        timezone="Europe/Vilnius" if country == Country.LT else "Europe/Warsaw")
            db.session.add(user)
            db.session.flush()
        mentors[email] = user
        db.session.add(CompanyMember(company=companies[company_name], user=user, is_mentor=True))
    db.session.flush()

    today = date.today()
    monday = today - timedelta(days=today.weekday())
    suwalki, alytus = companies["Metal-Tech Suwałki Sp. z o.o."], companies["UAB Suvirinimo technologijos"]
    lomza, marijampole = companies["Zakład Mechaniki Precyzyjnej Łomża"], companies["UAB Marijampolės metalas"]
    welding_offer = _offer(suwalki, specs["welding"], {
        "pl": "Staż spawacza MIG/MAG – konstrukcje stalowe", "lt": "MIG/MAG suvirintojo praktika – plieninės "
        "konstrukcijos", "en": "MIG/MAG welder internship – steel structures"}, monday + timedelta(weeks=3), 4, 2,
        "pl")
    cnc_offer = _offer(lomza, specs["cnc"], {
        "pl": "Staż operatora tokarki CNC", "lt": "CNC tekinimo staklių operatoriaus praktika",
        "en": "CNC lathe operator internship"}, monday + timedelta(weeks=6), 4, 1, "en")
    _offer(companies["UAB Alytaus lazeriai"], specs["laser"], {
        "pl": "Staż operatora wycinarki laserowej", "lt": "Lazerinio pjovimo staklių operatoriaus praktika",
        "en": "Laser cutting operator internship"}, monday + timedelta(weeks=5), 3, 1, "lt")
    db.session.flush()

    kursant, kursante = find_user_by_email("kursant@example.com"), find_user_by_email("kursante@example.com")
    trainee = find_user_by_email("trainee@example.com")
    if kursant:  # PL trainee at a LT firm, running: the logbook shows every state
        running = _placement(kursant, alytus, specs["welding"], mentors["mentorius@example.com"],
                             monday - timedelta(weeks=1), 4,
                             [PlacementStatus.PROPOSED, PlacementStatus.AGREED, PlacementStatus.IN_PROGRESS])
        for offset, status, comment in ((0, EntryStatus.CONFIRMED, None), (1, EntryStatus.CONFIRMED, None),
                                        (2, EntryStatus.RETURNED, "Proszę dopisać parametry spawania."),
                                        (3, EntryStatus.SUBMITTED, None)):
            day = running.starts_on + timedelta(days=offset)
            if day <= today:
                db.session.add(LogbookEntry(
                    placement_id=running.id, day=day, hours=8, status=status, mentor_comment=comment,
                    tasks="Spawanie próbek MAG 135 blach 10 mm, kontrola wizualna spoin wg ISO 5817."))
    if kursante:  # LT trainee placed at a PL firm through the matching
        application = Application(user=kursante, status=ApplicationStatus.PLACED,
                                  motivation="Noriu išmokti suvirinti plienines konstrukcijas Lenkijos įmonėje.")
        application.choices = [ApplicationChoice(offer=welding_offer, rank=1)]
        db.session.add(application)
        _placement(kursante, suwalki, specs["welding"], mentors["opiekun@example.com"], welding_offer.starts_on, 4,
                   [PlacementStatus.PROPOSED, PlacementStatus.AGREED], welding_offer)
    if trainee:  # a completed domestic placement, and an open application for a cross-border one
        done = _placement(trainee, marijampole, specs["cnc"], mentors["mentorius@example.com"],
                          monday - timedelta(weeks=10), 2, [PlacementStatus.PROPOSED, PlacementStatus.AGREED,
                                                            PlacementStatus.IN_PROGRESS, PlacementStatus.COMPLETED])
        for offset in range(5):
            db.session.add(LogbookEntry(placement_id=done.id, day=done.starts_on + timedelta(days=offset), hours=8,
                                        status=EntryStatus.CONFIRMED, tasks="CNC turning of trailer axle pins."))
        db.session.add(Evaluation(placement_id=done.id, mentor_id=mentors["mentorius@example.com"].id,
                                  ratings={"safety": 5, "technical_skills": 4, "quality": 4, "teamwork": 5,
                                           "communication": 4, "independence": 3},
                                  comment="Reliable and careful; needs more practice with offsets."))
        application = Application(user=trainee, motivation="I want to learn series CNC turning in a Polish "
                                                           "plant and practise my Polish.")
        application.choices = [ApplicationChoice(offer=cnc_offer, rank=1)]
        db.session.add(application)
    db.session.flush()
