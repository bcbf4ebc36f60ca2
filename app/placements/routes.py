"""Internships for trainees, the register and matching for coordinators, placements, logbooks and evaluations."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.catalogue.models import Specialisation
from app.certificates.services import valid_for_placement
from app.core.files import send_attached_file
from app.core.forms import ConfirmForm, flash_form_errors
from app.core.permissions import Role, deny, load_or_403, load_or_404, role_required
from app.core.translated import pick
from app.core.uow import form_page, refusals
from app.core.urls import id_arg
from app.extensions import db
from app.network.models import Company, CompanyMember
from app.offline.idempotency import idempotent
from app.placements import bp, documents, lifecycle, logbook, offers
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
    TRANSITIONS,
    Application,
    DocumentKind,
    LogbookEntry,
    Placement,
    PlacementDocument,
    PlacementStatus,
)
from app.placements.policies import (
    can_apply_for,
    can_evaluate,
    can_manage_placement,
    can_mentor,
    can_see_certificate,
    can_see_entry,
    can_see_placement,
    can_write_logbook,
    is_intern,
    is_mentor,
)


def _to_placement(placement_id: int, section: str = ""):
    return redirect(url_for("placements.placement", placement_id=placement_id) + section, 303)


@bp.route("/internships/", methods=["GET", "POST"])
@role_required(Role.TRAINEE)
def internships():
    open_offers = offers.open_offers()
    eligible = [o for o in open_offers if can_apply_for(current_user, o)]
    busy = {o for _trainee, o in lifecycle.clashing_offers([current_user.id], [o.id for o in eligible])}
    form = ApplicationForm()
    choices = [(o.id, f"{pick(o.title)} – {o.company.name} ({o.company.country.value})") for o in eligible]
    # A posted offer that overlaps one of the trainee's placements passes the form, so the service says why not.
    _offer_choices(form, choices)
    if form.validate_on_submit():
        with refusals(form):
            offers.apply(current_user, [form.first.data, form.second.data or 0, form.third.data or 0],
                         form.motivation.data)
            flash(_("Your application has been sent to the coordinators."), "success")
            return redirect(url_for("placements.internships"), 303)
    _offer_choices(form, [choice for choice in choices if choice[0] not in busy])
    applications = list(db.session.scalars(select(Application).where(Application.user_id == current_user.id)
                                           .order_by(Application.created_at.desc())))
    placements = list(db.session.scalars(select(Placement).where(Placement.trainee_id == current_user.id)
                                         .order_by(Placement.starts_on.desc())))
    return form_page("placements/internships.html", offers=open_offers, eligible={o.id for o in eligible},
                     busy=busy, can_choose=len(choices) > len(busy), form=form, applications=applications,
                     placements=placements)


def _offer_choices(form: ApplicationForm, choices: list) -> None:
    form.first.choices = [(0, _("— choose an offer —")), *choices]
    form.second.choices = form.third.choices = [(0, "—"), *choices]


@bp.get("/mentor/interns")
@login_required
def my_interns():
    if not is_mentor(current_user):
        deny()
    placements = list(db.session.scalars(lifecycle.placements_for_mentor(current_user)))
    return render_template("placements/my_interns.html", placements=placements)


@bp.get("/placements/")
@role_required(Role.COORDINATOR)
def register():
    criteria = lifecycle.PlacementFilter(
        status=request.args.get("status") if request.args.get("status") in {s.value for s in PlacementStatus}
        else None,
        country_pair=request.args.get("pair") if request.args.get("pair") in ("PL-LT", "LT-PL", "PL-PL", "LT-LT")
        else None,
        company_id=id_arg(request.args, "company"), specialisation_id=id_arg(request.args, "specialisation"))
    query = lifecycle.filtered(criteria).options(selectinload(Placement.trainee), selectinload(Placement.company),
                                                 selectinload(Placement.specialisation))
    page = db.paginate(query, per_page=50, error_out=False)
    return render_template("placements/register.html", page=page, counts=lifecycle.counts(criteria),
                           criteria=criteria, labels=lifecycle.STATUS_LABELS(),
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
    mentors = db.session.scalars(select(CompanyMember).where(CompanyMember.is_mentor.is_(True)))
    form.mentor_id.choices = [(0, _("— none yet —")),
                              *[(m.user_id, f"{m.user.full_name} – {m.company.name}") for m in mentors]]
    return form


@bp.route("/placements/new", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def new_placement():
    form = _placement_form()
    if form.validate_on_submit():
        with refusals(form):
            placement = lifecycle.create_placement(
                current_user, load_or_404(User, form.trainee_id.data), load_or_404(Company, form.company_id.data),
                load_or_404(Specialisation, form.specialisation_id.data), form.starts_on.data, form.ends_on.data,
                form.planned_hours.data, load_or_404(User, form.mentor_id.data) if form.mentor_id.data else None)
            flash(_("Placement proposed."), "success")
            return _to_placement(placement.id)
    return form_page("placements/placement_form.html", form=form)


@bp.route("/placements/matching", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def matching():
    proposal = offers.proposal()
    form = matching_form(proposal)
    if form.validate_on_submit():
        pairs = [(a.id, form[f"offer_{a.id}"].data) for a in proposal.applications if form[f"offer_{a.id}"].data]
        with refusals():
            # Valid rows are saved (the request commits them), refused ones are named: back to the page they are on.
            outcome = offers.accept_matches(current_user, pairs)
            if outcome.placements or not outcome.refusals:
                flash(ngettext("%(num)s placement proposed.", "%(num)s placements proposed.",
                               len(outcome.placements)), "success")
            for message in outcome.refusals:
                flash(message, "error")
            return redirect(url_for("placements.matching" if outcome.refusals else "placements.register"), 303)
    return form_page("placements/matching.html", applications=proposal.applications, proposed=proposal.proposed,
                     offers=proposal.offers, form=form)


@bp.get("/placements/<int:placement_id>")
@login_required
def placement(placement_id: int):
    placement = load_or_403(Placement, placement_id, can_see_placement)
    return render_template(
        "placements/placement.html", placement=placement, evaluation=lifecycle.evaluation_of(placement),
        certificate=valid_for_placement(placement.id), confirmed=logbook.confirmed_hours(placement),
        labels=lifecycle.STATUS_LABELS(), is_trainee=is_intern(current_user, placement),
        is_mentor=can_mentor(current_user, placement), is_coordinator=can_manage_placement(current_user, placement),
        can_write=can_write_logbook(current_user, placement), can_evaluate=can_evaluate(current_user, placement),
        show_certificate=can_see_certificate(current_user, placement), closed=not TRANSITIONS[placement.status],
        logbook_form=LogbookForm(prefix="log"), transition_form=TransitionForm(prefix="st"),
        document_form=DocumentForm(prefix="doc"), review_form=ReviewForm(), competences=COMPETENCE_LABELS)


@bp.post("/placements/<int:placement_id>/status")
@role_required(Role.COORDINATOR)
def change_status(placement_id: int):
    placement = load_or_403(Placement, placement_id, can_manage_placement)
    form = TransitionForm(prefix="st")
    if form.validate_on_submit():
        with refusals():
            lifecycle.transition(current_user, placement, PlacementStatus(form.status.data), form.reason.data)
            flash(_("Status changed."), "success")
    return _to_placement(placement.id)


def _posted_from_placement_page(placement_id: int, form, section: str, done: str, save):
    """A form of the placement page: ``save(placement, form)`` and flash ``done`` (or its refusal, or the form's
    errors), then back to the page's ``section``."""
    placement = load_or_403(Placement, placement_id, can_see_placement)
    if form.validate_on_submit():
        with refusals():
            save(placement, form)
            flash(done, "success")
    else:
        flash_form_errors(form)
    return _to_placement(placement.id, section)


