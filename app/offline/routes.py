"""The manifest, the service worker, the offline fallback page, the "Offline" page and a fresh CSRF token for the
offline queue's replays."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from flask import Response, current_app, jsonify, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf.csrf import generate_csrf

from app.core.i18n import LANGUAGES
from app.offline import bp

WORKBOX = "vendor/workbox-7.4.1"
#: The app shell: what every page needs, cached when the service worker installs (with a revision per content).
SHELL = ("css/mcc.css", "js/mcc.js", "js/offline/app.js", "js/offline/queue.js", "img/logo.svg", "img/favicon.svg",
         "img/icons/icon-192.png", "img/icons/icon-512.png", "fonts/DejaVuSans.ttf", "fonts/DejaVuSans-Bold.ttf")
THEME_COLOUR = "#0b4f8a"


def _static_dir() -> Path:
    return Path(current_app.static_folder or "")


def precache_manifest() -> list[dict[str, str]]:
    """The shell's URLs with a revision (the content's hash): a changed file is fetched again, the others not."""
    cached = current_app.extensions.get("mcc_precache")
    if cached is None or current_app.debug:
        cached = [{"url": url_for("static", filename=name),
                   "revision": hashlib.sha256((_static_dir() / name).read_bytes()).hexdigest()[:16]}
                  for name in SHELL]
        current_app.extensions["mcc_precache"] = cached
    return cached


@bp.get("/sw.js")
def service_worker():
    """The service worker: its configuration (shell, offline page, Workbox's vendored files) then its code. Served
    at the root so that it controls the whole site; never cached by HTTP (browsers check it for updates)."""
    config = {"precache": precache_manifest(), "offlinePage": url_for("offline.fallback"),
              "workbox": url_for("static", filename=WORKBOX + "/workbox-sw.js"),
              "workboxPrefix": url_for("static", filename=WORKBOX) + "/"}
    source = (_static_dir() / "js/offline/sw.js").read_text(encoding="utf-8")
    body = f"self.MCC_SW = {json.dumps(config)};\n{source}"
    return Response(body, mimetype="text/javascript", headers={"Cache-Control": "no-cache"})


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest: what a phone needs to install MCC on its home screen."""
    icon = lambda name, size, purpose: {  # noqa: E731
        "src": url_for("static", filename=f"img/icons/{name}"), "sizes": f"{size}x{size}", "type": "image/png",
        "purpose": purpose}
    body = {
        "name": _("MCC — Multimedia Competence Centre"), "short_name": "MCC",
        "description": _("Courses, meetings and placements of the metalworking cluster; lessons also offline."),
        "start_url": url_for("core.index"), "scope": "/", "id": "/", "display": "standalone",
        "background_color": "#ffffff", "theme_color": THEME_COLOUR, "lang": _language(),
        "icons": [icon("icon-192.png", 192, "any"), icon("icon-512.png", 512, "any"),
                  icon("icon-192-maskable.png", 192, "maskable"), icon("icon-512-maskable.png", 512, "maskable")],
    }
    return Response(json.dumps(body, ensure_ascii=False), mimetype="application/manifest+json",
                    headers={"Cache-Control": "no-cache"})


def _language() -> str:
    from flask_babel import get_locale

    language = str(get_locale() or "en")
    return language if language in LANGUAGES else "en"


@bp.get("/offline")
def fallback():
    """What the service worker shows for a page that is neither reachable nor saved (in the viewer's language:
    the pages cache it again whenever the language changes)."""
    return render_template("offline/fallback.html")


@bp.get("/offline/saved")
@login_required
def saved():
    """The courses saved on this device, their size and the device's quota (the list lives in the browser)."""
    return render_template("offline/saved.html")


@bp.get("/offline/token")
def token():
    """A fresh CSRF token for the offline queue: an action taken hours ago is sent with a token made now (the
    session is the same; the token of the page it was taken on may have expired)."""
    response = jsonify(csrf=generate_csrf())
    response.headers["Cache-Control"] = "no-store"
    return response
