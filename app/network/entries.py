"""Members keep their own entries: the contact person proposes the whole entry (a pending ``EntryRevision``), a
coordinator approves or rejects it, and only an approved proposal reaches the member's rows and the public
directory. Also: a coordinator inviting a member's contact person, and craftspeople and firms registering
themselves (when the site setting allows).

The proposal's ``data`` is the whole entry as JSON (see ``entry_of``); products name their photos and the entry
its logo by ``MemberImage`` id, so what a proposal shows is exactly what approval applies.
"""

from __future__ import annotations

from datetime import date
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import Country, Invitation, User
from app.accounts.services import Profile, create_invitation, register_account
from app.core.audit import record_event
from app.core.db import utcnow
from app.core.errors import DomainError
from app.core.i18n import LANGUAGES
from app.core.permissions import Role
from app.core.settings import directory_registration_enabled
from app.core.uow import delete_after_commit
from app.core.urls import path_for
from app.extensions import db
from app.network.identifiers import clean_registration_number
from app.network.images import is_published, store_image
from app.network.members import person_link
from app.network.models import (
    Capability,
    Certification,
    Company,
    CompanyMember,
    ContactVisibility,
    EntryRevision,
    Machine,
    Material,
    MemberImage,
    MemberKind,
    Process,
    Product,
    ProductKind,
    RevisionStatus,
)
from app.network.policies import can_manage_directory, can_propose_entry
from app.network.regions import region_fits
from app.network.search import refresh_document
from app.network.vocabulary import WORKING_LANGUAGES
from app.notifications.services import notify

#: The entry's plain fields as a proposal carries them.
FIELDS = ("name", "kind", "city", "region", "district", "address", "description", "website", "contact_name",
          "contact_email", "contact_phone", "contact_visibility", "languages")
#: Limits of a proposal (a phone form cannot reasonably carry more; the database columns hold these).
MAX_ROWS = 50
MAX_PHOTOS = 6
#: An uploaded file: its stream and the name the uploader gave it.
Upload = tuple[BinaryIO, str | None]
LENGTHS = {"name": 200, "city": 100, "district": 100, "address": 300, "website": 300, "contact_name": 200,
           "contact_email": 254, "contact_phone": 50}


# -- the entry as data ----------------------------------------------------------------------------------------------
def _texts(value: Any) -> dict:
    return {lang: str(text).strip() for lang, text in (value or {}).items()
            if lang in LANGUAGES and text and str(text).strip()}


def entry_of(company: Company) -> dict:
    """The member's current (approved) entry in the form a proposal takes."""
    logo = db.session.scalar(select(MemberImage.id).where(MemberImage.company_id == company.id,
                                                          MemberImage.is_logo.is_(True)))
    return {
        "name": company.name, "kind": company.kind.value, "city": company.city, "region": company.region,
        "district": company.district, "address": company.address, "description": dict(company.description or {}),
        "website": company.website, "contact_name": company.contact_name, "contact_email": company.contact_email,
        "contact_phone": company.contact_phone, "contact_visibility": company.contact_visibility.value,
        "languages": list(company.languages or []),
        "capabilities": [{"process": c.process.value, "materials": list(c.materials or []),
                          "max_thickness_mm": c.max_thickness_mm, "max_length_mm": c.max_length_mm,
                          "max_width_mm": c.max_width_mm, "note": dict(c.note or {})} for c in company.capabilities],
        "machines": [{"process": m.process.value if m.process else None, "machine_type": m.machine_type,
                      "make_model": m.make_model, "working_area": m.working_area, "count": m.count}
                     for m in company.machines],
        "certifications": [{"standard": c.standard, "issuer": c.issuer,
                            "valid_until": c.valid_until.isoformat() if c.valid_until else None}
                           for c in company.certifications],
        "products": [{"id": p.id, "kind": p.kind.value, "name": dict(p.name or {}),
                      "description": dict(p.description or {}), "photos": [i.id for i in p.photos]}
                     for p in company.products],
        "logo": logo,
    }


def pending_revision(company: Company) -> EntryRevision | None:
    return db.session.scalar(select(EntryRevision).where(EntryRevision.company_id == company.id,
                                                         EntryRevision.status == RevisionStatus.PENDING)
                             .order_by(EntryRevision.id.desc()).limit(1))


def draft_of(company: Company) -> dict:
    """What the contact person edits: their pending proposal if there is one, else the current entry."""
    revision = pending_revision(company)
    return dict(revision.data) if revision else entry_of(company)


def _text(value: Any, name: str) -> str | None:
    text = (str(value).strip() if value is not None else "") or None
    if text and len(text) > LENGTHS.get(name, 300):
        raise DomainError(_l("This text is too long."), field=name)
    return text


