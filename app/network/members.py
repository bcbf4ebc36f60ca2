"""The directory's entries as coordinators keep them: adding and editing a member (firm or craftsperson)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import Country, User
from app.catalogue.models import Specialisation
from app.core.audit import audit_changes, record_event
from app.core.errors import DomainError
from app.extensions import db
from app.network.identifiers import clean_registration_number, clean_vat_number
from app.network.models import Company, CompanyMember, ContactVisibility, MemberKind
from app.network.policies import can_manage_company
from app.network.regions import region_fits
from app.network.search import refresh_document

COORDINATORS_ONLY = _l("Only coordinators manage the directory.")


@dataclass
class CompanyData:
    name: str
    country: Country
    city: str
    address: str | None
    registration_number: str | None
    vat_number: str | None
    contact_name: str | None
    contact_email: str | None
    contact_phone: str | None
    website: str | None
    description: dict
    intern_capacity: int
    specialisation_ids: list[int]
    is_cluster_member: bool = True
    kind: MemberKind = MemberKind.FIRM
    region: str | None = None
    district: str | None = None
    languages: list[str] = field(default_factory=list)
    contact_visibility: ContactVisibility = ContactVisibility.MEMBERS


#: The contact person is usually no account, so erasing a person could not scrub them from the trail: entries
#: name the contact fields that changed, never their values.
CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone")


def _company_snapshot(company: Company) -> dict:
    return {"name": company.name, "country": company.country, "city": company.city, "address": company.address,
            "registration_number": company.registration_number, "vat_number": company.vat_number,
            "website": company.website, "description": dict(company.description or {}),
            "intern_capacity": company.intern_capacity, "is_cluster_member": company.is_cluster_member,
            "kind": company.kind, "region": company.region, "district": company.district,
            "languages": list(company.languages or []), "contact_visibility": company.contact_visibility,
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
    if not (data.registration_number or "").strip():
        if data.kind != MemberKind.CRAFTSPERSON:
            raise DomainError(_l("Please enter the registration number."), field="registration_number")
        number = None  # a person without a company
    else:
        number = clean_registration_number(data.country, data.registration_number or "")
    vat = clean_vat_number(data.country, data.vat_number)
    if data.region is not None and not region_fits(data.country, data.region):
        raise DomainError(_l("Choose a region of the member's country."), field="region")
    duplicate = None if number is None else db.session.scalar(select(Company.id).where(
        Company.country == data.country, Company.registration_number == number))
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
    company.kind, company.region, company.district = data.kind, data.region or None, data.district or None
    company.languages, company.contact_visibility = list(data.languages), data.contact_visibility
    company.specialisations = list(db.session.scalars(select(Specialisation).where(
        Specialisation.id.in_(data.specialisation_ids))))
    refresh_document(company)
    db.session.add(company)
    db.session.flush()
    old, new = _company_changes(before, _company_snapshot(company))
    if created:
        record_event("network.member_created", actor=actor, obj=company, after=new)
    elif new:
        record_event("network.member_updated", actor=actor, obj=company, before=old, after=new)
    return company


def person_link(company: Company, user: User) -> CompanyMember:
    """The link between a member and a person, made (with no role yet: not a mentor, contact or manager) when there
    is none. Callers set what the person is to the member."""
    link = db.session.scalar(select(CompanyMember).where(CompanyMember.company_id == company.id,
                                                         CompanyMember.user_id == user.id))
    if link is None:
        link = CompanyMember(company=company, user=user, is_mentor=False)
        db.session.add(link)
    return link
