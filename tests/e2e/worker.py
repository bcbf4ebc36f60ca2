"""A real job worker beside the live server (uploads are verified and exports built by workers)."""

from __future__ import annotations

from contextlib import contextmanager

from tests.jobs.conftest import JobsWorld


@contextmanager
def worker_for(app, **settings):
    """Run a worker process on ``app``'s database, storage and queue while the block runs."""
    world = JobsWorld(app, app.config["SQLALCHEMY_DATABASE_URI"], app.config["MEDIA_ROOT"],
                      {"QUEUE_URL": app.config["QUEUE_URL"], "MAIL_BACKEND": "memory",
                       **{key: str(value) for key, value in settings.items() if value is not None}})
    world.start_worker()
    try:
        yield world
    finally:
        world.stop_all()
