"""Admins' user management: list, invite, change roles, (de)activate, resend invitations."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from app.accounts import admin_bp, mails, services
from app.accounts.forms import ConfirmForm, InviteForm, UserAdminForm, UserSearchForm
from app.accounts.models import Country, Invitation, User
from app.accounts.routes import apply_domain_error
from app.core.errors import DomainError
from app.core.permissions import Role, role_required
from app.extensions import db


@admin_bp.get("/")
@role_required(Role.ADMIN)
def users():
    form = UserSearchForm(request.args)
    query = select(User).order_by(User.full_name, User.id)
    if form.validate() and form.q.data:
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
        try:
            invitation = services.invite_user(form.email.data, form.full_name.data, Role(form.role.data),
                                              form.language.data, Country(form.country.data), current_user)
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            mails.send_invitation(invitation)
            flash(_("Invitation sent to %(email)s.", email=invitation.user.email), "success")
            return redirect(url_for("accounts_admin.users"), 303)
    return render_template("accounts/admin/invite.html", form=form), 200 if request.method == "GET" else 422


@admin_bp.route("/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserAdminForm(obj=user if request.method == "GET" else None)
    if request.method == "GET":
        form.role.data = user.role.value
    if form.validate_on_submit():
        try:
            if Role(form.role.data) != user.role:
                services.change_role(user, Role(form.role.data), current_user)
            if bool(form.is_active.data) != user.is_active:
                services.set_active(user, bool(form.is_active.data), current_user)
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return redirect(url_for("accounts_admin.edit", user_id=user_id), 303)
        db.session.commit()
        flash(_("Changes saved."), "success")
        return redirect(url_for("accounts_admin.edit", user_id=user_id), 303)
    invitations = db.session.scalars(
        select(Invitation).where(Invitation.user_id == user.id).order_by(Invitation.created_at.desc())).all()
    return render_template("accounts/admin/edit.html", user=user, form=form, invitations=invitations,
                           resend_form=ConfirmForm(prefix="resend"))


@admin_bp.post("/<int:user_id>/resend-invitation")
@role_required(Role.ADMIN)
def resend_invitation(user_id: int):
    user = db.get_or_404(User, user_id)
    form = ConfirmForm(prefix="resend")
    if form.validate_on_submit():
        try:
            invitation = services.renew_invitation(user, current_user)
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            mails.send_invitation(invitation)
            flash(_("A new invitation has been sent."), "success")
    return redirect(url_for("accounts_admin.edit", user_id=user_id), 303)
