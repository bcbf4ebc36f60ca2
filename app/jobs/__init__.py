"""Background work: the outbox, the job queue (Huey) and its workers, scheduled upkeep, and the admins' page of
failed jobs. Infrastructure like ``core``: domains register handlers and schedules here, nothing here imports a
domain."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.navigation import register_nav
from app.core.permissions import Role

bp = Blueprint("jobs", __name__, url_prefix="/admin/jobs")


def blueprints():
    from app.jobs import routes  # noqa: F401  (register the views)

    return [bp]


def init_app(app):
    from app.core.health import register_health_check
    from app.jobs import cli, mail  # noqa: F401  (the mail handler)
    from app.jobs.queue import make_queue, queue_health

    app.extensions["mcc_queue"] = make_queue(app)
    register_health_check("queue", queue_health)
    app.cli.add_command(cli.jobs_cli)
    register_nav("jobs.failed", _l("Failed jobs"), 88, roles=(Role.ADMIN,))
