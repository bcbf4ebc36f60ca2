"""Demo: the demo people's employers linked to the demo members, and one confirmed manager of a Polish firm.

Runs after the seeders that add the members (the directory, placements) and the people (accounts, enrolment):
employers are matched by name at seed time, as a coordinator would confirm them."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import Country, User
from app.accounts.passwords import hash_password
from app.accounts.services import find_user_by_email
from app.core.db import utcnow
from app.core.demo import demo_seeder
from app.core.permissions import Role
from app.extensions import db
from app.network.employers import resolve_employer
from app.network.models import Company, CompanyMember

MANAGER_EMAIL = "manager@example.com"
MANAGER_PASSWORD = "demo-manager-2026"  # noqa: S105  (demo account, listed in the README)
MANAGED_FIRM = "Metal-Tech Suwałki Sp. z o.o."


@demo_seeder(order=80)
def seed_demo_employers() -> None:
    for person in db.session.scalars(select(User).where(User.employer_id.is_(None), User.company_name.is_not(None),
                                                        User.erased_at.is_(None))):
        if (member_id := resolve_employer(person.company_name)) is not None:
            person.employer_id, person.company_name = member_id, None
    firm = db.session.scalar(select(Company).where(Company.name == MANAGED_FIRM))
    if firm is None:
        return
    manager = find_user_by_email(MANAGER_EMAIL)
    if manager is None:
        manager = User(email=MANAGER_EMAIL, password_hash=hash_password(MANAGER_PASSWORD), full_name="Marek Kierownik",
                       role=Role.MENTOR, country=Country.PL, language="pl", timezone="Europe/Warsaw",
                       employer_id=firm.id)
        db.session.add(manager)
        db.session.flush()
    link = db.session.scalar(select(CompanyMember).where(CompanyMember.company_id == firm.id,
                                                         CompanyMember.user_id == manager.id))
    if link is None:
        coordinator = find_user_by_email("koordynator@example.com")
        db.session.add(CompanyMember(company_id=firm.id, user_id=manager.id, is_mentor=False, is_manager=True,
                                     manager_confirmed_at=utcnow(),
                                     manager_confirmed_by_id=coordinator.id if coordinator else None))
    db.session.flush()
