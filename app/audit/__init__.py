"""Audit trail: an append-only record of security- and evidence-relevant actions, searchable by coordinators."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.navigation import register_nav

bp = Blueprint("audit", __name__, url_prefix="/audit")


def blueprints():
    from app.audit import routes  # noqa: F401

    return [bp]


def init_app(app):
    from app.audit.policies import can_search_audit

    register_nav("audit.search", _l("Audit trail"), 90, visible_if=can_search_audit)
