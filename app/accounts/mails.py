"""The e-mails accounts sends, each in the recipient's language, queued in the request's transaction (a worker
sends them once it has committed)."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale, gettext as _

from app.accounts.models import Invitation, User
from app.accounts.services import invitation_token, password_reset_token
from app.core.urls import external_url
from app.jobs.mail import queue_mail


def send_invitation(invitation: Invitation) -> None:
    user = invitation.user
    link = external_url("accounts.accept_invitation", token=invitation_token(invitation))
    with force_locale(user.language):
        body = render_template("accounts/mail/invitation.txt", user=user, link=link,
                               days=current_app.config["INVITATION_MAX_AGE_DAYS"])
        queue_mail(user.email or "", _("Your invitation to MCC, the Multimedia Competence Centre"), body)


def send_password_reset(user: User | None) -> None:
    """Queue the reset link for ``user``; for an address without an account (None) the message is composed the
    same way and dropped, so both answers take the same work and the page cannot tell who has an account."""
    person = user or User(id=0, email="", full_name="", password_hash="", language="en")  # never stored
    link = external_url("accounts.reset_password", token=password_reset_token(person))
    with force_locale(person.language):
        body = render_template("accounts/mail/password_reset.txt", user=person, link=link,
                               minutes=current_app.config["PASSWORD_RESET_MAX_AGE_MINUTES"])
        if user is not None:
            queue_mail(user.email or "", _("Reset your MCC password"), body)

