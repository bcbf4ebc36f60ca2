from __future__ import annotations

from urllib.parse import urlsplit

from flask import request, url_for


def safe_next_url(target: str | None, default_endpoint: str = "core.index") -> str:
    """``target`` if it points into this site, else the default page (no open redirects)."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
        if parts.netloc == request.host and parts.scheme in {"http", "https"}:
            return parts.path + (f"?{parts.query}" if parts.query else "")
    return url_for(default_endpoint)