def _number(value: Any) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise DomainError(_l("Limits are numbers of millimetres.")) from None
    if not 0 < number < 1_000_000:
        raise DomainError(_l("Limits are numbers of millimetres, more than zero."))
    return number


def clean_entry(company: Company, data: dict) -> dict:
    """Check a proposed entry (refusals name what is wrong) and return it in its stored form."""
    entry: dict[str, Any] = {name: _text(data.get(name), name) for name in LENGTHS}
    if not entry["name"]:
        raise DomainError(_l("Please enter the member's name."), field="name")
    if not entry["city"]:
        raise DomainError(_l("Please enter the city."), field="city")
    if entry["website"] and urlsplit(entry["website"]).scheme.lower() not in ("http", "https"):
        raise DomainError(_l("Please give a web address starting with https:// (or http://)."), field="website")
    try:
        entry["kind"] = MemberKind(data.get("kind")).value
        entry["contact_visibility"] = ContactVisibility(data.get("contact_visibility")).value
    except ValueError:
        raise DomainError(_l("Choose one of the options offered.")) from None
    region = data.get("region") or None
    if region is not None and not region_fits(company.country, region):
        raise DomainError(_l("Choose a region of the member's country."), field="region")
    entry["region"] = region
    entry["description"] = _texts(data.get("description"))
    entry["languages"] = [code for code in data.get("languages") or [] if code in WORKING_LANGUAGES]
    entry["capabilities"] = [_capability(row) for row in data.get("capabilities") or []]
    entry["machines"] = [_machine(row) for row in data.get("machines") or []]
    entry["certifications"] = [_certification(row) for row in data.get("certifications") or []]
    entry["products"] = [_product(company, row) for row in data.get("products") or []]
    for name in ("capabilities", "machines", "certifications", "products"):
        if len(entry[name]) > MAX_ROWS:
            raise DomainError(_l("An entry lists at most %(n)s of each.", n=MAX_ROWS))
    images = _own_images(company)
    photos = [image_id for product in entry["products"] for image_id in product["photos"]]
    logo = data.get("logo")
    if any(image_id not in images for image_id in photos) or (logo is not None and logo not in images):
        raise DomainError(_l("A photo of another member cannot be used."))
    if len(set(photos)) != len(photos) or logo in photos:
        raise DomainError(_l("Each photo belongs to one product."))
    entry["logo"] = logo
    return entry


def _own_images(company: Company) -> set[int]:
    return set(db.session.scalars(select(MemberImage.id).where(MemberImage.company_id == company.id)))


def _capability(row: dict) -> dict:
    try:
        process = Process(row.get("process")).value
        materials = [Material(m).value for m in row.get("materials") or []]
    except ValueError:
        raise DomainError(_l("Choose one of the options offered.")) from None
    return {"process": process, "materials": materials, "max_thickness_mm": _number(row.get("max_thickness_mm")),
            "max_length_mm": _number(row.get("max_length_mm")), "max_width_mm": _number(row.get("max_width_mm")),
            "note": _texts(row.get("note"))}


def _machine(row: dict) -> dict:
    machine_type = _text(row.get("machine_type"), "machine_type")
    if not machine_type:
        raise DomainError(_l("Please say what kind of machine it is."))
    try:
        process = Process(row["process"]).value if row.get("process") else None
        count = int(row.get("count") or 1)
    except (ValueError, TypeError):
        raise DomainError(_l("Choose one of the options offered.")) from None
    if not 1 <= count <= 1000:
        raise DomainError(_l("The number of machines must be between 1 and 1000."))
    return {"process": process, "machine_type": machine_type, "make_model": _text(row.get("make_model"), "make_model"),
            "working_area": _text(row.get("working_area"), "district"), "count": count}


def _certification(row: dict) -> dict:
    standard = _text(row.get("standard"), "district")
    if not standard:
        raise DomainError(_l("Please name the certificate's standard."))
    valid_until = row.get("valid_until")
    if valid_until:
        try:
            valid_until = date.fromisoformat(str(valid_until)).isoformat()
        except ValueError:
            raise DomainError(_l("Enter a date as YYYY-MM-DD.")) from None
    return {"standard": standard, "issuer": _text(row.get("issuer"), "name"), "valid_until": valid_until or None}