@bp.post("/placements/<int:placement_id>/logbook")
@login_required
@idempotent  # a day written offline is sent by the offline queue, maybe twice: it counts once
def add_logbook_day(placement_id: int):
    return _posted_from_placement_page(
        placement_id, LogbookForm(prefix="log"), "#logbook", _("The day is in the logbook and waits for the mentor."),
        lambda placement, form: logbook.save_entry(current_user, placement, form.day.data, form.hours.data,
                                                   form.tasks.data))


@bp.route("/logbook/<int:entry_id>", methods=["GET", "POST"])
@login_required
def edit_logbook_day(entry_id: int):
    entry = load_or_403(LogbookEntry, entry_id, can_see_entry)
    placement = entry.placement
    form = LogbookForm(obj=entry if request.method == "GET" else None)
    if form.validate_on_submit():
        with refusals(form):
            logbook.save_entry(current_user, placement, form.day.data, form.hours.data, form.tasks.data, entry)
            flash(_("The day is in the logbook and waits for the mentor."), "success")
            return _to_placement(placement.id, "#logbook")
    return form_page("placements/logbook_form.html", form=form, entry=entry, placement=placement)


@bp.post("/logbook/<int:entry_id>/<any(confirm, return):decision>")
@login_required
def review_logbook_day(entry_id: int, decision: str):
    entry = load_or_403(LogbookEntry, entry_id, can_see_entry)
    form = ReviewForm()
    if form.validate_on_submit():
        with refusals():
            logbook.review_entry(current_user, entry, decision == "confirm", form.comment.data)
            flash(_("Day confirmed.") if decision == "confirm" else _("Day returned to the intern."), "success")
    return _to_placement(entry.placement_id, "#logbook")


@bp.route("/placements/<int:placement_id>/evaluation", methods=["GET", "POST"])
@login_required
def evaluation(placement_id: int):
    placement = load_or_403(Placement, placement_id, can_mentor)
    existing = lifecycle.evaluation_of(placement)
    form = EvaluationForm()
    if request.method == "GET" and existing:
        form.comment.data = existing.comment
        for name in COMPETENCE_LABELS:
            getattr(form, f"rating_{name}").data = str(existing.ratings.get(name, ""))
    if form.validate_on_submit():
        ratings = {name: int(getattr(form, f"rating_{name}").data) for name in COMPETENCE_LABELS}
        with refusals(form):
            logbook.save_evaluation(current_user, placement, ratings, form.comment.data)
            flash(_("Evaluation saved."), "success")
            return _to_placement(placement.id)
    return form_page("placements/evaluation.html", form=form, placement=placement, competences=COMPETENCE_LABELS)


@bp.post("/placements/<int:placement_id>/documents")
@login_required
def upload_document(placement_id: int):
    return _posted_from_placement_page(
        placement_id, DocumentForm(prefix="doc"), "#documents", _("Document stored."),
        lambda placement, form: documents.store_document(current_user, placement, DocumentKind(form.kind.data),
                                                         form.file.data.filename, form.file.data.stream))


@bp.get("/placements/<int:placement_id>/documents/<int:document_id>")
@login_required
def document(placement_id: int, document_id: int):
    placement = load_or_403(Placement, placement_id, can_see_placement)
    return send_attached_file(PlacementDocument, document_id, placement_id=placement.id)


@bp.post("/placements/<int:placement_id>/certificate")
@role_required(Role.COORDINATOR)
def issue_certificate(placement_id: int):
    placement = load_or_403(Placement, placement_id, can_manage_placement)
    if ConfirmForm().validate_on_submit():
        with refusals():
            lifecycle.issue_certificate(current_user, placement)
            flash(_("Internship certificate issued."), "success")
    return _to_placement(placement.id)
