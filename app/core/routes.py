"""Home page, health checks, the language switcher and site settings."""

from __future__ import annotations

import logging

from flask import flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core import bp, settings
from app.core.forms import LanguageForm, SiteSettingsForm
from app.core.health import readiness
from app.core.home import home_panels
from app.core.i18n import LANGUAGES
from app.core.observability import metrics_response
from app.core.permissions import Role, role_required
from app.core.sections import page_sections
from app.core.uow import form_page
from app.core.urls import safe_next_url
from app.extensions import csrf, limiter

log = logging.getLogger(__name__)


@bp.get("/")
def index():
    """Anonymous visitors: what MCC is and what the domains show on the front page (``core.front`` sections: the
    bulletin's latest posts, the specialisations, the directory; an events package adds upcoming events there).
    Logged-in people: what to do next (``core.home``)."""
    if current_user.is_authenticated:
        return render_template("core/index.html", panels=home_panels(current_user))
    return render_template("core/index.html", sections=page_sections("core.front", current_user, None))


@bp.get("/healthz/live")
@limiter.exempt
def live():
    """Liveness: answers without touching the database or storage (also the benchmark's ceiling)."""
    return "ok\n", 200, {"Content-Type": "text/plain"}


@bp.get("/metrics")
@limiter.exempt
def metrics():
    """Prometheus metrics, for a scraper that shows MCC_METRICS_TOKEN (404 otherwise)."""
    return metrics_response()


@bp.get("/healthz")
@limiter.exempt
def health():
    """Readiness: "ok", "degraded" (200: keep the instance in rotation) or "unavailable" (503); see core.health."""
    state = readiness()
    return jsonify(state), 503 if state["status"] == "unavailable" else 200


@bp.post("/language")
@csrf.exempt  # changes only the visitor's own display language; the CSRF token is still checked below
def set_language():
    form = LanguageForm()
    target = safe_next_url(form.next.data or request.referrer)
    form.validate_on_submit()
    if "csrf_token" in form.errors:
        flash(_("The form has expired. Please try again."), "error")
        return redirect(target), 303
    code = (form.language.data or "").strip()
    if code not in LANGUAGES:
        flash(_("Unknown language: %(code)s. Choose Polish, Lithuanian or English.", code=code[:12]), "error")
        return redirect(target), 303
    session["language"] = code
    if current_user.is_authenticated:
        current_user.language = code  # saved as the account's preference when the request commits
    return redirect(target), 303


@bp.route("/admin/settings", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def site_settings():
    form = SiteSettingsForm()
    if form.validate_on_submit():
        settings.set_setting(settings.SELF_REGISTRATION, bool(form.self_registration.data), current_user.id)
        settings.set_setting(settings.DIRECTORY_REGISTRATION, bool(form.directory_registration.data),
                             current_user.id)
        flash(_("Settings saved."), "success")
        return redirect(url_for("core.site_settings"))
    if request.method == "GET":
        form.self_registration.data = settings.self_registration_enabled()
        form.directory_registration.data = settings.directory_registration_enabled()
    return form_page("core/settings.html", form=form)
