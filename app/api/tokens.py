"""Issuing, finding and revoking API tokens. The secret is shown once; the table keeps its SHA-256 only."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import User
from app.api.models import ApiToken, TokenScope
from app.core.audit import record_event
from app.core.db import utcnow
from app.core.errors import DomainError
from app.core.permissions import Role
from app.extensions import db

#: Every secret starts with this, so a leaked one is recognised by secret scanners and people alike.
SECRET_PREFIX = "mcc_"  # noqa: S105  (a marker, not a secret)
#: The longest a token may live.
MAX_LIFETIME = timedelta(days=366)
#: Roles a service user may act with: integrations read figures or course data, they never study.
SERVICE_ROLES = (Role.COORDINATOR, Role.TRAINER)


def secret_hash(secret: str) -> str:
    """What the table keeps of a secret (and looks it up by)."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class TokenRequest:
    name: str
    scopes: frozenset[TokenScope]
    expires_at: datetime


def _check(request: TokenRequest, now: datetime) -> None:
    if not request.name.strip():
        raise DomainError(_l("Give the token a name."), field="name")
    if not request.scopes:
        raise DomainError(_l("Choose at least one scope."), field="scopes")
    if request.expires_at <= now:
        raise DomainError(_l("The expiry date must be in the future."), field="expires_on")
    if request.expires_at > now + MAX_LIFETIME:
        raise DomainError(_l("A token may live one year at most."), field="expires_on")


def _issue(owner: User, actor: User, request: TokenRequest, *, is_service: bool) -> tuple[ApiToken, str]:
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=owner, name=request.name.strip(), prefix=secret[:12], secret_hash=secret_hash(secret),
                     scopes=sorted(s.value for s in request.scopes), expires_at=request.expires_at,
                     is_service=is_service, created_by=actor)
    db.session.add(token)
    db.session.flush()
    record_event("api.token_created", actor=actor, obj=token,
                 after={"name": token.name, "owner": owner.id, "scopes": token.scopes, "service": is_service,
                        "expires_at": token.expires_at})
    return token, secret


def create_personal_token(owner: User, request: TokenRequest, now: datetime | None = None) -> tuple[ApiToken, str]:
    """A person's own token, carrying their rights narrowed to the scopes; returns the token and its secret
    (shown once, never stored)."""
    _check(request, now or utcnow())
    return _issue(owner, owner, request, is_service=False)


def create_service_token(actor: User, role: Role, request: TokenRequest,
                         now: datetime | None = None) -> tuple[ApiToken, str]:
    """An admin's token for an integration: it acts as a new service user holding ``role`` (who cannot log in)."""
    _check(request, now or utcnow())
    if role not in SERVICE_ROLES:
        raise DomainError(_l("A service token acts as a coordinator or a trainer."), field="role")
    # An address that can never receive mail (.invalid, RFC 2606) and no password: it cannot log in, and it is not
    # a "managed participant" (email None) to whom a coordinator could give a login.
    service = User(email=f"api-{secrets.token_hex(8)}@service.invalid", password_hash=None,
                   full_name=f"API: {request.name.strip()}"[:200], role=role,
                   language=actor.language, timezone=actor.timezone)
    db.session.add(service)
    db.session.flush()
    return _issue(service, actor, request, is_service=True)


def revoke_token(actor: User, token: ApiToken, now: datetime | None = None) -> None:
    """A revoked token stops working with the next request (every request looks the token up)."""
    if token.revoked_at is not None:
        return
    token.revoked_at = now or utcnow()
    record_event("api.token_revoked", actor=actor, obj=token, after={"name": token.name, "owner": token.user_id})
    db.session.flush()


def find_token(secret: str) -> ApiToken | None:
    """The token whose secret this is (looked up by its hash), usable or not."""
    if not secret.startswith(SECRET_PREFIX):
        return None
    return db.session.scalar(select(ApiToken).where(ApiToken.secret_hash == secret_hash(secret)))


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.is_service.is_(False))
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def service_tokens() -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(ApiToken.is_service.is_(True))
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def scopes_from(values: Iterable[str]) -> frozenset[TokenScope]:
    return frozenset(TokenScope(v) for v in values if v in TokenScope._value2member_map_)
