"""What rate limits are counted by. A class of 30 sits behind one factory router (one public address), so
limits on what logged-in people do are counted per account; per-address counters only cap abuse from outside.

Counters live in ``MCC_RATELIMIT_STORAGE_URI`` (Redis in production, shared by every process).
"""

from __future__ import annotations

from flask import Flask, request
from flask_limiter.util import get_remote_address
from flask_login import current_user


def per_account() -> str:
    """The logged-in person (their address only when nobody is logged in)."""
    if current_user.is_authenticated:
        return f"account:{current_user.id}"
    return f"address:{get_remote_address()}"


def per_address() -> str:
    return f"address:{get_remote_address()}"


def per_typed_email() -> str:
    """The account a login or reset form names (whether it exists or not), so attempts on one account are capped
    however many addresses they come from."""
    typed = (request.form.get("email", "") or "").strip().lower()[:254]
    return f"email:{typed}"


def refused_answer(response) -> bool:
    """Count an attempt only when it was refused (a failed login answers 422): 30 people logging in at once
    from one router never use up the address's allowance."""
    return response.status_code >= 400


def skip_where_nothing_is_limited(app: Flask) -> None:
    """Flask-Limiter checks every request before its view: resolving which limits apply costs as much as a
    bare Flask request, yet most routes have none. Its hook now runs only where something can apply (a limited
    blueprint, or default/application limits); limits decorated on a view are checked by the decorator itself
    (Flask-Limiter's own wrapper, untouched), so they hold as before."""
    from app.extensions import limiter

    hooks = app.before_request_funcs.setdefault(None, [])
    position = next(i for i, hook in enumerate(hooks) if hook == limiter._check_request_limit)
    check = hooks[position]
    limited: dict[str | None, bool] = {}

    def check_where_limited() -> None:
        blueprint = request.blueprint
        if blueprint not in limited:
            manager = limiter.limit_manager
            limited[blueprint] = bool(manager.default_limits or manager.application_limits
                                      or manager.blueprint_limits(app, blueprint or ""))
        if limited[blueprint]:
            check()

    hooks[position] = check_where_limited
