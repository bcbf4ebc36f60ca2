from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, request, url_for


def safe_next_url(target: str | None, default_endpoint: str = "core.index") -> str:
    """``target`` if it points into this site, else the default page (no open redirects)."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
        if parts.netloc == request.host and parts.scheme in {"http", "https"}:
            return parts.path + (f"?{parts.query}" if parts.query else "")
    return url_for(default_endpoint)


def external_url(endpoint: str, **values) -> str:
    """An absolute link for mails, PDFs and QR codes: on ``MCC_BASE_URL`` when set, else on the request's host."""
    base = current_app.config.get("BASE_URL")
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)
