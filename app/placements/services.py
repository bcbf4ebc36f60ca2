"""Placement rules: companies and mentors, offers and applications, the placement lifecycle with its checks,
logbooks, evaluations and documents.

Capacity and overlap hold under concurrent requests: creating or re-activating a placement locks the company row
and the trainee row first (``SELECT ... FOR UPDATE``), then checks, then writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select

from app.accounts.models import Country, User
from app.catalogue.models import Course, Specialisation
from app.core.audit import record_event
from app.core.db import utcnow
from app.core.errors import DomainError
from app.core.permissions import Role, has_role
from app.enrolment.models import Enrolment, EnrolmentStatus
from app.extensions import db
from app.placements.identifiers import clean_registration_number, clean_vat_number
from app.placements.models import (
    ACTIVE,
    TRANSITIONS,
    Application,
    ApplicationChoice,
    Company,
    CompanyMember,
    EntryStatus,
    Evaluation,
    InternshipOffer,
    LogbookEntry,
    OfferStatus,
    Placement,
    PlacementEvent,
    PlacementStatus,
)

COMPETENCES = ("safety", "technical_skills", "quality", "teamwork", "communication", "independence")


def require_coordinator(actor: User) -> None:
    if not has_role(actor, Role.COORDINATOR):
        raise DomainError(_l("Only coordinators manage placements and companies."))


# -- companies and mentors ---------------------------------------------------------------------------------------
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


def save_company(actor: User, company: Company | None, data: CompanyData) -> Company:
    require_coordinator(actor)
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
    return company


def add_mentor(actor: User, company: Company, user: User) -> CompanyMember:
    require_coordinator(actor)
    if user.is_managed or not user.is_active:
        raise DomainError(_l("A mentor needs an active account with an e-mail address."))
    member = db.session.scalar(select(CompanyMember).where(CompanyMember.company_id == company.id,
                                                           CompanyMember.user_id == user.id))
    if member is None:
        member = CompanyMember(company=company, user=user, is_mentor=True)
        db.session.add(member)
    member.is_mentor = True
    db.session.flush()
    record_event("placements.mentor_added", actor=actor, obj=company, after={"user": user.id})
    return member


def mentor_company_ids(user: User) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(db.session.scalars(select(CompanyMember.company_id).where(
        CompanyMember.user_id == user.id, CompanyMember.is_mentor.is_(True))))


def is_mentor(user: User) -> bool:
    return bool(mentor_company_ids(user))


MENU_HINT_SECONDS = 300


def shows_mentor_menu(user: User) -> bool:
    """Whether the menu offers "My interns": remembered in the session for a few minutes, because every page
    asks. Only a hint — each mentor page checks the company link itself."""
    import time

    from flask import session

    remembered = session.get("mentor_menu")
    now = int(time.time())
    if remembered and remembered[0] == user.id and now - remembered[1] < MENU_HINT_SECONDS:
        return bool(remembered[2])
    value = is_mentor(user)
    session["mentor_menu"] = [user.id, now, value]
    return value


# -- access ------------------------------------------------------------------------------------------------------
def can_see_placement(user: User, placement: Placement) -> bool:
    """The trainee, the firm's mentors (and the placement's mentor), coordinators. Nobody else."""
    if not getattr(user, "is_authenticated", False):
        return False
    if has_role(user, Role.COORDINATOR) or placement.trainee_id == user.id or placement.mentor_id == user.id:
        return True
    return placement.company_id in mentor_company_ids(user)


def can_mentor(user: User, placement: Placement) -> bool:
    return getattr(user, "is_authenticated", False) and (
        placement.mentor_id == user.id or placement.company_id in mentor_company_ids(user))


# -- offers and applications -------------------------------------------------------------------------------------
def is_enrolled_in_specialisation(user: User, specialisation_id: int) -> bool:
    return db.session.scalar(select(Enrolment.id).join(Course).where(
        Enrolment.user_id == user.id, Enrolment.status == EnrolmentStatus.ENROLLED,
        Course.specialisation_id == specialisation_id).limit(1)) is not None


def save_offer(actor: User, offer: InternshipOffer | None, company: Company, specialisation: Specialisation,
               title: dict, description: dict, starts_on: date, ends_on: date, places: int, working_language: str,
               location: str | None, planned_hours: int) -> InternshipOffer:
    if not (has_role(actor, Role.COORDINATOR) or company.id in mentor_company_ids(actor)):
        raise DomainError(_l("Offers are published by coordinators or the company's mentors."))
    if ends_on <= starts_on:
        raise DomainError(_l("The end must be after the start."), field="ends_on")
    if places < 1:
        raise DomainError(_l("An offer needs at least one place."), field="places")
    if not any(v and v.strip() for v in title.values()):
        raise DomainError(_l("Give the offer a title."), field="title_en")
    offer = offer or InternshipOffer(created_by_id=actor.id)
    offer.company, offer.specialisation = company, specialisation
    offer.title = {k: v.strip() for k, v in title.items() if v and v.strip()}
    offer.description = {k: v.strip() for k, v in description.items() if v and v.strip()}
    offer.starts_on, offer.ends_on, offer.places = starts_on, ends_on, places
    offer.working_language, offer.location, offer.planned_hours = working_language, location, planned_hours
    db.session.add(offer)
    db.session.flush()
    return offer


def apply(user: User, offer_ids: list[int], motivation: str) -> Application:
    """A trainee applies with up to three offers, best first (a new application replaces the open one)."""
    if not has_role(user, Role.TRAINEE) or user.role != Role.TRAINEE:
        raise DomainError(_l("Only trainees apply for internships."))
    offer_ids = [o for o in offer_ids if o]
    if not offer_ids or len(offer_ids) > 3 or len(set(offer_ids)) != len(offer_ids):
        raise DomainError(_l("Choose one to three different offers."), field="first")
    if not motivation or len(motivation.strip()) < 20:
        raise DomainError(_l("Write a few sentences of motivation (at least 20 characters)."), field="motivation")
    offers = {o.id: o for o in db.session.scalars(select(InternshipOffer).where(InternshipOffer.id.in_(offer_ids)))}
    for offer_id in offer_ids:
        offer = offers.get(offer_id)
        if offer is None or offer.status != OfferStatus.OPEN:
            raise DomainError(_l("One of the chosen offers is not open."), field="first")
        if not is_enrolled_in_specialisation(user, offer.specialisation_id):
            raise DomainError(_l("You can only apply for internships of a specialisation you are enrolled in."),
                              field="first")
    for old in db.session.scalars(select(Application).where(Application.user_id == user.id,
                                                            Application.status == "open")):
        old.status = "replaced"
    application = Application(user=user, motivation=motivation.strip())
    application.choices = [ApplicationChoice(offer_id=o, rank=rank) for rank, o in enumerate(offer_ids, 1)]
    db.session.add(application)
    db.session.flush()
    return application


# -- placements ----------------------------------------------------------------------------------------------------
def _overlaps(starts_on: date, ends_on: date):
    return and_(Placement.starts_on <= ends_on, Placement.ends_on >= starts_on)


def check_placement(trainee: User, company: Company, specialisation_id: int, starts_on: date, ends_on: date,
                    ignore_id: int | None = None) -> None:
    """The rules every active placement obeys; call with the company and trainee rows locked."""
    if ends_on <= starts_on:
        raise DomainError(_l("The end must be after the start."), field="ends_on")
    if not is_enrolled_in_specialisation(trainee, specialisation_id):
        raise DomainError(_l("%(name)s is not enrolled in a course of this specialisation.", name=trainee.full_name),
                          field="trainee_id")
    others = select(Placement.id).where(Placement.status.in_(ACTIVE), _overlaps(starts_on, ends_on))
    if ignore_id:
        others = others.where(Placement.id != ignore_id)
    if db.session.scalar(others.where(Placement.trainee_id == trainee.id).limit(1)) is not None:
        raise DomainError(_l("%(name)s already has a placement in this period.", name=trainee.full_name),
                          field="starts_on")
    taken = db.session.scalar(select(func.count()).select_from(others.where(
        Placement.company_id == company.id).subquery())) or 0
    if taken >= company.intern_capacity:
        raise DomainError(_l("%(company)s cannot host more interns in this period (capacity %(n)s).",
                             company=company.name, n=company.intern_capacity), field="company_id")


def _lock(company: Company, trainee: User) -> tuple[Company, User]:
    company = db.session.scalars(select(Company).where(Company.id == company.id).with_for_update()).one()
    trainee = db.session.scalars(select(User).where(User.id == trainee.id).with_for_update()).one()
    return company, trainee


def _event(placement: Placement, previous: PlacementStatus | None, actor: User | None, reason: str | None) -> None:
    db.session.add(PlacementEvent(placement_id=placement.id, from_status=previous, to_status=placement.status,
                                  actor_id=actor.id if actor else None, reason=reason))
    record_event("placements.status_changed", actor=actor, obj=placement,
                 before={"status": previous} if previous else None,
                 after={"status": placement.status, "reason": reason})


def create_placement(actor: User, trainee: User, company: Company, specialisation: Specialisation,
                     starts_on: date, ends_on: date, planned_hours: int, mentor: User | None = None,
                     offer: InternshipOffer | None = None) -> Placement:
    """Coordinators propose a placement; the rules are checked with the rows locked."""
    require_coordinator(actor)
    if planned_hours < 1:
        raise DomainError(_l("Planned hours must be at least 1."), field="planned_hours")
    if mentor is not None and company.id not in mentor_company_ids(mentor):
        raise DomainError(_l("The mentor must be one of the company's mentors."), field="mentor_id")
    company, trainee = _lock(company, trainee)
    check_placement(trainee, company, specialisation.id, starts_on, ends_on)
    placement = Placement(trainee=trainee, company=company, specialisation=specialisation, mentor=mentor,
                          offer=offer, starts_on=starts_on, ends_on=ends_on, planned_hours=planned_hours,
                          status=PlacementStatus.PROPOSED)
    db.session.add(placement)
    db.session.flush()
    _event(placement, None, actor, None)
    db.session.flush()
    return placement


def transition(actor: User, placement: Placement, to: PlacementStatus, reason: str | None = None) -> None:
    """Move along the lifecycle: proposed → agreed → in progress → completed, or cancelled (with a reason)."""
    require_coordinator(actor)
    if to not in TRANSITIONS[placement.status]:
        raise DomainError(_l("A placement cannot go from “%(from)s” to “%(to)s”.", **{
            "from": STATUS_LABELS()[placement.status], "to": STATUS_LABELS()[to]}))
    if to == PlacementStatus.CANCELLED and not (reason or "").strip():
        raise DomainError(_l("Please give the reason for the cancellation."), field="reason")
    if to == PlacementStatus.COMPLETED:
        if db.session.scalar(select(Evaluation.id).where(Evaluation.placement_id == placement.id)) is None:
            raise DomainError(_l("The mentor's evaluation is needed before the placement is completed."))
        pending = db.session.scalar(select(func.count()).select_from(LogbookEntry).where(
            LogbookEntry.placement_id == placement.id, LogbookEntry.status == EntryStatus.SUBMITTED))
        if pending:
            raise DomainError(_l("Some logbook days still wait for the mentor's confirmation."))
    previous = placement.status
    placement.status, placement.status_changed_at = to, utcnow()
    if to == PlacementStatus.CANCELLED:
        placement.cancel_reason = reason.strip()
    db.session.flush()
    _event(placement, previous, actor, (reason or "").strip() or None)
    db.session.flush()


def STATUS_LABELS():
    return {PlacementStatus.PROPOSED: _l("proposed"), PlacementStatus.AGREED: _l("agreed"),
            PlacementStatus.IN_PROGRESS: _l("in progress"), PlacementStatus.COMPLETED: _l("completed"),
            PlacementStatus.CANCELLED: _l("cancelled")}


def confirmed_hours(placement: Placement) -> float:
    return float(db.session.scalar(select(func.coalesce(func.sum(LogbookEntry.hours), 0)).where(
        LogbookEntry.placement_id == placement.id, LogbookEntry.status == EntryStatus.CONFIRMED)) or 0)


# -- logbook -------------------------------------------------------------------------------------------------------
def save_entry(actor: User, placement: Placement, day: date, hours: float, tasks: str,
               entry: LogbookEntry | None = None) -> LogbookEntry:
    """The trainee records a day; confirmed days can no longer be changed."""
    if placement.trainee_id != actor.id:
        raise DomainError(_l("Only the intern writes the logbook."))
    if placement.status not in (PlacementStatus.AGREED, PlacementStatus.IN_PROGRESS):
        raise DomainError(_l("The logbook is open while the placement is agreed or in progress."))
    if not placement.starts_on <= day <= placement.ends_on:
        raise DomainError(_l("The day must fall within the placement period."), field="day")
    if day > date.today():
        raise DomainError(_l("Days in the future cannot be logged."), field="day")
    if not 0.5 <= hours <= 12:
        raise DomainError(_l("Hours must be between 0.5 and 12."), field="hours")
    if not tasks or len(tasks.strip()) < 5:
        raise DomainError(_l("Describe the tasks done."), field="tasks")
    if entry is None:
        entry = db.session.scalar(select(LogbookEntry).where(LogbookEntry.placement_id == placement.id,
                                                             LogbookEntry.day == day))
        if entry is not None and entry.status != EntryStatus.RETURNED:
            raise DomainError(_l("This day is already in the logbook."), field="day")
    if entry is not None and entry.status == EntryStatus.CONFIRMED:
        raise DomainError(_l("A confirmed day cannot be changed."))
    entry = entry or LogbookEntry(placement_id=placement.id)
    entry.day, entry.hours, entry.tasks, entry.status = day, hours, tasks.strip(), EntryStatus.SUBMITTED
    db.session.add(entry)
    db.session.flush()
    return entry


def review_entry(actor: User, entry: LogbookEntry, confirm: bool, comment: str | None) -> None:
    """The mentor confirms a day (its hours count) or returns it with a comment for the intern to fix."""
    if not can_mentor(actor, entry.placement):
        raise DomainError(_l("Only the intern's mentor reviews the logbook."))
    if entry.status != EntryStatus.SUBMITTED:
        raise DomainError(_l("This day has already been reviewed."))
    if not confirm and not (comment or "").strip():
        raise DomainError(_l("Say what should be corrected."), field="comment")
    entry.status = EntryStatus.CONFIRMED if confirm else EntryStatus.RETURNED
    entry.mentor_comment = (comment or "").strip() or None
    entry.reviewed_by_id, entry.reviewed_at = actor.id, utcnow()
    record_event("placements.logbook_reviewed", actor=actor, obj=entry,
                 after={"status": entry.status, "hours": entry.hours})
    db.session.flush()


def save_evaluation(actor: User, placement: Placement, ratings: dict[str, int], comment: str | None) -> Evaluation:
    if not can_mentor(actor, placement):
        raise DomainError(_l("Only the intern's mentor evaluates the placement."))
    if placement.status != PlacementStatus.IN_PROGRESS:
        raise DomainError(_l("The evaluation is written while the placement is in progress."))
    if set(ratings) != set(COMPETENCES) or any(not 1 <= r <= 5 for r in ratings.values()):
        raise DomainError(_l("Rate every competence from 1 to 5."))
    evaluation = db.session.scalar(select(Evaluation).where(Evaluation.placement_id == placement.id)) or \
        Evaluation(placement_id=placement.id)
    evaluation.mentor_id, evaluation.ratings, evaluation.comment = actor.id, ratings, (comment or "").strip() or None
    db.session.add(evaluation)
    db.session.flush()
    return evaluation


# -- coordinator views ---------------------------------------------------------------------------------------------
@dataclass
class PlacementFilter:
    status: str | None = None
    country_pair: str | None = None  # "PL-LT": trainee from PL at a LT company
    company_id: int | None = None
    specialisation_id: int | None = None


def filtered(criteria: PlacementFilter):
    Trainee = db.aliased(User)
    query = select(Placement).join(Trainee, Trainee.id == Placement.trainee_id).join(Company)
    if criteria.status:
        query = query.where(Placement.status == PlacementStatus(criteria.status))
    if criteria.company_id:
        query = query.where(Placement.company_id == criteria.company_id)
    if criteria.specialisation_id:
        query = query.where(Placement.specialisation_id == criteria.specialisation_id)
    if criteria.country_pair and "-" in criteria.country_pair:
        home, host = criteria.country_pair.split("-", 1)
        query = query.where(Trainee.country == Country(home), Company.country == Country(host))
    return query.order_by(Placement.starts_on.desc(), Placement.id)


def counts(criteria: PlacementFilter) -> dict:
    Trainee = db.aliased(User)
    base = filtered(criteria).subquery()
    rows = db.session.execute(select(base.c.status, func.count(), func.sum(
        func.cast(Trainee.country != Company.country, db.Integer))).select_from(base)
        .join(Trainee, Trainee.id == base.c.trainee_id).join(Company, Company.id == base.c.company_id)
        .group_by(base.c.status)).all()
    by_status = {PlacementStatus(status): (n, cross or 0) for status, n, cross in rows}
    active = [s for s in by_status if s != PlacementStatus.CANCELLED]
    total = sum(by_status[s][0] for s in active)
    cross = sum(by_status[s][1] for s in active)
    return {"planned": sum(by_status.get(s, (0, 0))[0] for s in (PlacementStatus.PROPOSED, PlacementStatus.AGREED)),
            "ongoing": by_status.get(PlacementStatus.IN_PROGRESS, (0, 0))[0],
            "completed": by_status.get(PlacementStatus.COMPLETED, (0, 0))[0],
            "cancelled": by_status.get(PlacementStatus.CANCELLED, (0, 0))[0],
            "cross_border_share": cross / total if total else None}


def placements_for_mentor(user: User):
    companies = mentor_company_ids(user)
    return select(Placement).where(or_(Placement.mentor_id == user.id, Placement.company_id.in_(companies))) \
        .order_by(Placement.starts_on.desc())


# -- matching ------------------------------------------------------------------------------------------------------
def proposal() -> tuple[list[Application], dict[int, int | None], dict[int, InternshipOffer]]:
    """The matching proposal for all open applications over the open offers' remaining places."""
    from app.placements.matching import Candidate, Seat, propose

    applications = list(db.session.scalars(select(Application).where(Application.status == "open")
                                           .order_by(Application.created_at, Application.id)))
    offers = {o.id: o for o in db.session.scalars(select(InternshipOffer).where(
        InternshipOffer.status == OfferStatus.OPEN))}
    used = dict(db.session.execute(select(Placement.offer_id, func.count()).where(
        Placement.offer_id.in_(list(offers)), Placement.status.in_(ACTIVE)).group_by(Placement.offer_id)).all())
    seats = [Seat(o.id, o.company.country.value, max(0, o.places - used.get(o.id, 0))) for o in offers.values()]
    candidates = [Candidate(a.id, a.user_id, a.user.country.value, a.created_at,
                            tuple(c.offer_id for c in a.choices)) for a in applications]
    return applications, propose(candidates, seats), offers