def _product(company: Company, row: dict) -> dict:
    name = _texts(row.get("name"))
    if not name:
        raise DomainError(_l("Please name each product or service in at least one language."))
    if any(len(text) > 200 for text in name.values()):
        raise DomainError(_l("This text is too long."))
    try:
        kind = ProductKind(row.get("kind") or ProductKind.PRODUCT).value
    except ValueError:
        raise DomainError(_l("Choose one of the options offered.")) from None
    product_id = row.get("id")
    if product_id is not None and product_id not in {p.id for p in company.products}:
        raise DomainError(_l("A product of another member cannot be changed."))
    photos = [int(image_id) for image_id in row.get("photos") or []]
    if len(photos) > MAX_PHOTOS:
        raise DomainError(_l("At most %(n)s photos per product.", n=MAX_PHOTOS))
    return {"id": product_id, "kind": kind, "name": name, "description": _texts(row.get("description")),
            "photos": photos}


def describe(data: dict) -> dict[str, list[str]]:
    """An entry as readable lines per part (what the revision page compares, before and after)."""
    from flask_babel import ngettext

    from app.core.translated import pick
    from app.network.regions import region_name
    from app.network.vocabulary import (
        CONTACT_VISIBILITY_LABELS,
        MATERIAL_LABELS,
        MEMBER_KIND_LABELS,
        PROCESS_LABELS,
        PRODUCT_KIND_LABELS,
    )

    def line(*parts: Any) -> str:
        return " · ".join(str(part) for part in parts if part not in (None, "", []))

    def mm(value: Any) -> str:
        return f"{value:g} mm" if value else ""

    texts = {f"{name}_{lang}": [text] for name in ("description",)
             for lang, text in (data.get(name) or {}).items()}
    return {
        "name": [data.get("name") or ""], "kind": [str(MEMBER_KIND_LABELS[MemberKind(data["kind"])])],
        "place": [line(data.get("address"), data.get("city"), data.get("district"), region_name(data.get("region")))],
        **texts, "website": [data.get("website") or ""],
        "contact": [line(data.get("contact_name"), data.get("contact_email"), data.get("contact_phone"),
                         CONTACT_VISIBILITY_LABELS[ContactVisibility(data["contact_visibility"])])],
        "languages": [", ".join(WORKING_LANGUAGES.get(code, code) for code in data.get("languages") or [])],
        "capabilities": [line(PROCESS_LABELS[Process(c["process"])],
                              ", ".join(str(MATERIAL_LABELS[Material(m)]) for m in c["materials"]),
                              mm(c["max_thickness_mm"]), mm(c["max_length_mm"]), mm(c["max_width_mm"]),
                              pick(c.get("note") or {})) for c in data.get("capabilities") or []],
        "machines": [line(f"{m['count']} ×", m["machine_type"], m["make_model"], m["working_area"],
                          PROCESS_LABELS[Process(m["process"])] if m["process"] else "")
                     for m in data.get("machines") or []],
        "certifications": [line(c["standard"], c["issuer"], c["valid_until"])
                           for c in data.get("certifications") or []],
        "products": [line(PRODUCT_KIND_LABELS[ProductKind(p["kind"])], pick(p["name"]), pick(p["description"]),
                          ngettext("%(num)s photo", "%(num)s photos", len(p["photos"])) if p["photos"] else "")
                     for p in data.get("products") or []],
        "logo": [f"#{data['logo']}" if data.get("logo") else ""],
    }


def compare(before: dict[str, list[str]], after: dict[str, list[str]]) -> list[tuple[str, list[str], list[str]]]:
    """The parts that differ: (part, lines before, lines after)."""
    parts = list(dict.fromkeys([*before, *after]))
    return [(part, [x for x in before.get(part, []) if x], [x for x in after.get(part, []) if x])
            for part in parts if before.get(part, []) != after.get(part, [])]


# -- proposing and deciding -----------------------------------------------------------------------------------------
def coordinators() -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == Role.COORDINATOR, User.is_active.is_(True))))


def contacts_of(company: Company) -> list[User]:
    return [link.user for link in company.members if link.is_contact]


def propose_entry(actor: User, company: Company, data: dict, *, photos: dict[int, Upload] | None = None,
                  logo: Upload | None = None) -> EntryRevision:
    """The contact person's proposal: it replaces their earlier pending one, and nothing is public until a
    coordinator approves it. ``photos`` are new photos by product row, ``logo`` a new logo: stored now (private
    until approved)."""
    if not can_propose_entry(actor, company):
        raise DomainError(_l("Only the member's contact person proposes changes to its entry."))
    data = {**data, "products": [dict(row) for row in data.get("products") or []]}
    for row, (stream, filename) in sorted((photos or {}).items()):
        if not 0 <= row < len(data["products"]):
            raise DomainError(_l("A photo must belong to a product or service."))
        image = store_image(actor, company, stream, filename)
        data["products"][row]["photos"] = [*data["products"][row].get("photos", []), image.id]
    if logo is not None:
        data["logo"] = store_image(actor, company, *logo).id
    entry = clean_entry(company, data)
    previous = pending_revision(company)
    if previous is not None:
        previous.status = RevisionStatus.SUPERSEDED
    revision = EntryRevision(company_id=company.id, data=entry, submitted_by_id=actor.id)
    db.session.add(revision)
    db.session.flush()
    record_event("network.entry_proposed", actor=actor, obj=company,
                 after={"revision": revision.id, **({"superseded": previous.id} if previous else {})})
    if previous is None:  # coordinators were told already about the proposal this one replaces
        notify(coordinators(), "network.entry_submitted", {"company": company.name},
               link=path_for("network.revision", revision_id=revision.id))
    return revision


