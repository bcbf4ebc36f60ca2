"""Self check-in (rotating QR code or typed code) and the trainer's ticket scanner."""

from __future__ import annotations

from datetime import UTC, datetime

import segno
from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from app.core.errors import DomainError
from app.core.limits import per_account
from app.core.permissions import Role, load_or_403, load_or_404, role_required
from app.core.uow import form_page, refusals, refused
from app.core.urls import external_url
from app.extensions import limiter
from app.offline.idempotency import idempotent
from app.training import bp, checkin as codes
from app.training.forms import CodeForm, TicketForm
from app.training.models import TrainingSession
from app.training.policies import can_run_meeting


def _qr_payload(meeting: TrainingSession) -> dict:
    url = external_url("training.checkin", meeting_id=meeting.id, token=codes.checkin_token(meeting))
    return {"image": segno.make(url, error="m").svg_data_uri(scale=8, border=2), "url": url,
            "code": codes.current_code(meeting), "seconds": codes.seconds_left(),
            "open": codes.is_open(meeting)}


@bp.get("/meetings/<int:meeting_id>/qr")
@role_required(Role.TRAINER, Role.COORDINATOR)
def qr_display(meeting_id: int):
    """The screen the trainer shows in the room; a small script refreshes it every few seconds."""
    meeting = load_or_403(TrainingSession, meeting_id, can_run_meeting)
    return render_template("training/qr.html", meeting=meeting, qr=_qr_payload(meeting))


@bp.get("/meetings/<int:meeting_id>/qr.json")
@role_required(Role.TRAINER, Role.COORDINATOR)
def qr_json(meeting_id: int):
    response = jsonify(_qr_payload(load_or_403(TrainingSession, meeting_id, can_run_meeting)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/checkin/<int:meeting_id>/<token>", methods=["GET", "POST"])
@login_required
def checkin(meeting_id: int, token: str):
    """Where the QR code leads: the phone (logged in, or after logging in) confirms with one tap (or at once when
    scripts run — the page submits itself)."""
    meeting = load_or_404(TrainingSession, meeting_id)
    form = CodeForm(prefix="unused")  # only for the CSRF token of the confirmation form
    if request.method == "POST":
        try:
            codes.check_in_with_token(meeting, token, current_user)
        except DomainError as error:  # the result page explains the refusal
            return render_template("training/checkin_result.html", meeting=meeting, ok=False,
                                   message=refused(error)), 400
        return render_template("training/checkin_result.html", meeting=meeting, ok=True,
                               message=_("You are checked in. Thank you!"))
    return render_template("training/checkin_confirm.html", meeting=meeting, token=token, form=form)


@bp.route("/meetings/<int:meeting_id>/checkin", methods=["GET", "POST"])
@login_required
# Per person: a whole class types the code from one factory router at the same minute.
@limiter.limit("10 per minute", methods=["POST"], key_func=per_account)
def checkin_code(meeting_id: int):
    meeting = load_or_404(TrainingSession, meeting_id)
    form = CodeForm()
    if form.validate_on_submit():
        with refusals(form):
            codes.check_in_with_code(meeting, form.code.data, current_user)
            return render_template("training/checkin_result.html", meeting=meeting, ok=True,
                                   message=_("You are checked in. Thank you!"))
    return form_page("training/checkin_code.html", meeting=meeting, form=form)


@bp.get("/meetings/<int:meeting_id>/scan")
@role_required(Role.TRAINER, Role.COORDINATOR)
def scan(meeting_id: int):
    meeting = load_or_403(TrainingSession, meeting_id, can_run_meeting)
    return render_template("training/scan.html", meeting=meeting, form=TicketForm())


@bp.post("/meetings/<int:meeting_id>/scan")
@role_required(Role.TRAINER, Role.COORDINATOR)
def scan_ticket(meeting_id: int):
    meeting = load_or_403(TrainingSession, meeting_id, can_run_meeting)
    form = TicketForm()
    wants_json = request.is_json
    if not form.validate():
        message = _("This is not an MCC participant ticket.")
        return (jsonify(ok=False, message=message), 422) if wants_json else _flash_back(meeting, message, "error")
    try:
        attendance = codes.check_in_with_ticket(meeting, form.ticket.data, current_user)
    except DomainError as error:  # answered in the scanner's own format
        message = refused(error)
        return (jsonify(ok=False, message=message), 422) if wants_json else _flash_back(meeting, message, "error")
    message = _("%(name)s is marked present.", name=attendance.user.full_name)
    return jsonify(ok=True, message=message) if wants_json else _flash_back(meeting, message, "success")


def _flash_back(meeting: TrainingSession, message: str, category: str):
    flash(message, category)
    return redirect(url_for("training.scan", meeting_id=meeting.id), 303)


# -- the offline queue's replay of a typed code --------------------------------------------------------------------
class QueuedCodeForm(CodeForm):
    """The typed-code form as the offline queue sends it: with the moment the code was typed (ISO 8601)."""

    typed_at = StringField(validators=[DataRequired(), Length(max=40)])


@bp.post("/meetings/<int:meeting_id>/checkin/replay")
@login_required
@limiter.limit("10 per minute", key_func=per_account)
@idempotent
def checkin_code_replay(meeting_id: int):
    """A code typed offline, sent when the phone is back online: the server checks it against the moment it was
    typed (``codes.check_in_with_code_typed_at``) and answers in JSON for the queue to show."""
    meeting = load_or_404(TrainingSession, meeting_id)
    form = QueuedCodeForm()
    if not form.validate_on_submit():
        return jsonify(ok=False, message=_("This check-in could not be read. Type the code again.")), 422
    try:  # an aware moment, in UTC (a naive or out-of-range one is refused here, not with a 500)
        typed_at = datetime.fromisoformat(form.typed_at.data.strip())
        typed_at = typed_at.astimezone(UTC) if typed_at.tzinfo else None
    except (ValueError, OverflowError):
        typed_at = None
    if typed_at is None:
        return jsonify(ok=False, message=_("This check-in could not be read. Type the code again.")), 422
    try:
        codes.check_in_with_code_typed_at(meeting, form.code.data, current_user, typed_at)
    except DomainError as error:  # answered in the queue's own format
        return jsonify(ok=False, message=refused(error)), 422
    return jsonify(ok=True, message=_("You are checked in. Thank you!"))


# -- the offline queue's replay of a scanned QR code ---------------------------------------------------------------
@bp.post("/checkin/<int:meeting_id>/<token>/replay")
@login_required
@limiter.limit("10 per minute", key_func=per_account)
@idempotent
def checkin_token_replay(meeting_id: int, token: str):
    """A QR code scanned offline (the phone opened its address without a network: the offline page queued it),
    sent when the phone is back online; the token's own signed window decides (``codes.check_in_with_token_later``)."""
    meeting = load_or_404(TrainingSession, meeting_id)  # the CSRF token was checked before (CSRFProtect)
    try:
        codes.check_in_with_token_later(meeting, token[:500], current_user)
    except DomainError as error:  # answered in the queue's own format
        return jsonify(ok=False, message=refused(error)), 422
    return jsonify(ok=True, message=_("You are checked in. Thank you!"))
