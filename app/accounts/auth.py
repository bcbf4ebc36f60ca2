"""Flask-Login wiring: loading the user from the session cookie."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from app.accounts import sessions
from app.accounts.models import User
from app.extensions import login_manager


def init_login(app: Flask) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    return sessions.load(session_id)