def accept_matches(actor: User, pairs: list[tuple[int, int]]) -> list[Placement]:
    """Turn the accepted (application, offer) pairs into proposed placements — all of them or none."""
    require_coordinator(actor)
    placements = []
    for application_id, offer_id in pairs:
        application, offer = db.session.get(Application, application_id), db.session.get(InternshipOffer, offer_id)
        if application is None or offer is None or application.status != "open":
            raise DomainError(_l("The proposal is out of date; reload the page."))
        mentor = next((m.user for m in offer.company.members if m.is_mentor), None)
        try:
            placement = create_placement(actor, application.user, offer.company, offer.specialisation,
                                         offer.starts_on, offer.ends_on, offer.planned_hours, mentor, offer)
        except DomainError as error:
            raise DomainError(_l("%(name)s: %(problem)s", name=application.user.full_name,
                                 problem=error.message)) from None
        application.status = "placed"
        placements.append(placement)
    db.session.flush()
    return placements


# -- documents -----------------------------------------------------------------------------------------------------
DOCUMENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png",
                  "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
MAX_DOCUMENT_BYTES = 25 * 1024 * 1024


def store_document(actor: User, placement: Placement, kind, filename: str, stream):
    """Keep a placement document (PDF, JPG, PNG or DOCX by content) in storage, then its row."""
    from app.catalogue.uploads import clean_filename
    from app.placements.models import PlacementDocument
    from app.storage import get_storage
    from app.storage.base import ObjectTooLarge
    from app.storage.sniffed import UnexpectedType, save_sniffed

    if not (has_role(actor, Role.COORDINATOR) or can_mentor(actor, placement) or placement.trainee_id == actor.id):
        raise DomainError(_l("You cannot add documents to this placement."))
    try:
        stored, extension = save_sniffed(stream, "placements", DOCUMENT_TYPES, MAX_DOCUMENT_BYTES)
    except UnexpectedType:
        raise DomainError(_l("Upload a PDF, JPG, PNG or DOCX file."), field="file") from None
    except ObjectTooLarge:
        raise DomainError(_l("The file is too large (at most 25 MB)."), field="file") from None
    storage = get_storage()
    document = PlacementDocument(placement_id=placement.id, kind=kind, storage_backend=storage.name,
                                 storage_key=stored.key, original_filename=clean_filename(filename) or "document",
                                 size=stored.size, content_type=DOCUMENT_TYPES[extension],
                                 sha256=stored.sha256, uploaded_by_id=actor.id)
    db.session.add(document)
    db.session.flush()
    record_event("placements.document_added", actor=actor, obj=placement,
                 after={"document": document.id, "kind": kind, "sha256": stored.sha256})
    return document


# -- certificate ---------------------------------------------------------------------------------------------------
def issue_certificate(actor: User, placement: Placement):
    """An internship certificate (verifiable at /verify/<code> like course certificates)."""
    from app.certificates import services as certificates
    from app.certificates.models import CertificateKind

    require_coordinator(actor)
    if placement.status != PlacementStatus.COMPLETED:
        raise DomainError(_l("Certificates are issued for completed placements."))
    existing = certificates.valid_for_placement(placement.id)
    if existing is not None:
        return existing
    company = placement.company
    title = {lang: f"{company.name} ({company.city}, {company.country.value})" for lang in ("pl", "lt", "en")}
    return certificates.issue(certificates.Facts(
        kind=CertificateKind.PLACEMENT, holder=placement.trainee, title=title,
        specialisation_title=placement.specialisation.title, hours=round(confirmed_hours(placement)),
        started_on=_as_datetime(placement.starts_on), completed_at=_as_datetime(placement.ends_on),
        placement_id=placement.id), actor=actor)


def _as_datetime(day: date):
    from datetime import UTC, datetime, time

    return datetime.combine(day, time(12, 0), UTC)
