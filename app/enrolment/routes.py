"""Enrolling, leaving, approving; coordinators' enrolment pages, managed participants and bulk import.

The services tell the people concerned (notifications); invitations go through ``app.enrolment.mails.invite``,
called right after the service inside the request's transaction: they are sent once the seam has committed, never
for a refused or failed request.
"""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from app.accounts.models import Country, Gender, User
from app.catalogue.models import Course, CourseStatus
from app.core.employers import employer_names
from app.core.forms import ConfirmForm
from app.core.permissions import Role, has_role, load_or_403, load_or_404, role_required
from app.core.uow import form_page, refusals
from app.enrolment import bp, bulk, mails, participants, services
from app.enrolment.forms import (
    BulkConfirmForm,
    BulkUploadForm,
    EnrolPersonForm,
    GiveLoginForm,
    ManagedParticipantForm,
    ReasonForm,
)
from app.enrolment.models import Enrolment, EnrolmentStatus
from app.enrolment.policies import can_enrol_others, can_manage_enrolment, can_manage_enrolments, can_withdraw
from app.extensions import db

STAFF = (Role.TRAINER, Role.COORDINATOR)


def STATUS_LABELS():
    return {EnrolmentStatus.REQUESTED: _("requested"), EnrolmentStatus.WAITLISTED: _("on the waiting list"),
            EnrolmentStatus.ENROLLED: _("enrolled"), EnrolmentStatus.REJECTED: _("rejected"),
            EnrolmentStatus.WITHDRAWN: _("withdrawn")}


def _enrolled_message(status: EnrolmentStatus) -> str:
    return {EnrolmentStatus.ENROLLED: _("You are enrolled. Welcome to the course!"),
            EnrolmentStatus.WAITLISTED: _("The course is full: you are on the waiting list."),
            EnrolmentStatus.REQUESTED: _("Your request has been sent. You will be notified of the decision.")}[
        status]


@bp.post("/courses/<int:course_id>/enrol")
@login_required
def enrol(course_id: int):
    course = load_or_404(Course, course_id)  # the service says why a course takes no enrolments
    if ConfirmForm().validate_on_submit():
        with refusals():
            outcome = services.request_enrolment(current_user, course)
            flash(_enrolled_message(outcome.enrolment.status), "success")
    return redirect(url_for("learning.course", course_id=course.id) + "#enrolment", 303)


@bp.post("/enrolments/<int:enrolment_id>/withdraw")
@login_required
def withdraw(enrolment_id: int):
    enrolment = load_or_403(Enrolment, enrolment_id, can_withdraw)
    form = ReasonForm()
    if form.validate_on_submit():
        with refusals():
            services.withdraw(enrolment, current_user, form.reason.data)
            flash(_("The enrolment has been withdrawn. Its history is kept."), "success")
    if enrolment.user_id == current_user.id:
        return redirect(url_for("learning.course", course_id=enrolment.course_id), 303)
    return redirect(url_for("enrolment.course_enrolments", course_id=enrolment.course_id), 303)


@bp.get("/manage/enrolments/")
@role_required(*STAFF)
def manage():
    query = select(Course).order_by(Course.status, Course.id)
    if not has_role(current_user, Role.COORDINATOR):  # the courses whose enrolments a trainer manages
        query = query.where(Course.trainers.any(User.id == current_user.id))
    courses = list(db.session.scalars(query))
    counts = {(course_id, status): n for course_id, status, n in db.session.execute(
        select(Enrolment.course_id, Enrolment.status, func.count()).where(
            Enrolment.course_id.in_([c.id for c in courses])).group_by(Enrolment.course_id, Enrolment.status))}
    return render_template("enrolment/manage.html", courses=courses, counts=counts,
                           can_enrol_others=can_enrol_others(current_user))


@bp.get("/manage/enrolments/course/<int:course_id>")
@role_required(*STAFF)
def course_enrolments(course_id: int):
    course = load_or_403(Course, course_id, can_manage_enrolments)
    enrolments = list(db.session.scalars(select(Enrolment).where(Enrolment.course_id == course.id)
                                         .order_by(Enrolment.status_changed_at, Enrolment.id)))
    by_status = {status: [e for e in enrolments if e.status == status] for status in EnrolmentStatus}
    enrol_form = None
    if can_enrol_others(current_user):
        enrol_form = EnrolPersonForm(prefix="enrol")
        taken = {e.user_id for e in enrolments if e.status in (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED)}
        enrol_form.user.choices = [(u.id, f"{u.full_name} ({u.email or _('no e-mail')})") for u in db.session.scalars(
            select(User).where(User.role == Role.TRAINEE, User.is_active.is_(True), User.merged_into_id.is_(None))
            .order_by(User.full_name)) if u.id not in taken]
    return render_template("enrolment/course.html", course=course, by_status=by_status, enrol_form=enrol_form,
                           enrolled=len(by_status[EnrolmentStatus.ENROLLED]),
                           employers=employer_names(e.user.employer_id for e in enrolments))


