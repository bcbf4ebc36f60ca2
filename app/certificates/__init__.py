"""Certificates of courses and internships: issued by the domains that decide them, verifiable by anyone."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.navigation import register_nav
from app.core.permissions import Role

bp = Blueprint("certificates", __name__)


def blueprints():
    from app.certificates import routes  # noqa: F401  (register the views)

    return [bp]


def init_app(app):
    from app.certificates import notices  # noqa: F401  (notification kinds)

    register_nav("certificates.certificates_list", _l("Certificates"), 60, roles=(Role.COORDINATOR,))
