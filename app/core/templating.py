"""Jinja filters and globals shared by every template."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, has_request_context, request
from flask_babel import (
    format_date,
    format_datetime,
    format_decimal,
    format_percent,
    format_time,
    get_locale,
    get_timezone,
    get_translations,
    to_user_timezone,
)

from app.core import i18n
from app.core.navigation import visible_nav_items
from app.core.translated import pick, pick_marked, picked_language, viewer_language
from app.core.urls import fixed_url


def current_translations():
    """Flask-Babel's ``get_translations()``, remembered for the current locale on Flask-Babel's own per-request
    namespace: a page calls gettext dozens of times and each call otherwise walks Flask-Babel's context, domain and
    locale lookups again. ``force_locale`` (a mail in its reader's language) and ``refresh`` change the locale
    object there, so the remembered catalogue is used only while the locale is the same one."""
    from flask import g

    context = g.get("_flask_babel")
    locale = getattr(context, "babel_locale", None)
    remembered = getattr(context, "mcc_translations", None)
    if locale is not None and remembered is not None and remembered[0] is locale:
        return remembered[1]
    translations = get_translations()
    context = g.get("_flask_babel")
    if context is not None:
        context.mcc_translations = (getattr(context, "babel_locale", None), translations)
    return translations


def init_templating(app: Flask) -> None:
    # Templates translate through the remembered catalogue (same callables Flask-Babel installs, faster lookup).
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: current_translations().ugettext(s),
        ngettext=lambda s, p, n: current_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: current_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: current_translations().unpgettext(c, s, p, n),
    )
    # ``_`` is Jinja's alias that looks ``gettext`` up and calls it on every use (dozens per page): bound to the
    # same callable directly instead.
    app.jinja_env.globals["_"] = app.jinja_env.globals["gettext"]
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.add_extension("jinja2.ext.loopcontrols")
    app.jinja_env.filters["datetime"] = _format_datetime
    app.jinja_env.filters["date"] = _format_date
    app.jinja_env.filters["decimal"] = lambda value, fmt=None: format_decimal(value, fmt) if value is not None else ""
    app.jinja_env.filters["percent"] = _format_percent
    app.jinja_env.filters["number"] = i18n.format_number
    app.jinja_env.filters["filesize"] = format_file_size
    app.jinja_env.filters["unit_symbol"] = unit_symbol
    app.jinja_env.filters["tr"] = pick
    app.jinja_env.filters["tr_marked"] = pick_marked
    app.jinja_env.filters["tr_lang"] = picked_language
    app.jinja_env.filters["in_zone"] = i18n.format_in_zone
    app.jinja_env.globals.update(
        LANGUAGES=i18n.LANGUAGES,
        LANGUAGE_NAMES=i18n.LANGUAGE_NAMES,
        LANGUAGE_LABELS=i18n.LANGUAGE_LABELS,
        IN_LANGUAGE=i18n.IN_LANGUAGE,
        MISSING_IN=i18n.MISSING_IN,
        viewer_language=viewer_language,
        fixed_url=fixed_url,
        ROLE_LABELS=i18n.ROLE_LABELS,
        COUNTRY_LABELS=i18n.COUNTRY_LABELS,
        GENDER_LABELS=i18n.GENDER_LABELS,
        STATUS_LABELS=i18n.STATUS_LABELS,
    )

    @app.context_processor
    def layout_context():
        if not has_request_context():  # a mail rendered by a worker has no page around it
            return {}
        return {
            "nav_items": visible_nav_items(),
            "language_next": request.full_path.rstrip("?"),
            "current_language": str(get_locale() or "en"),
            "current_timezone": str(get_timezone() or "UTC"),
        }


def _format_percent(value: float | None, fmt: str | None = None, digits: int = 0) -> str:
    """``0.875|percent`` → "88%"; ``0.875|percent(digits=1)`` → "87,5%" (in the viewer's language)."""
    if value is None:
        return ""
    return format_percent(value, fmt) if fmt else i18n.format_share(value, digits)


def _format_datetime(value: datetime | None, fmt: str = "medium") -> str:
    """A moment on the viewer's clock. "medium" is the medium date with the time to the minute ("4 gru 2026,
    08:00", not CLDR's "08:00:00": nobody meets at a second), joined as the language joins them."""
    if not value:
        return ""
    if fmt != "medium":
        return format_datetime(value, fmt)
    from babel import Locale

    joined = Locale.parse(str(get_locale() or "en")).datetime_formats["medium"]
    return joined.format(format_time(value, "short"), _format_date(value, "medium"))


def _format_date(value: date | datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        # A datetime is shown as the date on the viewer's wall clock, not UTC's.
        value = to_user_timezone(value).date()
    return format_date(value, fmt)


def format_file_size(size: int | None) -> str:
    """A file's size for people, in their language: "47 kB", "1,5 MB", "2 GB" (binary multiples, one decimal)."""
    if size is None:
        return ""
    from babel.units import format_unit
    from flask_babel import get_locale

    locale = str(get_locale() or "en")
    if size < 1024:
        return f"{format_decimal(size)}\xa0B"  # the symbol in every language (CLDR's English says "byte")
    unit, scale = next((u, s) for u, s in (("digital-gigabyte", 1024**3), ("digital-megabyte", 1024**2),
                                             ("digital-kilobyte", 1024)) if size >= s)
    return format_unit(size / scale, unit, length="short", format="#,##0.#", locale=locale)


#: Exponents as typed on a keyboard, and as printed.
_EXPONENTS = {"^-1": "⁻¹", "^-2": "⁻²", "^-3": "⁻³", "^2": "²", "^3": "³"}


def unit_symbol(unit: str | None) -> str:
    """A unit as printed ("min⁻¹", "mm²"), however it was typed ("min^-1", "mm^2")."""
    text = unit or ""
    for typed, printed in _EXPONENTS.items():
        text = text.replace(typed, printed)
    return text
