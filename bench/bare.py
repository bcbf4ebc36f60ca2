"""The true ceiling: a bare Flask app (no extensions, no database) served with the same gunicorn settings as MCC.

``make bench`` reports every journey also as a ratio to this app's requests/s, so the cost of MCC's own
per-request machinery (sessions, login, locale, limiter, security headers, the unit of work) is a number.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/healthz/live")
def live():
    return {"status": "ok"}
