"""Test data builders. Each commits (a SAVEPOINT inside the test's transaction) and returns the object."""

from __future__ import annotations

import itertools

from app.accounts.models import Country, User
from app.accounts.passwords import hash_password
from app.core.permissions import Role
from app.extensions import db

DEFAULT_PASSWORD = "correct horse battery"
_counter = itertools.count(1)
_hash_cache: dict[str, str] = {}


def _hashed(password: str) -> str:
    # Argon2 is deliberately slow; one hash per distinct password keeps the suite fast.
    if password not in _hash_cache:
        _hash_cache[password] = hash_password(password)
    return _hash_cache[password]


def create_user(role: Role = Role.TRAINEE, *, email: str | None = None, password: str | None = DEFAULT_PASSWORD,
                full_name: str | None = None, country: Country = Country.PL, language: str = "en",
                timezone: str | None = None, **fields) -> User:
    n = next(_counter)
    user = User(
        email=email if email is not None else f"{role.value}{n}@example.com",
        password_hash=_hashed(password) if password else None,
        full_name=full_name or f"{role.value.title()} Nr {n}",
        role=role,
        country=country,
        language=language,
        timezone=timezone or ("Europe/Vilnius" if country == Country.LT else "Europe/Warsaw"),
        **fields,
    )
    db.session.add(user)
    db.session.commit()
    return user