def _require_pending(actor: User, revision: EntryRevision) -> None:
    if not can_manage_directory(actor):
        raise DomainError(_l("Only coordinators decide on proposed entries."))
    if revision.status != RevisionStatus.PENDING:
        raise DomainError(_l("This proposal has already been decided or replaced."))


def approve_revision(actor: User, revision: EntryRevision) -> Company:
    """Apply the proposal to the member's rows (fields, capabilities, machines, certifications, products, photos,
    logo) and publish the entry. Photos the proposal no longer uses are removed now, with an audit entry each."""
    _require_pending(actor, revision)
    company = revision.company
    entry = clean_entry(company, revision.data)  # the member's rows may have changed since it was proposed
    before = entry_of(company)
    for name in FIELDS:
        value = entry[name]
        if name == "kind":
            value = MemberKind(value)
        elif name == "contact_visibility":
            value = ContactVisibility(value)
        setattr(company, name, value)
    company.capabilities = [Capability(process=Process(c["process"]), materials=c["materials"],
                                       max_thickness_mm=c["max_thickness_mm"], max_length_mm=c["max_length_mm"],
                                       max_width_mm=c["max_width_mm"], note=c["note"], position=n)
                            for n, c in enumerate(entry["capabilities"])]
    company.machines = [Machine(process=Process(m["process"]) if m["process"] else None,
                                machine_type=m["machine_type"], make_model=m["make_model"],
                                working_area=m["working_area"], count=m["count"], position=n)
                        for n, m in enumerate(entry["machines"])]
    company.certifications = [Certification(standard=c["standard"], issuer=c["issuer"], position=n,
                                            valid_until=date.fromisoformat(c["valid_until"]) if c["valid_until"]
                                            else None) for n, c in enumerate(entry["certifications"])]
    _apply_products(actor, company, entry)
    company.is_published = True
    revision.status, revision.decided_by_id, revision.decided_at = RevisionStatus.APPROVED, actor.id, utcnow()
    refresh_document(company)
    db.session.flush()
    record_event("network.entry_approved", actor=actor, obj=company,
                 after={"revision": revision.id, "changed": sorted(k for k in before if before[k] != entry.get(k))})
    notify(contacts_of(company), "network.entry_approved", {"company": company.name},
           link=path_for("network.member", company_id=company.id))
    return company


def _apply_products(actor: User, company: Company, entry: dict) -> None:
    images = list(db.session.scalars(select(MemberImage).where(MemberImage.company_id == company.id)))
    published = {image.id for image in images if is_published(image)}  # before products (and links) go
    existing = {product.id: product for product in company.products}
    products = []
    for position, row in enumerate(entry["products"]):
        product = existing.pop(row["id"], None) if row["id"] else None
        product = product or Product(company_id=company.id)
        product.kind, product.name, product.description = ProductKind(row["kind"]), row["name"], row["description"]
        product.position = position
        products.append(product)
    for product in existing.values():  # products the proposal no longer lists
        product.photos = []
    company.products = products
    db.session.flush()
    keep: dict[int, tuple[Product | None, int]] = {entry["logo"]: (None, 0)} if entry["logo"] else {}
    for product, row in zip(products, entry["products"], strict=True):
        keep.update({image_id: (product, n) for n, image_id in enumerate(row["photos"])})
    for image in images:
        if image.id in keep:
            product, position = keep[image.id]
            image.product_id, image.position = (product.id if product else None), position
            image.is_logo = product is None
        elif image.id in published:
            _remove_image(actor, company, image)
    db.session.flush()


def _remove_image(actor: User, company: Company, image: MemberImage) -> None:
    """A photo the approved entry no longer shows: its row goes, its objects once that is committed."""
    record_event("network.image_removed", actor=actor, obj=company,
                 before={"image": image.id, "file": image.storage_key, "sha256": image.sha256,
                         "name": image.original_filename})
    delete_after_commit(image.storage_key)
    if image.thumbnail_key:
        delete_after_commit(image.thumbnail_key)
    db.session.delete(image)


