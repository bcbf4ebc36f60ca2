"""Tokens for the API tests, made by the same service the profile page uses."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.api import tokens
from app.api.models import TokenScope
from app.core.db import utcnow
from app.extensions import db

ALL = frozenset(TokenScope)


def issue(user, *scopes: TokenScope, days: int = 30, name: str = "test") -> str:
    """A personal token of ``user`` with ``scopes`` (all of them when none is given); returns the secret."""
    request = tokens.TokenRequest(name=name, scopes=frozenset(scopes) or ALL,
                                  expires_at=utcnow() + timedelta(days=days))
    _token, secret = tokens.create_personal_token(user, request)
    db.session.commit()
    return secret


def bearer(secret: str, **headers) -> dict:
    return {"Authorization": f"Bearer {secret}", **headers}


@pytest.fixture
def token_for():
    return issue


def person(role=None, **fields):
    """A user who only uses tokens in the test: no password to hash (Argon2 is slow on purpose)."""
    from app.core.permissions import Role
    from tests.factories import create_user

    return create_user(role or Role.TRAINEE, password=None, **fields)
