"""The person's notifications, their mail preferences, and unsubscribing from a mail without logging in."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.accounts.models import User
from app.core.forms import ConfirmForm
from app.core.permissions import load_or_403
from app.core.tokens import TokenExpired, TokenInvalid, load_token
from app.core.uow import form_page, writes
from app.core.urls import safe_next_url
from app.extensions import csrf, db
from app.notifications import bp, services
from app.notifications.delivery import UNSUBSCRIBE_PURPOSE
from app.notifications.forms import preferences_form
from app.notifications.kinds import CATEGORIES, texts
from app.notifications.models import Delivery, Notification
from app.notifications.policies import can_read

#: Unsubscribe links in mails work for a year.
UNSUBSCRIBE_MAX_AGE = 365 * 24 * 3600


@bp.get("/")
@login_required
def index():
    page = db.paginate(select(Notification).where(Notification.user_id == current_user.id)
                       .order_by(Notification.id.desc()), per_page=30, error_out=False)
    items = [(n, *texts(n.kind, n.params, current_user.language, current_user.timezone)) for n in page.items]
    return render_template("notifications/index.html", page=page, items=items, read_all_form=ConfirmForm())


@bp.get("/<int:notification_id>")
@login_required
@writes  # opening a notification marks it read
def open_notification(notification_id: int):
    notification = load_or_403(Notification, notification_id, can_read)
    services.mark_read(current_user, notification)
    return redirect(safe_next_url(notification.link, "notifications.index"), 303)


@bp.post("/read-all")
@login_required
def read_all():
    if ConfirmForm().validate_on_submit():
        services.mark_all_read(current_user)
    return redirect(url_for("notifications.index"), 303)


def _current_choices(user) -> dict[str, Delivery]:
    return {name: services.delivery_for(user.id, name) for name in CATEGORIES}


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    form = preferences_form(_current_choices(current_user), request.form if request.method == "POST" else None)
    if form.validate_on_submit():
        for category in CATEGORIES.values():
            if category.mailable:
                services.set_delivery(current_user, category.name,
                                      Delivery(getattr(form, f"cat_{category.name}").data))
        flash(_("Your notification settings are saved."), "success")
        return redirect(url_for("notifications.settings"), 303)
    return form_page("notifications/settings.html", form=form)


def _unsubscribing(token: str) -> tuple[User, str]:
    try:
        payload = load_token(UNSUBSCRIBE_PURPOSE, token, UNSUBSCRIBE_MAX_AGE)
    except (TokenExpired, TokenInvalid):
        abort(404)
    user = db.session.get(User, payload.get("user")) if isinstance(payload, dict) else None
    category = payload.get("category") if isinstance(payload, dict) else None
    if user is None or category not in CATEGORIES:
        abort(404)
    return user, category


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the authority (and mail programs' one-click requests, RFC 8058, carry no form)
def unsubscribe(token: str):
    """From a mail, without logging in: GET asks, POST stops that category's mail."""
    user, category = _unsubscribing(token)
    with force_locale(user.language):  # the page speaks the mail's language, not the browser's
        if request.method == "POST":
            services.set_delivery(user, category, Delivery.OFF)
            return render_template("notifications/unsubscribed.html", category=CATEGORIES[category])
        return render_template("notifications/unsubscribe.html", category=CATEGORIES[category], user=user)
