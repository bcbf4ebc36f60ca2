from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, current_app, has_request_context, request, url_for
from werkzeug.routing import IntegerConverter


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
    """An absolute link for mails, PDFs and QR codes: on ``MCC_BASE_URL`` when set (always in production), else on
    the request's host; in a worker (no request) on ``MCC_BASE_URL`` or http://localhost."""
    base = current_app.config.get("BASE_URL")
    if base or not has_request_context():
        return (base or "http://localhost").rstrip("/") + path_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def path_for(endpoint: str, **values) -> str:
    """A path in this app (a link kept in a row, e.g. a notification's), built the same with or without a request:
    workers, scheduled jobs and CLI commands have an app context but no request, where ``url_for`` refuses."""
    if has_request_context():
        return url_for(endpoint, **values)
    adapter = current_app.url_map.bind("localhost", script_name=current_app.config.get("APPLICATION_ROOT") or "/")
    return adapter.build(endpoint, values)


class IdConverter(IntegerConverter):
    """``<int:...>`` in every route: only ids a database column can hold, so ``/courses/9223372036854775808``
    is 404 (not an overflow error on PostgreSQL or SQLite)."""

    def __init__(self, url_map, *args, **kwargs):
        from app.core.permissions import MAX_ID

        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


#: The last page number a list accepts (50 rows a page: far beyond any list); more is 404, not an overflow.
MAX_PAGE = 100_000


def check_arguments() -> None:
    """Before every request: a path with a NUL byte is 404 and a query string with one 400 (no database can
    search for it); a ``page`` argument that is not a sane page number is 404 (lists paginate with it)."""
    if "\x00" in request.path:
        abort(404)
    if any("\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)):
        abort(400)
    value = request.args.get("page")
    if value and not (value.isascii() and value.isdigit() and int(value) <= MAX_PAGE):
        abort(404)


def id_arg(args, name: str) -> int | None:
    """An id from the query string (a filter's company or specialisation), None when absent or impossible."""
    from app.core.permissions import MAX_ID

    value = args.get(name) or ""
    return int(value) if value.isascii() and value.isdigit() and 0 < int(value) <= MAX_ID else None


_FIXED: dict[tuple[str, str, str | None], str] = {}


def fixed_url(endpoint: str, filename: str | None = None) -> str:
    """``url_for`` for a URL that never changes while the app runs (an endpoint without arguments, a static
    file): built once per application root, then read from a dict — the base layout asks for about fifteen on
    every page."""
    key = (request.script_root if has_request_context() else "", endpoint, filename)
    url = _FIXED.get(key)
    if url is None:
        url = _FIXED[key] = url_for(endpoint, filename=filename) if filename else url_for(endpoint)
    return url
