"""Learning: lesson progress and video watching, quizzes, completion rules, certificates and their verification."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.navigation import register_nav
from app.core.permissions import Role

bp = Blueprint("learning", __name__)


def blueprints():
    from app.learning import authoring_routes, routes, study_routes  # noqa: F401  (register the views)

    return [bp]


def init_app(app):
    from app.learning import completion, course_files, demo, progress  # noqa: F401  (signals, import section)

    register_nav("learning.dashboard", _l("My progress"), 15, roles=(Role.TRAINEE,))
