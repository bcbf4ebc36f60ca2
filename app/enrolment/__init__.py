"""Enrolment: who takes part in which course (open, by approval, closed), waiting lists, bulk enrolment,
participants without an e-mail."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.navigation import register_nav
from app.core.permissions import Role

bp = Blueprint("enrolment", __name__)


def blueprints():
    from app.enrolment import routes  # noqa: F401  (registers the views)

    return [bp]


def init_app(app):
    from app.enrolment import demo, notices, participants  # noqa: F401  (merge step, notification kinds, demo seeder)

    register_nav("enrolment.manage", _l("Enrolments"), 50, roles=(Role.COORDINATOR, Role.TRAINER))
