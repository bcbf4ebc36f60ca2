"""MCC as production serves it (``wsgi:app``) plus one reference page only the benchmark uses.

``/bench/reference`` is a bare logged-in page of the same app: session, user load, CSRF token, locale and time
zone, security headers, the base layout with its menu — and no domain query. Every journey is also reported as a
ratio to it, so what a page costs beyond what every logged-in page pays is visible.
"""

from pathlib import Path

from flask import Blueprint, render_template
from flask_login import login_required

from app.core.uow import unit_of_work
from wsgi import app

reference = Blueprint("bench_reference", __name__, template_folder=str(Path(__file__).parent / "templates"))


@reference.get("/bench/reference")
@login_required
def bare_page():
    return render_template("bench/reference.html")


app.register_blueprint(reference)
# Registered after create_app: wrapped in the unit of work here as ``uow.install`` wraps every other view.
app.view_functions["bench_reference.bare_page"] = unit_of_work(app.view_functions["bench_reference.bare_page"])
