"""Members' own entries: the contact person's "My entry" and its history, the coordinators' moderation queue and
decisions, members' images, inviting a contact person, and joining the directory."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts import mails, sessions
from app.accounts.models import Country
from app.accounts.services import Profile, find_user_by_email
from app.catalogue.forms import fill_texts, texts_from
from app.core.files import send_stored_file, send_stored_key
from app.core.i18n import select_locale, select_timezone
from app.core.limits import per_address
from app.core.permissions import Role, load_or_403, load_or_404, role_required
from app.core.settings import directory_registration_enabled
from app.core.uow import form_page, refusals
from app.extensions import limiter
from app.network import bp, entries
from app.network.entry_forms import ContactForm, DecisionForm, EntryForm, JoinForm
from app.network.images import can_see_image
from app.network.models import Company, EntryRevision, MemberImage, MemberKind, RevisionStatus
from app.network.policies import can_manage_directory, can_propose_entry, can_see_entry_history

#: Empty rows offered under each list (a phone needs no script to add one; "More rows" adds more).
EMPTY_ROWS = {"capabilities": 1, "machines": 1, "certifications": 1, "products": 2}


def _ids(text: str | None) -> list[int]:
    return [int(part) for part in (text or "").split(",") if part.strip().isdigit() and len(part.strip()) < 12]


def _fill(form: EntryForm, data: dict) -> None:
    """The form as the entry (or the pending proposal) says, with empty rows to add more."""
    for name in ("name", "city", "district", "address", "website", "contact_name", "contact_email",
                 "contact_phone"):
        getattr(form, name).data = data.get(name) or ""
    form.kind.data, form.contact_visibility.data = data.get("kind"), data.get("contact_visibility")
    form.region.data, form.languages.data = data.get("region") or "", list(data.get("languages") or [])
    fill_texts(form, "description", data.get("description") or {})
    form.logo_id.data = str(data["logo"]) if data.get("logo") else ""
    for row in data.get("capabilities") or []:
        entry = form.capabilities.append_entry()
        entry.process_code.data, entry.materials.data = row["process"], row["materials"]
        for limit in ("max_thickness_mm", "max_length_mm", "max_width_mm"):
            getattr(entry, limit).data = row[limit]
        fill_texts(entry, "note", row.get("note") or {})
    for row in data.get("machines") or []:
        entry = form.machines.append_entry()
        for name in ("machine_type", "make_model", "working_area", "count"):
            getattr(entry, name).data = row[name]
        entry.process_code.data = row["process"] or ""
    for row in data.get("certifications") or []:
        entry = form.certifications.append_entry()
        entry.standard.data, entry.issuer.data = row["standard"], row["issuer"]
        entry.valid_until.data = _date(row["valid_until"])
    for row in data.get("products") or []:
        entry = form.products.append_entry()
        entry.product_id.data = str(row["id"]) if row.get("id") else ""
        entry.photo_ids.data = ",".join(str(i) for i in row["photos"])
        entry.kind.data = row["kind"]
        fill_texts(entry, "name", row["name"])
        fill_texts(entry, "description", row["description"])
    _add_rows(form)


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _add_rows(form: EntryForm) -> None:
    for name, count in EMPTY_ROWS.items():
        rows = getattr(form, name)
        for _n in range(count):
            if len(rows) < rows.max_entries:
                rows.append_entry()


def _entry_data(form: EntryForm) -> tuple[dict, dict[int, object], object | None]:
    """The proposal the form says (empty rows left out), the new photos by product row, and a new logo."""
    data = {name: getattr(form, name).data for name in (
        "name", "kind", "city", "district", "address", "website", "contact_name", "contact_email", "contact_phone",
        "contact_visibility", "languages")}
    data["region"] = form.region.data or None
    data["description"] = texts_from(form, "description")
    data["capabilities"] = [{"process": row.process_code.data, "materials": row.materials.data or [],
                             "max_thickness_mm": row.max_thickness_mm.data, "max_length_mm": row.max_length_mm.data,
                             "max_width_mm": row.max_width_mm.data, "note": texts_from(row, "note")}
                            for row in form.capabilities if row.process_code.data]
    data["machines"] = [{"process": row.process_code.data or None, "machine_type": row.machine_type.data,
                         "make_model": row.make_model.data, "working_area": row.working_area.data,
                         "count": row.count.data or 1}
                        for row in form.machines if (row.machine_type.data or "").strip()]
    data["certifications"] = [{"standard": row.standard.data, "issuer": row.issuer.data,
                               "valid_until": row.valid_until.data.isoformat() if row.valid_until.data else None}
                              for row in form.certifications if (row.standard.data or "").strip()]
    products, photos = [], {}
    for row in form.products:
        upload = row.photo.data if getattr(row.photo.data, "filename", None) else None
        names = {lang: text for lang, text in texts_from(row, "name").items() if text and text.strip()}
        product_id = _ids(row.product_id.data)
        if row.remove.data or not (names or upload or product_id):
            continue
        removed = set(_ids(",".join(row.remove_photos.data or [])))
        if upload is not None:
            photos[len(products)] = upload
        products.append({"id": product_id[0] if product_id else None, "kind": row.kind.data, "name": names,
                         "description": texts_from(row, "description"),
                         "photos": [i for i in _ids(row.photo_ids.data) if i not in removed]})
    data["products"] = products
    logo = _ids(form.logo_id.data)
    data["logo"] = None if form.remove_logo.data or not logo else logo[0]
    new_logo = form.logo.data if getattr(form.logo.data, "filename", None) else None
    return data, photos, new_logo


@bp.route("/directory/<int:company_id>/entry", methods=["GET", "POST"])
@login_required
def my_entry(company_id: int):
    """The contact person proposes the member's whole entry; a coordinator approves it before it is public."""
    company = load_or_403(Company, company_id, can_propose_entry)
    form = EntryForm()
    status = 200
    if request.method == "GET":
        _fill(form, entries.draft_of(company))
    elif form.more.data and form.is_submitted():
        _add_rows(form)  # nothing saved: the same rows and more empty ones (chosen files must be picked again)
    elif form.validate_on_submit():
        with refusals(form):
            data, photos, logo = _entry_data(form)
            entries.propose_entry(current_user, company, data,
                                  photos={n: (f.stream, f.filename) for n, f in photos.items()},
                                  logo=(logo.stream, logo.filename) if logo else None)
            flash(_("Thank you! Your entry was sent to the coordinators; it is public once they approve it."),
                  "success")
            return redirect(url_for("network.member", company_id=company.id), 303)
        status = 422
    else:
        status = 422
    return render_template("network/entry.html", form=form, company=company,
                           pending=entries.pending_revision(company)), status