@bp.post("/manage/enrolments/course/<int:course_id>/enrol")
@role_required(Role.COORDINATOR)
def enrol_person(course_id: int):
    course = load_or_404(Course, course_id)
    form = EnrolPersonForm(prefix="enrol")
    form.user.choices = [(u.id, "") for u in db.session.scalars(select(User).where(User.role == Role.TRAINEE))]
    if form.validate_on_submit():
        with refusals():
            outcome = services.enrol_participant(load_or_404(User, form.user.data), course, current_user)
            flash(_("%(name)s: %(status)s.", name=outcome.enrolment.user.full_name,
                    status=STATUS_LABELS()[outcome.enrolment.status]), "success")
    else:
        flash(_("Choose a person."), "error")
    return redirect(url_for("enrolment.course_enrolments", course_id=course.id), 303)


@bp.post("/manage/enrolments/<int:enrolment_id>/<any(approve, reject):decision>")
@role_required(*STAFF)
def decide(enrolment_id: int, decision: str):
    enrolment = load_or_403(Enrolment, enrolment_id, can_manage_enrolment)
    form = ReasonForm()
    if form.validate_on_submit():
        with refusals():
            if decision == "approve":
                services.approve(enrolment, current_user)
            else:
                services.reject(enrolment, current_user, form.reason.data or "")
            flash(_("Decision saved and the person informed."), "success")
    return redirect(url_for("enrolment.course_enrolments", course_id=enrolment.course_id), 303)


@bp.get("/manage/enrolments/<int:enrolment_id>/history")
@role_required(*STAFF)
def history(enrolment_id: int):
    enrolment = load_or_403(Enrolment, enrolment_id, can_manage_enrolment)
    return render_template("enrolment/history.html", enrolment=enrolment, events=enrolment.events,
                           labels=STATUS_LABELS())


@bp.route("/manage/participants", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def participants_page():
    form = ManagedParticipantForm()
    if form.validate_on_submit():
        with refusals(form):
            participants.create_managed_participant(
                current_user, form.full_name.data, Country(form.country.data), form.company_name.data,
                form.language.data, Gender(form.gender.data) if form.gender.data else None)
            flash(_("Participant recorded. Enrol them in a course from its enrolment page."), "success")
            return redirect(url_for("enrolment.participants_page"), 303)
    people = list(db.session.scalars(select(User).where(User.email.is_(None), User.merged_into_id.is_(None))
                                     .order_by(User.full_name)))
    return form_page("enrolment/participants.html", form=form, people=people,
                     employer_names=employer_names(p.employer_id for p in people),
                     login_form=GiveLoginForm(prefix="login"))


@bp.post("/manage/participants/<int:user_id>/login")
@role_required(Role.COORDINATOR)
def give_login(user_id: int):
    person = load_or_404(User, user_id)
    form = GiveLoginForm(prefix="login")
    if not form.validate_on_submit():
        for message in form.email.errors:
            flash(str(message), "error")
    else:
        with refusals():
            invitation = participants.give_login(person, form.email.data, current_user)
            if invitation is None:
                flash(_("This address already had an account: the two records were merged into it."), "success")
            else:
                mails.invite([invitation])
                flash(_("Invitation sent to %(email)s.", email=invitation.user.email), "success")
    return redirect(url_for("enrolment.participants_page"), 303)


@bp.route("/manage/enrolments/import", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def bulk_import():
    form = BulkUploadForm()
    rows, errors = [], []
    if form.validate_on_submit():
        with refusals(form):
            rows = bulk.parse_file(form.file.data.filename, form.file.data.stream)
            errors = bulk.validate_rows(rows)
    courses = list(db.session.scalars(select(Course).where(Course.status != CourseStatus.ARCHIVED)
                                      .order_by(Course.key)))
    page = {"form": form, "rows": rows, "errors": errors, "max_rows": bulk.MAX_ROWS, "courses": courses}
    if rows and not errors:  # the preview, with the signed rows in its confirmation form
        confirm = BulkConfirmForm(formdata=None, rows=bulk.preview_token(rows))
        return render_template("enrolment/import.html", confirm=confirm, **page)
    return form_page("enrolment/import.html", confirm=None, **page)


@bp.post("/manage/enrolments/import/confirm")
@role_required(Role.COORDINATOR)
def bulk_confirm():
    form = BulkConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    with refusals():
        rows = bulk.rows_from_token(form.rows.data)
        invitations = bulk.import_rows(rows, current_user)
        mails.invite(invitations)
        flash(_("%(rows)s rows imported; %(invited)s people invited by e-mail.", rows=len(rows),
                invited=len(invitations)), "success")
        return redirect(url_for("enrolment.manage"), 303)
    return redirect(url_for("enrolment.bulk_import"), 303)


@bp.get("/manage/enrolments/import/template.<any(csv, xlsx):kind>")
@role_required(Role.COORDINATOR)
def bulk_template(kind: str):
    data = bulk.template_csv() if kind == "csv" else bulk.template_xlsx()
    mimetype = "text/csv" if kind == "csv" else \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True,
                     download_name=f"mcc-enrolment-template.{kind}")
