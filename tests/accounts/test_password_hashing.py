"""The app's real password hashing: the suite itself hashes at Argon2id's lowest cost (tests/conftest.py), so these
tests check the production hasher directly — its cost, that it verifies, and that a cheaper hash is upgraded."""

from __future__ import annotations

import pytest
from argon2 import Type, extract_parameters
from argon2.exceptions import VerifyMismatchError

from tests.conftest import PRODUCTION_HASHER, TEST_HASHER


def test_production_hashes_are_argon2id_at_least_at_the_owasp_cost():
    parameters = extract_parameters(PRODUCTION_HASHER.hash("correct horse battery"))
    assert parameters.type is Type.ID
    # OWASP's minimum for Argon2id: 19 MiB with 2 passes (or more memory with fewer passes); argon2-cffi's default.
    assert parameters.memory_cost >= 19 * 1024 and parameters.time_cost >= 2, parameters


def test_production_hasher_tells_right_from_wrong():
    stored = PRODUCTION_HASHER.hash("correct horse battery")
    assert PRODUCTION_HASHER.verify(stored, "correct horse battery")
    with pytest.raises(VerifyMismatchError):
        PRODUCTION_HASHER.verify(stored, "correct horse batterY")


def test_a_hash_cheaper_than_production_would_be_upgraded_at_the_next_login():
    """A hash with the test cost is what production's needs_rehash replaces (the tests' hashes stay in the tests)."""
    assert PRODUCTION_HASHER.check_needs_rehash(TEST_HASHER.hash("correct horse battery"))
    assert not PRODUCTION_HASHER.check_needs_rehash(PRODUCTION_HASHER.hash("correct horse battery"))

