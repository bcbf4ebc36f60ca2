"""Admins' user management: list, invite, change roles, (de)activate, resend invitations."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from app.accounts import admin_bp, mails, services
from app.accounts.forms import InviteForm, UserAdminForm, UserSearchForm
from app.accounts.models import Country, Invitation, User
from app.accounts.policies import can_manage_user, can_resend_invitation
from app.core.employers import employer_text
from app.core.forms import ConfirmForm
from app.core.permissions import Role, load_or_403, role_required
from app.core.uow import form_page, refusals
from app.extensions import db


@admin_bp.get("/")
@role_required(Role.ADMIN)
def users():
    form = UserSearchForm(request.args)
    query = select(User).order_by(User.full_name, User.id)
    if form.validate():  # an unknown role or an overlong search is shown as the field's error, not used
        if form.q.data:
            pattern = f"%{form.q.data.strip()}%"
            query = query.where(or_(User.full_name.ilike(pattern), User.email.ilike(pattern)))
        if form.role.data:
            query = query.where(User.role == Role(form.role.data))
    page = db.paginate(query, per_page=50, error_out=False)
    return render_template("accounts/admin/users.html", page=page, form=form)


@admin_bp.route("/invite", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def invite():
    form = InviteForm()
    if form.validate_on_submit():
        with refusals(form):
            invitation = services.invite_user(form.email.data, form.full_name.data, Role(form.role.data),
                                              form.language.data, Country(form.country.data), current_user)
            mails.send_invitation(invitation)
            flash(_("Invitation sent to %(email)s.", email=invitation.user.email), "success")
            return redirect(url_for("accounts_admin.users"), 303)
    return form_page("accounts/admin/invite.html", form=form)


@admin_bp.route("/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit(user_id: int):
    user = load_or_403(User, user_id, can_manage_user)
    form = UserAdminForm(obj=user if request.method == "GET" else None)
    if request.method == "GET":
        form.role.data = user.role.value
    if form.validate_on_submit():
        with refusals():
            if Role(form.role.data) != user.role:
                services.change_role(user, Role(form.role.data), current_user)
            if bool(form.is_active.data) != user.is_active:
                services.set_active(user, bool(form.is_active.data), current_user)
            flash(_("Changes saved."), "success")
        return redirect(url_for("accounts_admin.edit", user_id=user_id), 303)
    invitations = db.session.scalars(
        select(Invitation).where(Invitation.user_id == user.id).order_by(Invitation.created_at.desc())).all()
    return form_page("accounts/admin/edit.html", user=user, form=form, invitations=invitations,
                     employer=employer_text(user),
                     resend_form=ConfirmForm(prefix="resend"),
                     can_resend=can_resend_invitation(current_user, user))


@admin_bp.post("/<int:user_id>/resend-invitation")
@role_required(Role.ADMIN)
def resend_invitation(user_id: int):
    user = load_or_403(User, user_id, can_manage_user)
    form = ConfirmForm(prefix="resend")
    if form.validate_on_submit():
        with refusals():
            mails.send_invitation(services.renew_invitation(user, current_user))
            flash(_("A new invitation has been sent."), "success")
    return redirect(url_for("accounts_admin.edit", user_id=user_id), 303)
