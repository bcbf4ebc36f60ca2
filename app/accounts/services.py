"""Account rules: authentication, registration, invitations, password resets, roles and profiles.

Services flush and never commit (the request's unit of work commits once). The acting user is passed in
explicitly, and what an actor may do is asked of ``app.accounts.policies``.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.accounts import sessions
from app.accounts.models import Country, Gender, Invitation, User, UserSession
from app.accounts.passwords import hash_password, needs_rehash, verify_password
from app.accounts.policies import can_change_active, can_change_role, can_manage_users, can_resend_invitation
from app.core.audit import record_event
from app.core.db import utcnow
from app.core.employers import set_employer
from app.core.errors import DomainError
from app.core.i18n import LANGUAGES, ZONE_FOR_LANGUAGE, is_valid_timezone
from app.core.permissions import Role
from app.core.tokens import TokenExpired, TokenInvalid, load_token, make_token
from app.extensions import db

log = logging.getLogger(__name__)

INVITATION_PURPOSE = "invitation"
RESET_PURPOSE = "password-reset"


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    # Stored lower-cased, so the unique index answers this.
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def check_password_policy(password: str, email: str | None = None) -> None:
    """Refuse passwords that are short or trivially guessable from the account itself."""
    minimum = current_app.config["MIN_PASSWORD_LENGTH"]
    if len(password) < minimum:
        raise DomainError(_l("The password must have at least %(n)s characters.", n=minimum), field="password")
    if email and password.strip().lower() in {normalize_email(email), normalize_email(email).split("@")[0]}:
        raise DomainError(_l("The password must not be your e-mail address."), field="password")
    if len(set(password)) < 4:
        raise DomainError(_l("The password is too easy to guess."), field="password")


def authenticate(email: str, password: str, remote_addr: str | None = None) -> User | None:
    """The active user with this e-mail and password, or None. Failures are logged, never explained."""
    user = find_user_by_email(email)
    if user is None or not user.can_log_in or not verify_password(user.password_hash, password):
        if user is None:
            verify_password(None, password)  # spend the same time as a real check
        # Hash the address so the log does not become a list of who tried which e-mail.
        digest = hashlib.sha256(normalize_email(email).encode()).hexdigest()[:12]
        log.warning("failed login attempt for e-mail hash %s from %s", digest, remote_addr or "?")
        record_event("auth.login_failed", object_type="users", object_id=user.id if user else None,
                     after={"email_sha256": digest})
        return None
    if needs_rehash(user.password_hash or ""):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    record_event("auth.login", actor=user, obj=user)
    return user


@dataclass
class Profile:
    full_name: str
    country: Country
    language: str
    timezone: str
    company_name: str | None = None
    gender: Gender | None = None


def _apply_profile(user: User, profile: Profile) -> None:
    if profile.language not in LANGUAGES:
        raise DomainError(_l("Unknown language."), field="language")
    if not is_valid_timezone(profile.timezone):
        raise DomainError(_l("Unknown time zone."), field="timezone")
    name = profile.full_name.strip()
    if not name:
        raise DomainError(_l("Please enter your name."), field="full_name")
    user.full_name = name
    user.country = profile.country
    user.language = profile.language
    user.timezone = profile.timezone
    set_employer(user, profile.company_name)
    user.gender = profile.gender


def _record_consent(user: User) -> None:
    """The version of the privacy notice the person agreed to on the form (the form requires the tick)."""
    from flask import current_app

    user.consent_version, user.consent_at = current_app.config["PRIVACY_NOTICE_VERSION"], utcnow()


def register_trainee(email: str, password: str, profile: Profile) -> User:
    """Open self-registration (when an admin allows it) creates a trainee account."""
    from app.core.settings import self_registration_enabled

    if not self_registration_enabled():
        raise DomainError(_l("Self-registration is closed. Ask a coordinator for an invitation."))
    return register_account(email, password, profile, Role.TRAINEE)


def register_account(email: str, password: str, profile: Profile, role: Role) -> User:
    """A person creates their own account (with the privacy consent of the form); the caller checked that this
    kind of registration is open (trainees above; members of the directory in ``app.network.entries``)."""
    if find_user_by_email(email) is not None:
        # Said plainly: registration cannot hide existence without an e-mail round trip, and login stays vague.
        raise DomainError(_l("An account with this e-mail already exists. Log in or reset your password."),
                          field="email")
    check_password_policy(password, email)
    user = User(email=normalize_email(email), role=role, password_hash=hash_password(password))
    _apply_profile(user, profile)
    _record_consent(user)
    db.session.add(user)
    db.session.flush()
    record_event("accounts.registered", actor=user, obj=user, after={"role": user.role})
    return user


def invite_user(email: str, full_name: str, role: Role, language: str, country: Country, actor: User) -> Invitation:
    """Admins invite anyone in any role: the account (without a password) and an invitation for it."""
    _check_admin(actor)
    return create_invitation(email, full_name, role, language, country, actor)


def create_invitation(email: str, full_name: str, role: Role, language: str, country: Country,
                      actor: User) -> Invitation:
    """The account (without a password) and its invitation, for a caller whose own policy allowed ``actor`` to
    invite this person (admins through ``invite_user``; coordinators a firm's mentor, in placements)."""
    existing = find_user_by_email(email)
    if existing is not None:
        raise DomainError(_l("An account with this e-mail already exists."), field="email")
    if language not in LANGUAGES:
        raise DomainError(_l("Unknown language."), field="language")
    user = User(
        email=normalize_email(email),
        full_name=full_name.strip(),
        role=role,
        language=language,
        country=country,
        timezone=ZONE_FOR_LANGUAGE.get(language, current_app.config["DEFAULT_TIMEZONE"]),
    )
    db.session.add(user)
    db.session.flush()
    invitation = Invitation(user=user, invited_by=actor)
    db.session.add(invitation)
    db.session.flush()
    record_event("accounts.invited", actor=actor, obj=user, after={"role": role, "invitation": invitation.id})
    return invitation


def renew_invitation(user: User, actor: User) -> Invitation:
    """Revoke the person's pending invitations and issue a fresh one (e.g. after the link expired)."""
    _check_admin(actor)
    if not can_resend_invitation(actor, user):
        raise DomainError(_l("This person has already set a password."))
    now = utcnow()
    for old in db.session.scalars(select(Invitation).where(Invitation.user_id == user.id)):
        if old.is_pending:
            old.revoked_at = now
    invitation = Invitation(user=user, invited_by=actor)
    db.session.add(invitation)
    db.session.flush()
    return invitation


def _link_payload(purpose: str, token: str, max_age: int, *, expired, invalid) -> dict:
    """What an e-mailed link's signed token carries; DomainError (with the link's own words) when it has
    expired or is not genuine."""
    try:
        payload = load_token(purpose, token, max_age)
    except TokenExpired:
        raise DomainError(expired) from None
    except TokenInvalid:
        raise DomainError(invalid) from None
    return payload if isinstance(payload, dict) else {}


def invitation_token(invitation: Invitation) -> str:
    return make_token(INVITATION_PURPOSE, {"invitation": invitation.id})


def load_invitation(token: str) -> Invitation:
    """The pending invitation a token names; DomainError if it is expired, tampered, used or revoked."""
    payload = _link_payload(
        INVITATION_PURPOSE, token, current_app.config["INVITATION_MAX_AGE_DAYS"] * 86400,
        expired=_l("This invitation link has expired. Ask for a new invitation."),
        invalid=_l("This invitation link is not valid. Check that you copied it completely."))
    invitation = db.session.get(Invitation, payload.get("invitation"))
    if invitation is None or invitation.revoked_at is not None:
        raise DomainError(_l("This invitation link is not valid any more. Ask for a new invitation."))
    if invitation.accepted_at is not None:
        raise DomainError(_l("This invitation has already been used. Log in with your e-mail and password."))
    return invitation


def accept_invitation(invitation: Invitation, password: str, profile: Profile) -> User:
    user = invitation.user
    check_password_policy(password, user.email)
    _apply_profile(user, profile)
    _record_consent(user)
    user.password_hash = hash_password(password)
    user.is_active = True
    invitation.accepted_at = utcnow()
    db.session.flush()
    record_event("accounts.invitation_accepted", actor=user, obj=user, after={"invitation": invitation.id})
    return user


def _password_fingerprint(user: User) -> str:
    # Part of the reset token: once the password changes, every earlier reset link stops working.
    return hashlib.sha256((user.password_hash or "none").encode()).hexdigest()[:16]


def password_reset_token(user: User) -> str:
    return make_token(RESET_PURPOSE, {"user": user.id, "pw": _password_fingerprint(user)})


def load_password_reset(token: str) -> User:
    payload = _link_payload(
        RESET_PURPOSE, token, current_app.config["PASSWORD_RESET_MAX_AGE_MINUTES"] * 60,
        expired=_l("This password reset link has expired. Ask for a new one."),
        invalid=_l("This password reset link is not valid. Check that you copied it completely."))
    user = db.session.get(User, payload.get("user"))
    if user is None or not user.is_active or payload.get("pw") != _password_fingerprint(user):
        raise DomainError(_l("This password reset link has already been used or is no longer valid."))
    return user


def set_password(user: User, password: str, keep_session: UserSession | None = None) -> None:
    """A new password ends every login of the person except ``keep_session`` (the browser that changed it)."""
    check_password_policy(password, user.email)
    user.password_hash = hash_password(password)
    sessions.revoke_all(user, keep=keep_session)
    db.session.flush()
    record_event("auth.password_changed", actor=user, obj=user)


def change_password(user: User, current_password: str, new_password: str,
                    keep_session: UserSession | None = None) -> None:
    if not verify_password(user.password_hash, current_password):
        raise DomainError(_l("The current password is not correct."), field="current_password")
    set_password(user, new_password, keep_session)


def update_profile(user: User, profile: Profile) -> None:
    _apply_profile(user, profile)
    db.session.flush()


def _check_admin(actor: User) -> None:
    if not can_manage_users(actor):
        raise DomainError(_l("Only administrators manage accounts."))


def _active_admin_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User).where(
        User.role == Role.ADMIN, User.is_active.is_(True))) or 0


