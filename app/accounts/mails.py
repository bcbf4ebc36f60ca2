"""The e-mails accounts sends, each in the recipient's language."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale, gettext as _

from app.accounts.models import Invitation, User
from app.accounts.services import invitation_token, password_reset_token
from app.core.mail import send_mail
from app.core.urls import external_url


def send_invitation(invitation: Invitation) -> None:
    user = invitation.user
    link = external_url("accounts.accept_invitation", token=invitation_token(invitation))
    with force_locale(user.language):
        body = render_template("accounts/mail/invitation.txt", user=user, link=link,
                               days=current_app.config["INVITATION_MAX_AGE_DAYS"])
        send_mail(user.email or "", _("Your invitation to MCC, the Multimedia Competence Centre"), body)


def send_password_reset(user: User) -> None:
    link = external_url("accounts.reset_password", token=password_reset_token(user))
    with force_locale(user.language):
        body = render_template("accounts/mail/password_reset.txt", user=user, link=link,
                               minutes=current_app.config["PASSWORD_RESET_MAX_AGE_MINUTES"])
        send_mail(user.email or "", _("Reset your MCC password"), body)
