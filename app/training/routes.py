"""Meetings for trainers and coordinators, the trainee's own page, calendars, sheets and evidence packs."""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

import segno
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager

from app.accounts.models import Country, User
from app.catalogue.forms import fill_texts, texts_from
from app.catalogue.models import Course, course_trainers
from app.core.audit import record_event
from app.core.db import utcnow
from app.core.employers import employer_names
from app.core.files import send_attached_file
from app.core.forms import ConfirmForm, flash_form_errors
from app.core.permissions import Role, has_role, load_or_403, role_required
from app.core.uow import form_page, refusals, writes
from app.core.urls import external_url
from app.downloads.services import ask_for_file
from app.enrolment.services import active_enrolments
from app.extensions import db
from app.training import bp, calendar, checkin, documents, services
from app.training.forms import CancelForm, MeetingForm, RosterForm, SignedSheetForm
from app.training.models import Attendance, AttendanceStatus, SignedSheet, TrainingSession
from app.training.policies import can_plan_meetings, can_run_meeting, can_see_meeting

STAFF = (Role.TRAINER, Role.COORDINATOR)


@bp.get("/meetings/")
@role_required(*STAFF)
def meetings():
    show_past = request.args.get("past") == "1"
    query = select(TrainingSession).join(Course)
    if not has_role(current_user, Role.COORDINATOR):
        taught = select(course_trainers.c.course_id).where(course_trainers.c.user_id == current_user.id)
        query = query.where(or_(TrainingSession.trainer_id == current_user.id, TrainingSession.course_id.in_(taught)))
    now = utcnow()
    query = query.where(TrainingSession.ends_at < now) if show_past else query.where(TrainingSession.ends_at >= now)
    query = query.order_by(TrainingSession.starts_at.desc() if show_past else TrainingSession.starts_at)
    page = db.paginate(query, per_page=50, error_out=False)
    courses = [c for c in db.session.scalars(select(Course).order_by(Course.id)) if can_plan_meetings(current_user, c)]
    return render_template("training/meetings.html", page=page, show_past=show_past, courses=courses)


def _trainer_choices(course: Course) -> list[tuple[int, str]]:
    trainers = list(db.session.scalars(select(User).where(User.role.in_([Role.TRAINER, Role.COORDINATOR]),
                                                          User.is_active.is_(True)).order_by(User.full_name)))
    return [(0, _("— none —")), *[(t.id, t.full_name) for t in trainers]]


def _meeting_data(form: MeetingForm) -> services.MeetingData:
    return services.MeetingData(
        title=texts_from(form, "title"), starts_local=form.starts_local.data, ends_local=form.ends_local.data,
        timezone=form.timezone.data, venue_company=form.venue_company.data, venue_address=form.venue_address.data,
        venue_country=Country(form.venue_country.data), online_url=form.online_url.data,
        trainer_id=form.trainer_id.data or None, capacity=form.capacity.data, language=form.language.data)


