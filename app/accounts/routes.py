"""Logging in and out, registration, invitations, password reset, and the user's own profile."""

from __future__ import annotations

from flask import abort, current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts import bp, mails, services, sessions
from app.accounts.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
)
from app.accounts.models import Country, Gender
from app.core.employers import employer_text
from app.core.errors import DomainError
from app.core.forms import ConfirmForm
from app.core.i18n import ZONE_FOR_LANGUAGE, select_locale, select_timezone
from app.core.limits import per_address, per_typed_email, refused_answer
from app.core.settings import self_registration_enabled
from app.core.uow import form_page, keep, refusals
from app.core.urls import safe_next_url
from app.extensions import limiter


def _setting(name: str):
    return lambda: current_app.config[name]


# A class of 30 logs in from one factory router: only *failed* attempts count, per account (however many
# addresses they come from) and per address (one address trying many accounts), under a generous ceiling on
# all attempts from one address.
login_limits = [
    limiter.limit(_setting("LOGIN_RATE_LIMIT"), methods=["POST"], key_func=per_typed_email,
                  deduct_when=refused_answer),
    limiter.limit(_setting("LOGIN_FAILURES_PER_ADDRESS"), methods=["POST"], key_func=per_address,
                  deduct_when=refused_answer),
    limiter.limit(_setting("ATTEMPTS_PER_ADDRESS"), methods=["POST"], key_func=per_address),
]


def profile_from_form(form) -> services.Profile:
    return services.Profile(
        full_name=form.full_name.data or "",
        country=Country(form.country.data),
        language=form.language.data,
        timezone=form.timezone.data,
        company_name=form.company_name.data,
        gender=Gender(form.gender.data) if form.gender.data else None,
    )


def fill_profile_defaults(form) -> None:
    """Pre-select language and zone from what the visitor is already using."""
    language = select_locale()
    form.language.data = form.language.data or language
    form.timezone.data = form.timezone.data or select_timezone()
    form.country.data = form.country.data or ("LT" if language == "lt" else "PL")


def _own_profile_form() -> ProfileForm:
    """The profile form filled with the logged-in person's details."""
    form = ProfileForm(formdata=None, obj=current_user)
    form.country.data = current_user.country.value
    form.gender.data = current_user.gender.value if current_user.gender else ""
    form.company_name.data = employer_text(current_user)  # the member's name, or the "other" name as written
    return form


def _logins() -> dict:
    """The person's active logins for the profile page, and which one is this browser."""
    return {"logins": sessions.active(current_user), "this_login": sessions.current(), "end_form": ConfirmForm()}


def _welcome(user, message: str):
    """Log in a person whose account has just been created or activated, and take them home."""
    sessions.log_in(user)
    flash(message, "success")
    return redirect(url_for("core.index"), 303)


def _from_link(load, token: str):
    """What an e-mailed link names (``load(token)``), or, in place of the page, "link not valid" (400)."""
    try:
        return load(token)
    except DomainError as error:
        abort(make_response(render_template("accounts/link_problem.html", message=error.message), 400))


@bp.route("/login", methods=["GET", "POST"])
@login_limits[0]
@login_limits[1]
@login_limits[2]
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.index"))
    form = LoginForm()
    if form.validate_on_submit():
        keep()  # a failed attempt answers 422 and still leaves its audit entry
        user = services.authenticate(form.email.data, form.password.data, request.remote_addr)
        if user is None:
            # The same words whether the address exists or not.
            form.password.errors = [*form.password.errors, _("Wrong e-mail or password.")]
        else:
            sessions.log_in(user, remember=form.remember.data)
            session.pop("language", None)  # the account's preference now decides
            return redirect(safe_next_url(request.args.get("next")), 303)
    return form_page("accounts/login.html", form=form, registration_open=self_registration_enabled())


@bp.post("/logout")
def logout():
    form = ConfirmForm()
    if form.validate_on_submit() and current_user.is_authenticated:
        language = current_user.language
        sessions.log_out()  # ends this login on the server: a copied cookie stops working too
        session["language"] = language  # keep showing the language the person was using
        flash(_("You have been logged out."), "success")
    return redirect(url_for("accounts.login"), 303)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_setting("ATTEMPTS_PER_ADDRESS"), methods=["POST"], key_func=per_address)
