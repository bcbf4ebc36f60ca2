"""Placements: the cluster's company directory, internship offers and matching, placements with logbooks,
evaluations, documents and certificates."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.home import for_coordinators, register_home_panel
from app.core.navigation import register_nav
from app.core.permissions import Role

bp = Blueprint("placements", __name__)


def blueprints():
    from app.placements import company_routes, routes  # noqa: F401  (register the views)

    return [bp]


def init_app(app):
    from app.core.sections import register_section
    from app.placements import company_routes, demo, home, maintenance, notices  # noqa: F401  (demo, notices)
    from app.placements.policies import is_mentor
    from app.storage.references import register_reference_source

    register_reference_source("placement_documents", maintenance.document_references)
    register_home_panel("placements.logbook", 50, "placements/_home_logbook.html", home.logbook_waiting,
                        visible_if=is_mentor)
    register_home_panel("placements.applications", 20, "placements/_home_applications.html",
                        home.applications_waiting, visible_if=for_coordinators)
    register_section("network.member", "placements.offers", 50, "placements/_member_offers.html",
                     company_routes.member_section)
    register_nav("placements.internships", _l("Internships"), 25, roles=(Role.TRAINEE,))
    register_nav("placements.my_interns", _l("My interns"), 35, visible_if=is_mentor)
    register_nav("placements.register", _l("Placements"), 55, roles=(Role.COORDINATOR,))