@bp.route("/courses/<int:course_id>/meetings/new", methods=["GET", "POST"])
@role_required(*STAFF)
def new_meeting(course_id: int):
    course = load_or_403(Course, course_id, can_plan_meetings)
    form = MeetingForm()
    form.trainer_id.choices = _trainer_choices(course)
    if request.method == "GET":
        form.trainer_id.data = current_user.id if current_user.role == Role.TRAINER else 0
        form.timezone.data = current_user.timezone if current_user.timezone in ("Europe/Warsaw", "Europe/Vilnius") \
            else "Europe/Warsaw"
        form.language.data = current_user.language
        form.venue_country.data = current_user.country.value
    if form.validate_on_submit():
        with refusals(form):
            meeting = services.create_meeting(current_user, course, _meeting_data(form))
            flash(_("Meeting planned. Enrolled trainees see it on their page and in their calendar."), "success")
            return redirect(url_for("training.meeting", meeting_id=meeting.id), 303)
    return form_page("training/meeting_form.html", form=form, course=course, meeting=None)


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def edit_meeting(meeting_id: int):
    meeting = load_or_403(TrainingSession, meeting_id, can_run_meeting)
    if meeting.course_id is None:  # a hosted meeting (an event's) is changed on its host's page
        return redirect(meeting.link, 303)
    form = MeetingForm(obj=meeting if request.method == "GET" else None)
    form.trainer_id.choices = _trainer_choices(meeting.course)
    if request.method == "GET":
        zone = ZoneInfo(meeting.timezone)
        form.starts_local.data = meeting.starts_at.astimezone(zone).replace(tzinfo=None)
        form.ends_local.data = meeting.ends_at.astimezone(zone).replace(tzinfo=None)
        form.trainer_id.data = meeting.trainer_id or 0
        form.venue_country.data = meeting.venue_country.value
        fill_texts(form, "title", meeting.title)
    if form.validate_on_submit():
        with refusals(form):
            services.update_meeting(current_user, meeting, _meeting_data(form))
            flash(_("Meeting saved."), "success")
            return redirect(url_for("training.meeting", meeting_id=meeting.id), 303)
    return form_page("training/meeting_form.html", form=form, course=meeting.course, meeting=meeting,
                     cancel_form=CancelForm(prefix="cancel"), gaps=services.meeting_gaps(meeting),
                     gap_labels=services.GAP_LABELS)


@bp.post("/meetings/<int:meeting_id>/cancel")
@role_required(*STAFF)
def cancel_meeting(meeting_id: int):
    meeting = load_or_403(TrainingSession, meeting_id, can_run_meeting)
    if meeting.course_id is None:  # a hosted meeting (an event's) is cancelled on its host's page
        return redirect(meeting.link, 303)
    form = CancelForm(prefix="cancel")
    if form.validate_on_submit():
        with refusals():
            services.cancel_meeting(current_user, meeting, form.reason.data)
            flash(_("The meeting is cancelled."), "success")
    else:
        flash(_("Please give the reason for the cancellation."), "error")
    return redirect(url_for("training.meeting", meeting_id=meeting.id), 303)


@bp.get("/meetings/<int:meeting_id>")
@login_required
def meeting(meeting_id: int):
    meeting = load_or_403(TrainingSession, meeting_id, can_see_meeting)
    runs = can_run_meeting(current_user, meeting)
    own = db.session.scalar(select(Attendance).where(Attendance.session_id == meeting.id,
                                                     Attendance.user_id == current_user.id))
    people = services.roster(meeting) if runs else []
    return render_template("training/meeting.html", meeting=meeting, runs=runs, own=own,
                           roster=people, is_open=checkin.is_open(meeting),
                           employers=employer_names(user.employer_id for user, _a in people),
                           sheet_form=SignedSheetForm(), venue_zone=ZoneInfo(meeting.timezone),
                           gaps=services.meeting_gaps(meeting) if runs else {}, gap_labels=services.GAP_LABELS)


@bp.route("/meetings/<int:meeting_id>/roster", methods=["GET", "POST"])
@role_required(*STAFF)
def roster(meeting_id: int):
    meeting = load_or_403(TrainingSession, meeting_id, can_run_meeting)
    people = services.roster(meeting)
    form = RosterForm()
    if request.method == "GET":
        for user, attendance in people:
            form.entries.append_entry({"user_id": user.id, "status": attendance.status.value if attendance else "",
                                       "remark": attendance.remark if attendance else ""})
    if form.validate_on_submit():
        entries = {}
        for entry in form.entries:
            if entry.status.data and str(entry.user_id.data).isdigit():
                entries[int(entry.user_id.data)] = (AttendanceStatus(entry.status.data), entry.remark.data)
        with refusals():
            changed = services.mark_roster(meeting, entries, current_user)
            flash(_("Attendance saved (%(n)s changes).", n=changed), "success")
            return redirect(url_for("training.meeting", meeting_id=meeting.id), 303)
    names = {user.id: user for user, _a in people}
    return form_page("training/roster.html", meeting=meeting, form=form, names=names,
                     employers=employer_names(user.employer_id for user, _a in people))


