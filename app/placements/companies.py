"""The company directory and the people linked to its firms (mentors)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import Country, Invitation, User
from app.accounts.services import create_invitation
from app.catalogue.models import Specialisation
from app.core.audit import audit_changes, record_event
from app.core.errors import DomainError
from app.core.permissions import Role
from app.enrolment.models import Enrolment
from app.extensions import db
from app.placements.identifiers import clean_registration_number, clean_vat_number
from app.placements.models import Company, CompanyMember, Placement
from app.placements.policies import can_manage_company, can_manage_placements

COORDINATORS_ONLY = _l("Only coordinators manage placements and companies.")


def require_coordinator(actor: User) -> None:
    """Refuse anyone but coordinators (proposing and moving placements, matching, certificates)."""
    if not can_manage_placements(actor):
        raise DomainError(COORDINATORS_ONLY)


@dataclass
class CompanyData:
    name: str
    country: Country
    city: str
    address: str | None
    registration_number: str
    vat_number: str | None
    contact_name: str | None
    contact_email: str | None
    contact_phone: str | None
    website: str | None
    description: dict
    intern_capacity: int
    specialisation_ids: list[int]
    is_cluster_member: bool = True


#: The contact person is usually no account, so erasing a person could not scrub them from the trail: entries
#: name the contact fields that changed, never their values.
CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone")


def _company_snapshot(company: Company) -> dict:
    return {"name": company.name, "country": company.country, "city": company.city, "address": company.address,
            "registration_number": company.registration_number, "vat_number": company.vat_number,
            "website": company.website, "description": dict(company.description or {}),
            "intern_capacity": company.intern_capacity, "is_cluster_member": company.is_cluster_member,
            "specialisations": sorted(s.id for s in company.specialisations),
            **{name: getattr(company, name) for name in CONTACT_FIELDS}}


def _company_changes(before: dict, after: dict) -> tuple[dict, dict]:
    old, new = audit_changes(before, after, texts=("description",))
    contact = [name for name in CONTACT_FIELDS if name in new]
    for name in contact:
        del old[name], new[name]
    if contact:
        new["contact_changed"] = contact
    return old, new


def save_company(actor: User, company: Company | None, data: CompanyData) -> Company:
    """Add or edit a firm: registration and VAT numbers checked for its country, unique per country."""
    if not can_manage_company(actor, company):
        raise DomainError(COORDINATORS_ONLY)
    if not data.name.strip():
        raise DomainError(_l("Please enter the company's name."), field="name")
    if data.intern_capacity < 0:
        raise DomainError(_l("The number of interns cannot be negative."), field="intern_capacity")
    number = clean_registration_number(data.country, data.registration_number)
    vat = clean_vat_number(data.country, data.vat_number)
    duplicate = db.session.scalar(select(Company.id).where(Company.country == data.country,
                                                           Company.registration_number == number))
    if duplicate is not None and (company is None or duplicate != company.id):
        raise DomainError(_l("A company with this registration number is already in the directory."),
                          field="registration_number")
    created = company is None
    before = {} if company is None else _company_snapshot(company)
    company = company or Company()
    company.name, company.country, company.city = data.name.strip(), data.country, data.city.strip()
    company.address, company.registration_number, company.vat_number = data.address, number, vat
    company.contact_name, company.contact_email = data.contact_name, data.contact_email
    company.contact_phone, company.website = data.contact_phone, data.website
    company.description = {k: v.strip() for k, v in data.description.items() if v and v.strip()}
    company.intern_capacity, company.is_cluster_member = data.intern_capacity, data.is_cluster_member
    company.specialisations = list(db.session.scalars(select(Specialisation).where(
        Specialisation.id.in_(data.specialisation_ids))))
    db.session.add(company)
    db.session.flush()
    old, new = _company_changes(before, _company_snapshot(company))
    if created:
        record_event("placements.company_created", actor=actor, obj=company, after=new)
    elif new:
        record_event("placements.company_updated", actor=actor, obj=company, before=old, after=new)
    return company


def _becomes_mentor(user: User) -> bool:
    """A trainee account with no enrolment and no placement of its own was made for someone who only mentors (a
    firm's employee who registered, or was registered, as a trainee): linking it as mentor makes it a MENTOR
    account. Trainees who learn or intern keep their role; trainers, coordinators and admins keep theirs and
    mentor through the link alone."""
    if user.role != Role.TRAINEE:
        return False
    learns = db.session.scalar(select(Enrolment.id).where(Enrolment.user_id == user.id).limit(1))
    interns = db.session.scalar(select(Placement.id).where(Placement.trainee_id == user.id).limit(1))
    return learns is None and interns is None


def add_mentor(actor: User, company: Company, user: User) -> CompanyMember:
    """Link an active account with an e-mail to the firm as its mentor (a trainee account that neither learns nor
    interns becomes a MENTOR account, see ``_becomes_mentor``)."""
    if not can_manage_company(actor, company):
        raise DomainError(COORDINATORS_ONLY)
    if user.is_managed or not user.is_active:
        raise DomainError(_l("A mentor needs an active account with an e-mail address."))
    if _becomes_mentor(user):
        record_event("accounts.role_changed", actor=actor, obj=user, before={"role": user.role},
                     after={"role": Role.MENTOR})
        user.role = Role.MENTOR
    member = db.session.scalar(select(CompanyMember).where(CompanyMember.company_id == company.id,
                                                           CompanyMember.user_id == user.id))
    if member is None:
        member = CompanyMember(company=company, user=user, is_mentor=True)
        db.session.add(member)
    member.is_mentor = True
    db.session.flush()
    record_event("placements.mentor_added", actor=actor, obj=company, after={"user": user.id})
    return member


def invite_mentor(actor: User, company: Company, email: str, full_name: str, language: str) -> Invitation:
    """A coordinator invites a person without an account as the firm's mentor: a MENTOR account in the firm's
    country, linked to the firm, and its invitation (the caller mails it)."""
    if not can_manage_company(actor, company):
        raise DomainError(COORDINATORS_ONLY)
    if not full_name.strip():
        raise DomainError(_l("No account has this e-mail: enter the person's name to invite them."),
                          field="full_name")
    invitation = create_invitation(email, full_name, Role.MENTOR, language, company.country, actor)
    invitation.user.company_name = company.name
    add_mentor(actor, company, invitation.user)
    return invitation
