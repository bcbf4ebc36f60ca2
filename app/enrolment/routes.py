"""Enrolling, leaving, approving; coordinators' enrolment pages, managed participants and bulk import."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from app.accounts import mails as account_mails
from app.accounts.forms import ConfirmForm
from app.accounts.models import Country, Gender, User
from app.accounts.routes import apply_domain_error
from app.catalogue.models import Course, CourseStatus
from app.catalogue.policies import can_manage_course
from app.core.errors import DomainError
from app.core.permissions import Role, has_role, role_required
from app.enrolment import bp, bulk, participants, services
from app.enrolment.forms import (
    BulkConfirmForm,
    BulkUploadForm,
    EnrolPersonForm,
    GiveLoginForm,
    ManagedParticipantForm,
    ReasonForm,
)
from app.enrolment.mails import send_status_notice
from app.enrolment.models import Enrolment, EnrolmentEvent, EnrolmentStatus
from app.extensions import db


def notify(outcome: services.Outcome, reason: str | None = None, include_self: bool = False) -> None:
    """After the commit: tell people promoted from the waiting list (and, if asked, the person concerned)."""
    if include_self:
        send_status_notice(outcome.enrolment, reason)
    for enrolment in outcome.promoted:
        send_status_notice(enrolment)


@bp.post("/courses/<int:course_id>/enrol")
@login_required
def enrol(course_id: int):
    course = db.get_or_404(Course, course_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            outcome = services.request_enrolment(current_user, course)
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            status = outcome.enrolment.status
            flash({EnrolmentStatus.ENROLLED: _("You are enrolled. Welcome to the course!"),
                   EnrolmentStatus.WAITLISTED: _("The course is full: you are on the waiting list."),
                   EnrolmentStatus.REQUESTED: _("Your request has been sent. You will get an e-mail with the "
                                                "decision.")}[status], "success")
    return redirect(url_for("learning.course", course_id=course.id) + "#enrolment", 303)


@bp.post("/enrolments/<int:enrolment_id>/withdraw")
@login_required
def withdraw(enrolment_id: int):
    enrolment = db.get_or_404(Enrolment, enrolment_id)
    if enrolment.user_id != current_user.id and not has_role(current_user, Role.COORDINATOR):
        abort(403)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            outcome = services.withdraw(enrolment, current_user, form.reason.data)
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            notify(outcome, include_self=enrolment.user_id != current_user.id)
            flash(_("The enrolment has been withdrawn. Its history is kept."), "success")
    if enrolment.user_id == current_user.id:
        return redirect(url_for("learning.course", course_id=enrolment.course_id), 303)
    return redirect(url_for("enrolment.course_enrolments", course_id=enrolment.course_id), 303)


def managed_courses() -> list[Course]:
    query = select(Course).order_by(Course.status, Course.id)
    if not has_role(current_user, Role.COORDINATOR):
        query = query.where(Course.trainers.any(User.id == current_user.id))
    return list(db.session.scalars(query))


@bp.get("/manage/enrolments/")
@role_required(Role.TRAINER, Role.COORDINATOR)
def manage():
    courses = managed_courses()
    counts = {(course_id, status): n for course_id, status, n in db.session.execute(
        select(Enrolment.course_id, Enrolment.status, func.count()).where(
            Enrolment.course_id.in_([c.id for c in courses])).group_by(Enrolment.course_id, Enrolment.status))}
    return render_template("enrolment/manage.html", courses=courses, counts=counts,
                           is_coordinator=has_role(current_user, Role.COORDINATOR))


def course_or_403(course_id: int) -> Course:
    course = db.get_or_404(Course, course_id)
    if not can_manage_course(current_user, course):
        abort(403)
    return course


@bp.get("/manage/enrolments/course/<int:course_id>")
@role_required(Role.TRAINER, Role.COORDINATOR)
def course_enrolments(course_id: int):
    course = course_or_403(course_id)
    enrolments = list(db.session.scalars(select(Enrolment).where(Enrolment.course_id == course.id)
                                         .order_by(Enrolment.status_changed_at, Enrolment.id)))
    by_status = {status: [e for e in enrolments if e.status == status] for status in EnrolmentStatus}
    enrol_form = None
    if has_role(current_user, Role.COORDINATOR):
        enrol_form = EnrolPersonForm(prefix="enrol")
        taken = {e.user_id for e in enrolments if e.status in (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED)}
        enrol_form.user.choices = [(u.id, f"{u.full_name} ({u.email or _('no e-mail')})") for u in db.session.scalars(
            select(User).where(User.role == Role.TRAINEE, User.is_active.is_(True), User.merged_into_id.is_(None))
            .order_by(User.full_name)) if u.id not in taken]
    return render_template("enrolment/course.html", course=course, by_status=by_status, enrol_form=enrol_form,
                           reason_form=ReasonForm(), enrolled=len(by_status[EnrolmentStatus.ENROLLED]))


@bp.post("/manage/enrolments/course/<int:course_id>/enrol")
@role_required(Role.COORDINATOR)
def enrol_person(course_id: int):
    course = db.get_or_404(Course, course_id)
    form = EnrolPersonForm(prefix="enrol")
    form.user.choices = [(u.id, "") for u in db.session.scalars(select(User).where(User.role == Role.TRAINEE))]
    if form.validate_on_submit():
        try:
            outcome = services.enrol_participant(db.get_or_404(User, form.user.data), course, current_user)
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            notify(outcome, include_self=True)
            flash(_("%(name)s: %(status)s.", name=outcome.enrolment.user.full_name,
                    status=STATUS_LABELS()[outcome.enrolment.status]), "success")
    else:
        flash(_("Choose a person."), "error")
    return redirect(url_for("enrolment.course_enrolments", course_id=course.id), 303)


def STATUS_LABELS():
    return {EnrolmentStatus.REQUESTED: _("requested"), EnrolmentStatus.WAITLISTED: _("on the waiting list"),
            EnrolmentStatus.ENROLLED: _("enrolled"), EnrolmentStatus.REJECTED: _("rejected"),
            EnrolmentStatus.WITHDRAWN: _("withdrawn")}


@bp.post("/manage/enrolments/<int:enrolment_id>/<any(approve, reject):decision>")
@role_required(Role.TRAINER, Role.COORDINATOR)
def decide(enrolment_id: int, decision: str):
    enrolment = db.get_or_404(Enrolment, enrolment_id)
    course_or_403(enrolment.course_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            if decision == "approve":
                outcome = services.approve(enrolment, current_user)
            else:
                outcome = services.reject(enrolment, current_user, form.reason.data or "")
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            notify(outcome, reason=form.reason.data, include_self=True)
            flash(_("Decision saved and the person informed."), "success")
    return redirect(url_for("enrolment.course_enrolments", course_id=enrolment.course_id), 303)


@bp.get("/manage/enrolments/<int:enrolment_id>/history")
@role_required(Role.TRAINER, Role.COORDINATOR)
def history(enrolment_id: int):
    enrolment = db.get_or_404(Enrolment, enrolment_id)
    course_or_403(enrolment.course_id)
    events = list(db.session.scalars(select(EnrolmentEvent).where(EnrolmentEvent.enrolment_id == enrolment.id)
                                     .order_by(EnrolmentEvent.created_at, EnrolmentEvent.id)))
    return render_template("enrolment/history.html", enrolment=enrolment, events=events,
                           labels=STATUS_LABELS())


@bp.route("/manage/participants", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def participants_page():
    form = ManagedParticipantForm()
    if form.validate_on_submit():
        try:
            participants.create_managed_participant(
                current_user, form.full_name.data, Country(form.country.data), form.company_name.data,
                form.language.data, Gender(form.gender.data) if form.gender.data else None)
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Participant recorded. Enrol them in a course from its enrolment page."), "success")
            return redirect(url_for("enrolment.participants_page"), 303)
    people = list(db.session.scalars(select(User).where(User.email.is_(None), User.merged_into_id.is_(None))
                                     .order_by(User.full_name)))
    return render_template("enrolment/participants.html", form=form, people=people,
                           login_form=GiveLoginForm(prefix="login")), 200 if request.method == "GET" else 422


@bp.post("/manage/participants/<int:user_id>/login")
@role_required(Role.COORDINATOR)
def give_login(user_id: int):
    person = db.get_or_404(User, user_id)
    form = GiveLoginForm(prefix="login")
    if not form.validate_on_submit():
        for message in form.email.errors:
            flash(str(message), "error")
        return redirect(url_for("enrolment.participants_page"), 303)
    try:
        invitation = participants.give_login(person, form.email.data, current_user)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("enrolment.participants_page"), 303)
    db.session.commit()
    if invitation is None:
        flash(_("This address already had an account: the two records were merged into it."), "success")
    else:
        account_mails.send_invitation(invitation)
        flash(_("Invitation sent to %(email)s.", email=invitation.user.email), "success")
    return redirect(url_for("enrolment.participants_page"), 303)


@bp.route("/manage/enrolments/import", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def bulk_import():
    form = BulkUploadForm()
    rows, errors, token = [], [], None
    if form.validate_on_submit():
        try:
            rows = bulk.parse_file(form.file.data.filename, form.file.data.stream)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            errors = bulk.validate_rows(rows)
            token = None if errors else bulk.preview_token(rows)
    confirm = BulkConfirmForm(formdata=None, rows=token) if token else None
    status = 200 if request.method == "GET" or (rows and not errors) else 422
    courses = list(db.session.scalars(select(Course).where(Course.status != CourseStatus.ARCHIVED)
                                      .order_by(Course.key)))
    return render_template("enrolment/import.html", form=form, rows=rows, errors=errors, confirm=confirm,
                           max_rows=bulk.MAX_ROWS, courses=courses), status


@bp.post("/manage/enrolments/import/confirm")
@role_required(Role.COORDINATOR)
def bulk_confirm():
    form = BulkConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        rows = bulk.rows_from_token(form.rows.data)
        invitations = bulk.import_rows(rows, current_user)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("enrolment.bulk_import"), 303)
    db.session.commit()
    for invitation in invitations:
        account_mails.send_invitation(invitation)
    flash(_("%(rows)s rows imported; %(invited)s people invited by e-mail.", rows=len(rows),
            invited=len(invitations)), "success")
    return redirect(url_for("enrolment.manage"), 303)


@bp.get("/manage/enrolments/import/template.<any(csv, xlsx):kind>")
@role_required(Role.COORDINATOR)
def bulk_template(kind: str):
    import io

    data = bulk.template_csv() if kind == "csv" else bulk.template_xlsx()
    mimetype = "text/csv" if kind == "csv" else \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True,
                     download_name=f"mcc-enrolment-template.{kind}")
