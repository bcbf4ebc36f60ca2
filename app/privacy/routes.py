"""The privacy notice, a person's own data export, and erasure by an administrator."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from app.accounts.models import User
from app.core.audit import record_event
from app.core.forms import Form
from app.core.permissions import Role, deny, load_or_403, role_required
from app.core.uow import form_page, refusals, writes
from app.privacy import bp, erasure
from app.privacy.export import export_zip
from app.privacy.policies import can_erase, can_erase_people, can_export_own_data
from app.privacy.retention import RETENTION


class ErasureForm(Form):
    reason = StringField(_l("Request (date, reference, how it was verified)"), validators=[
        DataRequired(message=_l("Please record why (e.g. the date and reference of the request).")),
        Length(max=500)])
    understood = BooleanField(_l("I understand that this cannot be undone."), validators=[
        DataRequired(message=_l("Please confirm that you understand this cannot be undone."))])
    submit = SubmitField(_l("Erase this person"))


@bp.get("/privacy")
def notice():
    return render_template("privacy/notice.html", retention=RETENTION)


@bp.get("/profile/my-data.zip")
@login_required
@writes  # who took a copy of their data is recorded
def my_data():
    if not can_export_own_data(current_user):
        deny()
    archive = export_zip(current_user)
    record_event("privacy.data_exported", actor=current_user, obj=current_user)
    return send_file(archive, mimetype="application/zip", as_attachment=True,
                     download_name=f"mcc-my-data-{current_user.id}.zip")


@bp.route("/admin/users/<int:user_id>/erase", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def erase(user_id: int):
    person = load_or_403(User, user_id, can_erase_people)
    if person.merged_into_id is not None:
        abort(404)  # merged records are erased with the account they were merged into
    form = ErasureForm()
    if form.validate_on_submit():
        with refusals(form):
            erasure.erase_person(current_user, person, form.reason.data)
            flash(_("The person's data has been erased; their anonymous records still count in the figures."),
                  "success")
            return redirect(url_for("accounts_admin.edit", user_id=person.id), 303)
    return form_page("privacy/erase.html", form=form, person=person, can_erase=can_erase(current_user, person))
