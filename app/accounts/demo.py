"""Demo accounts for every role, in both countries and all three languages (passwords in the README)."""

from __future__ import annotations

from app.accounts.models import Country, Gender, User
from app.accounts.passwords import hash_password
from app.accounts.services import find_user_by_email
from app.core.demo import demo_seeder
from app.core.permissions import Role
from app.extensions import db

#: (e-mail, password, name, role, country, language, time zone, company, gender)
DEMO_USERS = [
    ("admin@example.com", "demo-admin-2026", "Adam Administrator", Role.ADMIN, Country.PL, "en",
     "Europe/Warsaw", "Centrum Promocji Innowacji i Rozwoju", None),
    ("koordynator@example.com", "demo-coordinator-2026", "Katarzyna Nowak", Role.COORDINATOR, Country.PL, "pl",
     "Europe/Warsaw", "Klaster Obróbki Metali", Gender.FEMALE),
    ("koordinatorius@example.com", "demo-coordinator-2026", "Rūta Kazlauskienė", Role.COORDINATOR, Country.LT,
     "lt", "Europe/Vilnius", "Alytaus verslo konsultacinis centras", Gender.FEMALE),
    ("trener@example.com", "demo-trainer-2026", "Piotr Wiśniewski", Role.TRAINER, Country.PL, "pl",
     "Europe/Warsaw", "Zakład Mechaniki Precyzyjnej Łomża", Gender.MALE),
    ("mokytojas@example.com", "demo-trainer-2026", "Tomas Petrauskas", Role.TRAINER, Country.LT, "lt",
     "Europe/Vilnius", "UAB Suvirinimo technologijos", Gender.MALE),
    ("kursant@example.com", "demo-trainee-2026", "Łukasz Żółkiewski", Role.TRAINEE, Country.PL, "pl",
     "Europe/Warsaw", "Metal-Tech Suwałki Sp. z o.o.", Gender.MALE),
    ("kursante@example.com", "demo-trainee-2026", "Gražina Šimkutė", Role.TRAINEE, Country.LT, "lt",
     "Europe/Vilnius", "UAB Marijampolės metalas", Gender.FEMALE),
    ("trainee@example.com", "demo-trainee-2026", "Jonas Žukauskas", Role.TRAINEE, Country.LT, "en",
     "Europe/Vilnius", "UAB Alytaus lazeriai", None),
]


@demo_seeder(order=10)
def seed_demo_users() -> None:
    for email, password, name, role, country, language, zone, company, gender in DEMO_USERS:
        user = find_user_by_email(email)
        if user is None:
            user = User(email=email, password_hash=hash_password(password))
            db.session.add(user)
        user.full_name, user.role, user.country, user.language = name, role, country, language
        user.timezone, user.company_name, user.gender, user.is_active = zone, company, gender, True
    db.session.flush()