def register():
    if not self_registration_enabled():
        flash(_("Self-registration is closed. Ask a coordinator for an invitation."), "info")
        return redirect(url_for("accounts.login"))
    if current_user.is_authenticated:
        return redirect(url_for("core.index"))
    form = RegisterForm()
    if request.method == "GET":
        fill_profile_defaults(form)
    if form.validate_on_submit():
        with refusals(form):
            user = services.register_trainee(form.email.data, form.password.data, profile_from_form(form))
            return _welcome(user, _("Welcome! Your account has been created."))
    return form_page("accounts/register.html", form=form)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    invitation = _from_link(services.load_invitation, token)
    user = invitation.user
    # Show the page in the language the admin invited the person in, unless they chose another one.
    session.setdefault("language", user.language)
    form = AcceptInvitationForm(obj=user if request.method == "GET" else None)
    if request.method == "GET":
        form.timezone.data = user.timezone or ZONE_FOR_LANGUAGE.get(user.language)
        form.country.data = user.country.value
    if form.validate_on_submit():
        with refusals(form):
            services.accept_invitation(invitation, form.password.data, profile_from_form(form))
            if current_user.is_authenticated:
                sessions.log_out()  # whoever was logged in on this browser
            return _welcome(user, _("Your account is active. Welcome to MCC!"))
    return form_page("accounts/accept_invitation.html", form=form, user=user)


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(_setting("RESET_RATE_LIMIT"), methods=["POST"], key_func=per_typed_email)
@limiter.limit(_setting("ATTEMPTS_PER_ADDRESS"), methods=["POST"], key_func=per_address)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = services.find_user_by_email(form.email.data)
        mails.send_password_reset(user if user is not None and user.can_log_in else None)
        # Same answer either way: the page must not reveal who has an account.
        flash(_("If an account exists for this address, we have sent it a link to reset the password."), "info")
        return redirect(url_for("accounts.login"), 303)
    return form_page("accounts/forgot_password.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    user = _from_link(services.load_password_reset, token)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        with refusals(form):
            services.set_password(user, form.password.data)
            flash(_("Your password has been changed. You can log in now."), "success")
            return redirect(url_for("accounts.login"), 303)
    return form_page("accounts/reset_password.html", form=form)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = _own_profile_form() if request.method == "GET" else ProfileForm()
    password_form = ChangePasswordForm(prefix="pw")
    if form.validate_on_submit():
        with refusals(form):
            services.update_profile(current_user, profile_from_form(form))
            flash(_("Your profile has been saved."), "success")
            return redirect(url_for("accounts.profile"), 303)
    return form_page("accounts/profile.html", form=form, password_form=password_form, **_logins())


@bp.post("/profile/password")
@login_required
def change_password():
    form = ChangePasswordForm(prefix="pw")
    if form.validate_on_submit():
        with refusals(form):
            # Every other login of the person ends; this browser stays logged in.
            services.change_password(current_user, form.current_password.data, form.password.data,
                                     keep_session=sessions.current())
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("accounts.profile"), 303)
    return form_page("accounts/profile.html", form=_own_profile_form(), password_form=form, **_logins())


@bp.post("/profile/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):
    """End one of the person's other logins (a lost phone, a shared PC left logged in)."""
    if ConfirmForm().validate_on_submit():
        if sessions.revoke(current_user, session_id):
            flash(_("That login has been ended."), "success")
        else:
            abort(404)
    return redirect(url_for("accounts.profile") + "#sessions", 303)


@bp.post("/profile/sessions/end-all")
@login_required
def end_all_sessions():
    """Log out everywhere: every login of the person ends, this one included."""
    if ConfirmForm().validate_on_submit():
        sessions.revoke_all(current_user)
        language = current_user.language
        sessions.log_out()
        session["language"] = language
        flash(_("You have been logged out on every device."), "success")
        return redirect(url_for("accounts.login"), 303)
    return redirect(url_for("accounts.profile") + "#sessions", 303)
