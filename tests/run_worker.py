"""Run a real job worker for tests, in its own process, on a test app's database and queue.

    python -m tests.run_worker <database url> <media root> [KEY=VALUE ...]
"""

import sys

from tests.conftest import make_test_app
from tests.jobs import handlers  # noqa: F401  (the test's own job)

if __name__ == "__main__":
    database_url, media_root, *pairs = sys.argv[1:]
    overrides = {key: int(value) if value.isdigit() else value for key, value in (p.split("=", 1) for p in pairs)}
    app = make_test_app(database_url, media_root, **overrides)
    queue = app.extensions["mcc_queue"]
    # Idle threads look for work twice a second; the scheduler (retries, delays, upkeep) every second.
    queue.create_consumer(workers=2, worker_type="thread", periodic=True, max_delay=0.5).run()