@bp.get("/meetings/<int:meeting_id>/sheet.pdf")
@role_required(*STAFF)
def sheet_pdf(meeting_id: int):
    meeting = load_or_403(TrainingSession, meeting_id, can_run_meeting)
    pdf = documents.attendance_sheet_pdf(meeting)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="attendance-sheet-{meeting.id}.pdf"'})


@bp.post("/meetings/<int:meeting_id>/signed-sheets")
@role_required(*STAFF)
def upload_signed_sheet(meeting_id: int):
    meeting = load_or_403(TrainingSession, meeting_id, can_run_meeting)
    form = SignedSheetForm()
    if form.validate_on_submit():
        with refusals():
            services.store_signed_sheet(meeting, form.file.data.filename, form.file.data.stream, current_user)
            flash(_("The signed sheet has been stored."), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("training.meeting", meeting_id=meeting.id), 303)


@bp.get("/meetings/<int:meeting_id>/signed-sheets/<int:sheet_id>")
@role_required(*STAFF)
def signed_sheet(meeting_id: int, sheet_id: int):
    meeting = load_or_403(TrainingSession, meeting_id, can_run_meeting)
    return send_attached_file(SignedSheet, sheet_id, session_id=meeting.id)


@bp.get("/meetings/<int:meeting_id>/evidence.zip")
@role_required(*STAFF)
@writes  # the pack holds the participants' names and attendance: asking for it is recorded
def evidence_pack(meeting_id: int):
    """A worker builds the pack; the progress page offers it when ready (``app.downloads``)."""
    meeting = load_or_403(TrainingSession, meeting_id, can_run_meeting)
    row = ask_for_file(current_user, "training.evidence_pack", {"meeting": meeting.id},
                       documents.evidence_pack_name(meeting))
    record_event("training.evidence_exported", actor=current_user, obj=meeting, after={"generated_file": row.id})
    return redirect(url_for("downloads.show", file_id=row.id), 303)


@bp.get("/my/training")
@role_required(Role.TRAINEE)
@writes  # the calendar token is created on the first visit
def my_training():
    feed = external_url("training.calendar_feed", token=calendar.calendar_token(current_user))
    enrolments = active_enrolments(current_user)
    rates = services.attendance_rates(current_user.id, [e.course_id for e in enrolments])
    records = list(db.session.scalars(select(Attendance).join(TrainingSession).where(
        Attendance.user_id == current_user.id).options(contains_eager(Attendance.session))
        .order_by(TrainingSession.starts_at.desc())))
    return render_template("training/my_training.html", enrolments=enrolments, rates=rates, records=records,
                           upcoming=services.upcoming_meetings(current_user), feed_url=feed,
                           regenerate_form=ConfirmForm(), now=utcnow())


@bp.get("/my/ticket.svg")
@login_required
def my_ticket():
    """The trainee's personal QR ticket (scanned by a trainer when the trainee's phone cannot check in)."""
    qr = segno.make(checkin.ticket_for(current_user), error="m")
    buffer = io.BytesIO()
    # A standalone image needs the SVG namespace (``svg_inline`` leaves it out, and browsers then show the alt
    # text); the viewBox lets the page scale the whole code to its box instead of cropping the quiet zone.
    qr.save(buffer, kind="svg", scale=6, dark="#000", light="#fff")
    width, height = qr.symbol_size(scale=6)
    svg = buffer.getvalue().replace(b"<svg ", f'<svg viewBox="0 0 {width} {height}" '.encode(), 1)
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "private, no-store"})


@bp.post("/my/calendar/regenerate")
@login_required
def regenerate_calendar():
    form = ConfirmForm()
    if form.validate_on_submit():
        calendar.regenerate_calendar_token(current_user)
        flash(_("A new calendar address was created; the old one no longer works."), "success")
    return redirect(url_for("training.my_training"), 303)


@bp.get("/calendar/<token>.ics")
def calendar_feed(token: str):
    user = calendar.user_for_token(token)
    if user is None:
        abort(404)
    body = calendar.build_calendar(user, external_url("core.index"))
    return Response(body, mimetype="text/calendar", headers={"Content-Disposition": 'inline; filename="mcc.ics"',
                                                              "Cache-Control": "private, max-age=300"})