def reject_revision(actor: User, revision: EntryRevision, reason: str) -> EntryRevision:
    """Refuse a proposal with a reason the contact person reads; the entry stays as it was."""
    _require_pending(actor, revision)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("Please say why the proposal is rejected."), field="reason")
    revision.status, revision.decided_by_id, revision.decided_at = RevisionStatus.REJECTED, actor.id, utcnow()
    revision.decision_note = reason[:2000]
    db.session.flush()
    record_event("network.entry_rejected", actor=actor, obj=revision.company, after={"revision": revision.id})
    notify(contacts_of(revision.company), "network.entry_rejected",
           {"company": revision.company.name, "reason": revision.decision_note},
           link=path_for("network.history", company_id=revision.company_id))
    return revision


def history_of(company: Company) -> list[EntryRevision]:
    return list(db.session.scalars(select(EntryRevision).where(EntryRevision.company_id == company.id)
                                   .order_by(EntryRevision.id.desc())))


def waiting_revisions() -> list[EntryRevision]:
    return list(db.session.scalars(select(EntryRevision).where(EntryRevision.status == RevisionStatus.PENDING)
                                   .order_by(EntryRevision.created_at, EntryRevision.id)))


# -- contact people -------------------------------------------------------------------------------------------------
def add_contact(actor: User, company: Company, user: User) -> CompanyMember:
    """A coordinator makes an existing account the member's contact person."""
    if not can_manage_directory(actor):
        raise DomainError(_l("Only coordinators manage the directory."))
    if not user.is_active or not user.email:
        raise DomainError(_l("A contact person needs an active account with an e-mail address."), field="email")
    link = person_link(company, user)
    link.is_contact, link.invited_by_id = True, link.invited_by_id or actor.id
    db.session.flush()
    record_event("network.contact_added", actor=actor, obj=company, after={"user": user.id})
    return link


def invite_contact(actor: User, company: Company, email: str, full_name: str, language: str) -> Invitation:
    """A coordinator invites someone without an account as the member's contact person: a MENTOR account (the
    least a firm's person holds: no learner's pages, no staff rights; what they may do comes from the link)."""
    if not can_manage_directory(actor):
        raise DomainError(_l("Only coordinators manage the directory."))
    if not (full_name or "").strip():
        raise DomainError(_l("No account has this e-mail: enter the person's name to invite them."),
                          field="full_name")
    invitation = create_invitation(email, full_name, Role.MENTOR, language, company.country, actor)
    invitation.user.employer_id = company.id
    add_contact(actor, company, invitation.user)
    return invitation


def join_directory(email: str, password: str, profile: Profile, kind: MemberKind, name: str, country: Country,
                   city: str, registration_number: str | None) -> tuple[User, Company]:
    """Self-registration of a member (when the setting allows): the person's account, and a new unpublished member
    with them as its contact person; the entry becomes public once a coordinator approves it."""
    if not directory_registration_enabled():
        raise DomainError(_l("Members cannot register themselves at the moment. Ask a coordinator."))
    if not (name or "").strip():
        raise DomainError(_l("Please enter the member's name."), field="member_name")
    if not (city or "").strip():
        raise DomainError(_l("Please enter the city."), field="member_city")
    number = None
    if (registration_number or "").strip():
        number = clean_registration_number(country, registration_number or "")
    elif kind != MemberKind.CRAFTSPERSON:
        raise DomainError(_l("Please enter the registration number."), field="registration_number")
    if number is not None and db.session.scalar(select(Company.id).where(Company.country == country,
                                                                         Company.registration_number == number)):
        raise DomainError(_l("This firm is already in the directory: ask a coordinator to make you its contact "
                             "person."), field="registration_number")
    user = register_account(email, password, profile, Role.MENTOR)
    company = Company(kind=kind, name=name.strip()[:200], country=country, city=city.strip()[:100],
                      registration_number=number, is_published=False, contact_name=user.full_name,
                      contact_email=user.email, contact_visibility=ContactVisibility.MEMBERS, description={},
                      languages=[profile.language] if profile.language in WORKING_LANGUAGES else [])
    refresh_document(company)
    db.session.add(company)
    db.session.flush()
    user.employer_id = company.id
    db.session.add(CompanyMember(company=company, user=user, is_mentor=False, is_contact=True,
                                 invited_by_id=user.id))
    db.session.flush()
    record_event("network.member_registered", actor=user, obj=company, after={"kind": kind})
    return user, company
