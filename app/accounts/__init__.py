"""Accounts: logging in, roles, invitations, password reset, profiles, and the admins' user management."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.navigation import register_nav

bp = Blueprint("accounts", __name__)
admin_bp = Blueprint("accounts_admin", __name__, url_prefix="/admin/users")


def blueprints():
    from app.accounts import admin_routes, routes  # noqa: F401  (register the views)

    return [bp, admin_bp]


def init_app(app):
    from app.accounts import auth, cli, demo  # noqa: F401  (demo registers its seeder)
    from app.accounts.policies import can_manage_users

    auth.init_login(app)
    cli.init_cli(app)
    register_nav("accounts_admin.users", _l("Users"), 80, visible_if=can_manage_users)
    register_nav("core.site_settings", _l("Settings"), 85, visible_if=can_manage_users)

