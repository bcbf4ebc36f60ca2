"""A test app for gunicorn (``gunicorn tests.wsgi_for_tests:app``): database, media root and settings from the
environment (MCC_TEST_DATABASE, MCC_TEST_MEDIA, and MCC_TEST_SET_<KEY>=<value> overrides)."""

import os

from tests.conftest import make_test_app

_overrides = {key.removeprefix("MCC_TEST_SET_"): int(value) if value.isdigit() else value
              for key, value in os.environ.items() if key.startswith("MCC_TEST_SET_")}
app = make_test_app(os.environ["MCC_TEST_DATABASE"], os.environ["MCC_TEST_MEDIA"], **_overrides)