def change_role(user: User, role: Role, actor: User) -> None:
    """Admins change roles; the last active admin cannot remove their own admin role."""
    if not can_change_role(actor, user):
        raise DomainError(_l("Only administrators manage accounts."))
    if user.role == Role.ADMIN and role != Role.ADMIN and _active_admin_count() <= 1:
        raise DomainError(_l("This is the last administrator: appoint another one first."))
    log.info("user %s changed role of user %s from %s to %s", actor.id, user.id, user.role, role)
    record_event("accounts.role_changed", actor=actor, obj=user, before={"role": user.role}, after={"role": role})
    user.role = role
    db.session.flush()


def set_active(user: User, active: bool, actor: User) -> None:
    """Admins (de)activate accounts; nobody deactivates their own, and the last active admin stays."""
    _check_admin(actor)
    if not active and not can_change_active(actor, user):
        raise DomainError(_l("You cannot deactivate your own account."))
    if not active and user.role == Role.ADMIN and _active_admin_count() <= 1:
        raise DomainError(_l("This is the last administrator: appoint another one first."))
    record_event("accounts.active_changed", actor=actor, obj=user, before={"is_active": user.is_active},
                 after={"is_active": active})
    user.is_active = active
    if not active:
        sessions.revoke_all(user)
    db.session.flush()


def create_admin(email: str, full_name: str, password: str) -> User:
    """Used by ``flask create-admin``: a new admin, or an existing account promoted to admin."""
    check_password_policy(password, email)
    user = find_user_by_email(email)
    if user is None:
        user = User(email=normalize_email(email), full_name=full_name.strip() or email)
        db.session.add(user)
    user.role = Role.ADMIN
    user.is_active = True
    user.password_hash = hash_password(password)
    db.session.flush()
    return user
