"""The kinds of notification: each names its category and its texts (translated when read, not when written).

Texts are ``lazy_gettext`` messages filled with the notification's params; params that are datetimes (ISO text,
UTC) are shown in the reader's time zone, params that are per-language dicts (course titles) in the reader's
language. Domains register their kinds at import (``register``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l

from app.core.i18n import format_long_moment


@dataclass(frozen=True)
class Category:
    name: str
    label: object  # a lazy translation
    default: str  # a Delivery value
    #: Some categories are never mailed (a check-in confirmation is seen on the spot).
    mailable: bool = True


@dataclass(frozen=True)
class Kind:
    name: str
    category: str
    title: object
    body: object = None
    #: Functions building attachments at mail time from the notification (the meeting's .ics): each returns a
    #: dict with filename, content_type and text, or None.
    attachments: tuple = field(default_factory=tuple)


CATEGORIES: dict[str, Category] = {}
KINDS: dict[str, Kind] = {}


def category(name: str, label: object, default: str, mailable: bool = True) -> None:
    CATEGORIES[name] = Category(name, label, default, mailable)


def register(name: str, category: str, title: object, body: object = None, attachments: tuple = ()) -> None:
    KINDS[name] = Kind(name, category, title, body, attachments)


def fill(params: dict, language: str, zone: str) -> dict:
    """The params as the reader sees them: their language's title, times on their clock (without seconds)."""
    from app.core.translated import pick

    shown = {}
    for key, value in params.items():
        if isinstance(value, dict):
            shown[key] = pick(value, language=language)
        elif isinstance(value, str) and key.endswith("_at"):
            try:
                shown[key] = format_long_moment(datetime.fromisoformat(value), zone, language)
            except (ValueError, KeyError):
                shown[key] = value
        else:
            shown[key] = value
    return shown


def texts(kind_name: str, params: dict, language: str, zone: str) -> tuple[str, str]:
    """(title, body) of a notification for a reader of ``language`` in ``zone`` (call inside ``force_locale``)."""
    kind = KINDS.get(kind_name)
    if kind is None:
        return kind_name, ""
    shown = fill(params, language, zone)
    title = str(kind.title) % shown if shown else str(kind.title)
    body = (str(kind.body) % shown if shown else str(kind.body)) if kind.body is not None else ""
    return title, body


# Categories every installation has; the domains' kinds are registered in their ``notices`` modules.
category("enrolment", _l("Enrolments"), "immediately")
category("meetings", _l("Meetings"), "immediately")
category("checkin", _l("Check-in"), "off", mailable=False)
category("logbook", _l("Internship logbook"), "daily")
category("placements", _l("Internships"), "immediately")
category("certificates", _l("Certificates"), "immediately")
category("progress", _l("Progress and reminders"), "immediately")
category("uploads", _l("Uploads"), "immediately")
category("exports", _l("Downloads ready"), "off")