@bp.get("/directory/<int:company_id>/history")
@login_required
def history(company_id: int):
    company = load_or_403(Company, company_id, can_see_entry_history)
    return render_template("network/history.html", company=company, revisions=entries.history_of(company))


@bp.get("/directory/moderation")
@role_required(Role.COORDINATOR)
def moderation():
    return render_template("network/moderation.html", revisions=entries.waiting_revisions())


def _changes(revision: EntryRevision) -> list:
    """A pending proposal beside the entry it would replace; a decided one as it was proposed (the entry has
    moved on since)."""
    before = entries.describe(entries.entry_of(revision.company)) if revision.status == RevisionStatus.PENDING \
        else {}
    return entries.compare(before, entries.describe(revision.data))


def _can_see_revision(user, revision: EntryRevision) -> bool:
    return can_see_entry_history(user, revision.company)


@bp.get("/directory/revisions/<int:revision_id>")
@login_required
def revision(revision_id: int):
    """A proposal: what it changes (before and after) and, for coordinators, the decision."""
    revision = load_or_403(EntryRevision, revision_id, _can_see_revision)
    company = revision.company
    return render_template("network/moderation_revision.html", revision=revision, company=company,
                           changes=_changes(revision), data=revision.data,
                           form=DecisionForm(), can_decide=can_manage_directory(current_user)
                           and revision.status == RevisionStatus.PENDING)


