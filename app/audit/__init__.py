"""Audit trail: an append-only record of security- and evidence-relevant actions, searchable by coordinators."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.navigation import register_nav
from app.core.permissions import Role

bp = Blueprint("audit", __name__, url_prefix="/audit")


def blueprints():
    from app.audit import routes  # noqa: F401

    return [bp]


def init_app(app):
    register_nav("audit.search", _l("Audit trail"), 90, roles=(Role.COORDINATOR,))
