"""Internships for trainees, the register and matching for coordinators, placements, logbooks and evaluations."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.forms import ConfirmForm
from app.accounts.models import User
from app.accounts.routes import apply_domain_error
from app.catalogue.models import Specialisation
from app.core.errors import DomainError
from app.core.forms import flash_form_errors
from app.core.permissions import Role, has_role, role_required
from app.core.translated import pick
from app.extensions import db
from app.placements import bp, services
from app.placements.forms import (
    COMPETENCE_LABELS,
    ApplicationForm,
    DocumentForm,
    EvaluationForm,
    LogbookForm,
    PlacementForm,
    ReviewForm,
    TransitionForm,
    matching_form,
)
from app.placements.models import (
    Application,
    Company,
    DocumentKind,
    Evaluation,
    InternshipOffer,
    LogbookEntry,
    OfferStatus,
    Placement,
    PlacementDocument,
    PlacementStatus,
)
from app.storage import get_storage


@bp.route("/internships/", methods=["GET", "POST"])
@role_required(Role.TRAINEE)
def internships():
    offers = list(db.session.scalars(select(InternshipOffer).where(InternshipOffer.status == OfferStatus.OPEN)
                                     .order_by(InternshipOffer.starts_on)))
    eligible = [o for o in offers if services.is_enrolled_in_specialisation(current_user, o.specialisation_id)]
    form = ApplicationForm()
    choices = [(o.id, f"{pick(o.title)} – {o.company.name} ({o.company.country.value})") for o in eligible]
    form.first.choices = choices
    form.second.choices = form.third.choices = [(0, "—"), *choices]
    if form.validate_on_submit():
        try:
            services.apply(current_user, [form.first.data, form.second.data or 0, form.third.data or 0],
                           form.motivation.data)
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Your application has been sent to the coordinators."), "success")
            return redirect(url_for("placements.internships"), 303)
    applications = list(db.session.scalars(select(Application).where(Application.user_id == current_user.id)
                                           .order_by(Application.created_at.desc())))
    placements = list(db.session.scalars(select(Placement).where(Placement.trainee_id == current_user.id)
                                         .order_by(Placement.starts_on.desc())))
    return render_template("placements/internships.html", offers=offers, eligible={o.id for o in eligible},
                           form=form, applications=applications, placements=placements), \
        200 if request.method == "GET" else 422


@bp.get("/mentor/interns")
@login_required
def my_interns():
    if not services.is_mentor(current_user):
        abort(403)
    placements = list(db.session.scalars(services.placements_for_mentor(current_user)))
    return render_template("placements/my_interns.html", placements=placements)


@bp.get("/placements/")
@role_required(Role.COORDINATOR)
def register():
    criteria = services.PlacementFilter(
        status=request.args.get("status") if request.args.get("status") in {s.value for s in PlacementStatus}
        else None,
        country_pair=request.args.get("pair") if request.args.get("pair") in ("PL-LT", "LT-PL", "PL-PL", "LT-LT")
        else None,
        company_id=request.args.get("company", type=int), specialisation_id=request.args.get("specialisation",
                                                                                             type=int))
    query = services.filtered(criteria).options(selectinload(Placement.trainee), selectinload(Placement.company),
                                                selectinload(Placement.specialisation))
    page = db.paginate(query, per_page=50, error_out=False)
    return render_template("placements/register.html", page=page, counts=services.counts(criteria),
                           criteria=criteria, labels=services.STATUS_LABELS(),
                           companies=list(db.session.scalars(select(Company).order_by(Company.name))),
                           specialisations=list(db.session.scalars(select(Specialisation)
                                                                   .order_by(Specialisation.position))),
                           args={k: v for k, v in request.args.items() if k != "page"})


def _placement_form() -> PlacementForm:
    form = PlacementForm()
    form.trainee_id.choices = [(u.id, f"{u.full_name} ({u.country.value})") for u in db.session.scalars(
        select(User).where(User.role == Role.TRAINEE, User.is_active.is_(True), User.merged_into_id.is_(None))
        .order_by(User.full_name))]
    form.company_id.choices = [(c.id, f"{c.name} ({c.country.value})") for c in db.session.scalars(
        select(Company).where(Company.is_active.is_(True)).order_by(Company.name))]
    form.specialisation_id.choices = [(s.id, pick(s.title)) for s in db.session.scalars(
        select(Specialisation).order_by(Specialisation.position))]
    from app.placements.models import CompanyMember

    form.mentor_id.choices = [(0, _("— none yet —")), *[(m.user_id, f"{m.user.full_name} – {m.company.name}")
                                                        for m in db.session.scalars(select(CompanyMember).where(
                                                            CompanyMember.is_mentor.is_(True)))]]
    return form


@bp.route("/placements/new", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def new_placement():
    form = _placement_form()
    if form.validate_on_submit():
        try:
            placement = services.create_placement(
                current_user, db.get_or_404(User, form.trainee_id.data), db.get_or_404(Company, form.company_id.data),
                db.get_or_404(Specialisation, form.specialisation_id.data), form.starts_on.data, form.ends_on.data,
                form.planned_hours.data, db.session.get(User, form.mentor_id.data) if form.mentor_id.data else None)
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Placement proposed."), "success")
            return redirect(url_for("placements.placement", placement_id=placement.id), 303)
    return render_template("placements/placement_form.html", form=form), 200 if request.method == "GET" else 422


@bp.route("/placements/matching", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def matching():
    applications, proposed, offers = services.proposal()
    form = matching_form(applications, offers, proposed)
    if form.validate_on_submit():
        pairs = [(a.id, getattr(form, f"offer_{a.id}").data) for a in applications
                 if getattr(form, f"offer_{a.id}").data]
        try:
            placements = services.accept_matches(current_user, pairs)
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("%(n)s placements proposed.", n=len(placements)), "success")
            return redirect(url_for("placements.register"), 303)
    return render_template("placements/matching.html", applications=applications, proposed=proposed, offers=offers,
                           form=form)


def _visible_or_403(placement_id: int) -> Placement:
    placement = db.get_or_404(Placement, placement_id)
    if not services.can_see_placement(current_user, placement):
        abort(403)
    return placement


@bp.get("/placements/<int:placement_id>")
@login_required
def placement(placement_id: int):
    placement = _visible_or_403(placement_id)
    evaluation = db.session.scalar(select(Evaluation).where(Evaluation.placement_id == placement.id))
    from app.certificates.models import Certificate

    certificate = db.session.scalar(select(Certificate).where(Certificate.placement_id == placement.id,
                                                              Certificate.revoked_at.is_(None)))
    return render_template(
        "placements/placement.html", placement=placement, evaluation=evaluation, certificate=certificate,
        confirmed=services.confirmed_hours(placement), labels=services.STATUS_LABELS(),
        is_trainee=placement.trainee_id == current_user.id, is_mentor=services.can_mentor(current_user, placement),
        is_coordinator=has_role(current_user, Role.COORDINATOR), logbook_form=LogbookForm(prefix="log"),
        transition_form=TransitionForm(prefix="st"), document_form=DocumentForm(prefix="doc"),
        review_form=ReviewForm(), competences=COMPETENCE_LABELS)


@bp.post("/placements/<int:placement_id>/status")
@role_required(Role.COORDINATOR)
def change_status(placement_id: int):
    placement = db.get_or_404(Placement, placement_id)
    form = TransitionForm(prefix="st")
    if form.validate_on_submit():
        try:
            services.transition(current_user, placement, PlacementStatus(form.status.data), form.reason.data)
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("Status changed."), "success")
    return redirect(url_for("placements.placement", placement_id=placement.id), 303)


@bp.post("/placements/<int:placement_id>/logbook")
@login_required
def add_logbook_day(placement_id: int):
    placement = _visible_or_403(placement_id)
    form = LogbookForm(prefix="log")
    if form.validate_on_submit():
        try:
            services.save_entry(current_user, placement, form.day.data, form.hours.data, form.tasks.data)
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("The day is in the logbook and waits for the mentor."), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("placements.placement", placement_id=placement.id) + "#logbook", 303)


@bp.route("/logbook/<int:entry_id>", methods=["GET", "POST"])
@login_required
def edit_logbook_day(entry_id: int):
    entry = db.get_or_404(LogbookEntry, entry_id)
    placement = _visible_or_403(entry.placement_id)
    form = LogbookForm(obj=entry if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.save_entry(current_user, placement, form.day.data, form.hours.data, form.tasks.data, entry)
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The day is in the logbook and waits for the mentor."), "success")
            return redirect(url_for("placements.placement", placement_id=placement.id) + "#logbook", 303)
    return render_template("placements/logbook_form.html", form=form, entry=entry, placement=placement), \
        200 if request.method == "GET" else 422


@bp.post("/logbook/<int:entry_id>/<any(confirm, return):decision>")
@login_required
def review_logbook_day(entry_id: int, decision: str):
    entry = db.get_or_404(LogbookEntry, entry_id)
    _visible_or_403(entry.placement_id)
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            services.review_entry(current_user, entry, decision == "confirm", form.comment.data)
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("Day confirmed.") if decision == "confirm" else _("Day returned to the intern."), "success")
    return redirect(url_for("placements.placement", placement_id=entry.placement_id) + "#logbook", 303)


@bp.route("/placements/<int:placement_id>/evaluation", methods=["GET", "POST"])
@login_required
def evaluation(placement_id: int):
    placement = _visible_or_403(placement_id)
    if not services.can_mentor(current_user, placement):
        abort(403)
    existing = db.session.scalar(select(Evaluation).where(Evaluation.placement_id == placement.id))
    form = EvaluationForm()
    if request.method == "GET" and existing:
        form.comment.data = existing.comment
        for name in COMPETENCE_LABELS:
            getattr(form, f"rating_{name}").data = str(existing.ratings.get(name, ""))
    if form.validate_on_submit():
        ratings = {name: int(getattr(form, f"rating_{name}").data) for name in COMPETENCE_LABELS}
        try:
            services.save_evaluation(current_user, placement, ratings, form.comment.data)
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("Evaluation saved."), "success")
            return redirect(url_for("placements.placement", placement_id=placement.id), 303)
    return render_template("placements/evaluation.html", form=form, placement=placement,
                           competences=COMPETENCE_LABELS), 200 if request.method == "GET" else 422


@bp.post("/placements/<int:placement_id>/documents")
@login_required
def upload_document(placement_id: int):
    placement = _visible_or_403(placement_id)
    form = DocumentForm(prefix="doc")
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("placements.placement", placement_id=placement.id) + "#documents", 303)
    try:
        document = services.store_document(current_user, placement, DocumentKind(form.kind.data),
                                           form.file.data.filename, form.file.data.stream)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("placements.placement", placement_id=placement.id) + "#documents", 303)
    key = document.storage_key
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        get_storage().delete(key)
        raise
    flash(_("Document stored."), "success")
    return redirect(url_for("placements.placement", placement_id=placement.id) + "#documents", 303)


@bp.get("/placements/<int:placement_id>/documents/<int:document_id>")
@login_required
def document(placement_id: int, document_id: int):
    placement = _visible_or_403(placement_id)
    document = db.get_or_404(PlacementDocument, document_id)
    if document.placement_id != placement.id:
        abort(404)
    storage = get_storage()
    if storage.supports_presigned_urls:
        return redirect(storage.presigned_get_url(document.storage_key,
                                                  expires=current_app.config["S3_PRESIGN_EXPIRES"],
                                                  filename=document.original_filename,
                                                  content_type=document.content_type, inline=False), 302)
    return send_file(storage.local_path(document.storage_key), mimetype=document.content_type, as_attachment=True,
                     download_name=document.original_filename, conditional=True)


@bp.post("/placements/<int:placement_id>/certificate")
@role_required(Role.COORDINATOR)
def issue_certificate(placement_id: int):
    placement = db.get_or_404(Placement, placement_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.issue_certificate(current_user, placement)
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("Internship certificate issued."), "success")
    return redirect(url_for("placements.placement", placement_id=placement.id), 303)
