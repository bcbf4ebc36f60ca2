"""Signed, expiring tokens for links sent to people (invitations, password resets, check-in, downloads)."""

from __future__ import annotations

from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class TokenInvalid(Exception):
    """The token was tampered with, is for another purpose, or is malformed."""


class TokenExpired(TokenInvalid):
    """The token was genuine but is older than allowed."""


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    # The purpose is the salt: a password-reset token can never be replayed as an invitation.
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"mcc.{purpose}")


def make_token(purpose: str, payload: Any) -> str:
    return _serializer(purpose).dumps(payload)


def load_token(purpose: str, token: str, max_age_seconds: int) -> Any:
    try:
        return _serializer(purpose).loads(token, max_age=max_age_seconds)
    except SignatureExpired as error:
        raise TokenExpired(str(error)) from error
    except BadSignature as error:
        raise TokenInvalid(str(error)) from error