@bp.post("/directory/revisions/<int:revision_id>/<any(approve, reject):decision>")
@role_required(Role.COORDINATOR)
def decide(revision_id: int, decision: str):
    revision = load_or_404(EntryRevision, revision_id)
    form = DecisionForm()
    if form.validate_on_submit():
        with refusals(form):
            if decision == "approve":
                entries.approve_revision(current_user, revision)
                flash(_("The entry of %(company)s is approved and public.", company=revision.company.name),
                      "success")
            else:
                entries.reject_revision(current_user, revision, form.reason.data or "")
                flash(_("The proposal of %(company)s is rejected; the member is told why.",
                        company=revision.company.name), "success")
            return redirect(url_for("network.moderation"), 303)
    return form_page("network/moderation_revision.html", revision=revision, company=revision.company,
                     changes=_changes(revision), data=revision.data, form=form, can_decide=True)


def _image(company_id: int, image_id: int) -> MemberImage:
    """The image if the visitor may see it; 404 otherwise (a private image's existence is not told)."""
    company = load_or_404(Company, company_id)
    image = load_or_404(MemberImage, image_id)
    if not can_see_image(current_user, company, image):
        abort(404)
    return image


@bp.get("/directory/<int:company_id>/images/<int:image_id>")
def image(company_id: int, image_id: int):
    return send_stored_file(_image(company_id, image_id), inline=True)


@bp.get("/directory/<int:company_id>/images/<int:image_id>/thumb")
def thumbnail(company_id: int, image_id: int):
    image = _image(company_id, image_id)
    if not image.thumbnail_key:  # the worker has not made it yet: the original serves meanwhile
        return send_stored_file(image, inline=True)
    return send_stored_key(image.thumbnail_key, "image/jpeg", filename="thumbnail.jpg", inline=True)


#: The language a member's contact person is invited in unless the coordinator picks another.
INVITATION_LANGUAGE = {Country.PL: "pl", Country.LT: "lt"}


@bp.route("/directory/<int:company_id>/contacts", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def contacts(company_id: int):
    """A coordinator gives a member its contact person: an existing account, or an invitation for a new one."""
    company = load_or_404(Company, company_id)
    form = ContactForm(language=INVITATION_LANGUAGE.get(company.country, "en"))
    if form.validate_on_submit():
        with refusals(form):
            user = find_user_by_email(form.email.data)
            if user is None:
                invitation = entries.invite_contact(current_user, company, form.email.data,
                                                    form.full_name.data or "", form.language.data)
                mails.send_invitation(invitation)
                flash(_("Invitation sent to %(email)s: %(name)s will keep the entry of %(company)s.",
                        email=invitation.user.email, name=invitation.user.full_name, company=company.name),
                      "success")
            else:
                entries.add_contact(current_user, company, user)
                flash(_("%(name)s now keeps the entry of %(company)s.", name=user.full_name, company=company.name),
                      "success")
            return redirect(url_for("network.contacts", company_id=company.id), 303)
    return form_page("network/entry_contacts.html", form=form, company=company,
                     contacts=entries.contacts_of(company))


@bp.route("/directory/join", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["ATTEMPTS_PER_ADDRESS"], methods=["POST"], key_func=per_address)
def join():
    """A craftsperson or a firm registers itself (when an admin allows it): an account and an unpublished entry."""
    if not directory_registration_enabled():
        return render_template("network/join_closed.html"), 404
    if current_user.is_authenticated:
        flash(_("You already have an account: ask a coordinator to link you to your firm."), "info")
        return redirect(url_for("network.directory"))
    form = JoinForm()
    if request.method == "GET":  # the language and zone the visitor already uses
        form.language.data, form.timezone.data = select_locale(), select_timezone()
        form.country.data = form.member_country.data = "LT" if form.language.data == "lt" else "PL"
    if form.validate_on_submit():
        profile = Profile(full_name=form.full_name.data or "", country=Country(form.country.data),
                          language=form.language.data, timezone=form.timezone.data)
        with refusals(form):
            user, company = entries.join_directory(
                form.email.data, form.password.data, profile, MemberKind(form.member_kind.data),
                form.member_name.data or "", Country(form.member_country.data), form.member_city.data or "",
                form.registration_number.data)
            sessions.log_in(user)
            flash(_("Welcome! Now complete your entry and send it for approval."), "success")
            return redirect(url_for("network.my_entry", company_id=company.id), 303)
    return form_page("network/join.html", form=form)
