"""Test data builders, one module per domain (``tests.factories.<domain>``). Each builder commits (a SAVEPOINT
inside the test's transaction) and returns the object. The accounts builders are re-exported here."""

from tests.factories.accounts import DEFAULT_PASSWORD, create_user

__all__ = ["DEFAULT_PASSWORD", "create_user"]
