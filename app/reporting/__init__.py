"""Reporting: project indicators against targets, the coordinators' dashboard, the at-risk list, drill-down to
people, exports for the funder (CSV, XLSX, attendance matrix, placement register, PDF summary)."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.home import for_coordinators, register_home_panel
from app.core.navigation import register_nav
from app.core.permissions import Role
from app.core.userfacts import user_fact
from app.network.policies import MANAGES_A_MEMBER

bp = Blueprint("reporting", __name__, url_prefix="/reports")


def blueprints():
    from app.reporting import routes  # noqa: F401  (register the views)
    from app.reporting.firm_routes import firm_bp

    return [bp, firm_bp]


def init_app(app):
    from app.reporting import cli, demo, home, notices, summaries  # noqa: F401  (demo seeder, notification kinds, schedule)
    from app.reporting.services import unit_label

    summaries.init_app(app)  # the per-enrolment summaries follow every write
    app.cli.add_command(cli.reporting_cli)

    app.add_template_filter(unit_label, "unit")

    register_home_panel("reporting.figures", 10, "reporting/_home_figures.html", home.headline_figures,
                        visible_if=for_coordinators)
    register_home_panel("reporting.at_risk", 30, "reporting/_home_at_risk.html", home.at_risk_count,
                        visible_if=for_coordinators)
    register_nav("reporting.dashboard", _l("Reports"), 50, roles=(Role.COORDINATOR, Role.TRAINER))
    register_nav("reporting.at_risk", _l("At risk"), 51, roles=(Role.COORDINATOR, Role.TRAINER))
    register_nav("firm.index", _l("My firm"), 52, visible_if=lambda user: user_fact(user, MANAGES_A_MEMBER))
