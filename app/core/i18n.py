"""Language and time-zone selection, and the translated labels of shared enums.

Language: the logged-in user's preference, then the language switcher's choice (kept in the session),
then the browser's Accept-Language, then the default. Time zone: the user's, else the one usual for the
chosen language (Warsaw for Polish, Vilnius for Lithuanian), else the configured default.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from flask import current_app, has_request_context, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.core.permissions import ROLE_LABELS  # noqa: F401  (re-exported for templates and forms)
from config import Config

#: The languages MCC speaks, in the order it offers them (the interface, content, forms, imports): the one copy.
LANGUAGES: tuple[str, ...] = tuple(Config.LANGUAGES)

LANGUAGE_NAMES = {"pl": "Polski", "lt": "Lietuvių", "en": "English"}

LANGUAGE_LABELS = {"pl": _l("Polish"), "lt": _l("Lithuanian"), "en": _l("English")}

#: The note beside a text shown in another language than the reader's (no translation yet).
IN_LANGUAGE = {"pl": _l("(in Polish)"), "lt": _l("(in Lithuanian)"), "en": _l("(in English)")}

#: "Missing in …" for the authors' notice of untranslated content.
MISSING_IN = {"pl": _l("Missing in Polish"), "lt": _l("Missing in Lithuanian"), "en": _l("Missing in English")}

COUNTRY_LABELS = {"PL": _l("Poland"), "LT": _l("Lithuania"), "OTHER": _l("Other country")}

GENDER_LABELS = {"female": _l("Female"), "male": _l("Male"), "other": _l("Other")}

#: Status words for pages that list records of several kinds (the audit trail, a trainee's record): the statuses
#: of courses, materials, enrolments, placements, logbook days, meetings, attendance and downloads, one word each;
#: the same word means the same in every domain.
STATUS_LABELS = {
    "draft": _l("draft"), "published": _l("published"), "archived": _l("archived"), "pending": _l("pending"),
    "processing": _l("processing"), "ready": _l("ready"), "refused": _l("refused"), "queued": _l("queued"),
    "working": _l("being prepared"), "failed": _l("failed"), "requested": _l("requested"),
    "waitlisted": _l("on the waiting list"), "enrolled": _l("enrolled"), "rejected": _l("rejected"),
    "withdrawn": _l("withdrawn"), "open": _l("open"), "closed": _l("closed"), "placed": _l("placed"),
    "replaced": _l("replaced"), "proposed": _l("proposed"), "agreed": _l("agreed"), "in_progress": _l("in progress"),
    "completed": _l("completed"), "cancelled": _l("cancelled"), "submitted": _l("submitted"),
    "confirmed": _l("confirmed"), "returned": _l("returned"), "scheduled": _l("scheduled"), "present": _l("present"),
    "late": _l("late"), "excused": _l("excused"), "absent": _l("absent"),
}

ZONE_FOR_LANGUAGE = {"pl": "Europe/Warsaw", "lt": "Europe/Vilnius"}

#: Offered first in time-zone pickers; every IANA zone is accepted.
COMMON_TIMEZONES = ("Europe/Warsaw", "Europe/Vilnius", "Europe/Berlin", "Europe/London", "UTC")


def is_valid_timezone(name: str) -> bool:
    return name in _all_timezones()


def _all_timezones() -> frozenset[str]:
    global _TIMEZONES
    if _TIMEZONES is None:
        _TIMEZONES = frozenset(available_timezones())
    return _TIMEZONES


_TIMEZONES: frozenset[str] | None = None


#: The regions of the canonical "Area/City" zones offered in pickers (aliases such as "Poland", "US/Eastern" or
#: "Etc/GMT+5" are still accepted, just not listed).
_AREAS = ("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")


def timezone_choices() -> list[tuple[str, str]]:
    """Time zones as people know them, in their language and with today's offset: "Polska – Warszawa
    (UTC+01:00)"; the common ones first, then every other region's by name."""
    from flask_babel import get_locale

    return _timezone_choices(str(get_locale() or "en"), datetime.now(ZoneInfo("UTC")).date())


@lru_cache(maxsize=12)
def _timezone_choices(locale: str, day: date) -> list[tuple[str, str]]:
    from babel.core import Locale, get_global
    from babel.dates import get_timezone_location

    territories, names = get_global("zone_territories"), Locale.parse(locale).territories
    noon = datetime.combine(day, time(12), ZoneInfo("UTC"))

    def label(zone: str) -> str:
        if zone == "UTC":
            return "UTC"
        city = get_timezone_location(zone, locale=locale, return_city=True)
        code = territories.get(zone, "001")  # 001: the world (Antarctic stations)
        territory = names.get(code) if code != "001" else None
        where = city if not territory or territory == city else f"{territory} – {city}"
        offset = noon.astimezone(ZoneInfo(zone)).strftime("%z")
        return f"{where} (UTC{offset[:3]}:{offset[3:]})"

    rest = sorted(((z, label(z)) for z in _all_timezones() if z.split("/")[0] in _AREAS and z not in COMMON_TIMEZONES),
                  key=lambda choice: choice[1].casefold())
    return [(zone, label(zone)) for zone in COMMON_TIMEZONES] + rest


def select_locale() -> str:
    if not has_request_context():  # CLI commands and background work speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.language in LANGUAGES:
        return current_user.language
    chosen = session.get("language")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    if not has_request_context():
        return current_app.config["DEFAULT_TIMEZONE"]
    if current_user and current_user.is_authenticated and is_valid_timezone(current_user.timezone):
        return current_user.timezone
    chosen = session.get("timezone")
    if chosen and is_valid_timezone(chosen):
        return chosen
    return ZONE_FOR_LANGUAGE.get(select_locale(), current_app.config["DEFAULT_TIMEZONE"])


def zone_of(user) -> str:
    """The zone a person reads times in when no request says it (work done for them by a worker): their own, else
    the one usual for their language, else the default — as ``select_timezone`` chooses for their requests."""
    zone = getattr(user, "timezone", None)
    if zone and is_valid_timezone(zone):
        return zone
    return ZONE_FOR_LANGUAGE.get(getattr(user, "language", None), current_app.config["DEFAULT_TIMEZONE"])


@contextmanager
def force_timezone(zone: str) -> Iterator[None]:
    """Flask-Babel's zone (``format_date``, ``to_user_timezone``...) is ``zone`` inside the block: the pendant of
    its ``force_locale`` for a worker building a file for someone (the asker's clock, not the server's)."""
    from flask_babel import _get_current_context
    from pytz import timezone

    context = _get_current_context()
    if context is None:
        yield
        return
    before = getattr(context, "babel_tzinfo", None)
    context.babel_tzinfo = timezone(zone)  # Flask-Babel caches the selected zone here, as a pytz zone
    try:
        yield
    finally:
        context.babel_tzinfo = before


def format_in_zone(value: datetime | None, zone: str, format: str = "medium") -> str:
    """A datetime on the wall clock of ``zone`` (e.g. a meeting's venue), in the viewer's language."""
    if value is None:
        return ""
    from babel.dates import format_datetime as babel_format_datetime
    from flask_babel import get_locale

    return babel_format_datetime(value, format, tzinfo=ZoneInfo(zone), locale=get_locale() or "en")


def in_each_language(render: Callable[[str], str]) -> dict[str, str]:
    """``render(language)`` for every language, each under its own locale: a text stored with a row and shown
    later in the reader's language (a notification's reasons or dates, like a course title)."""
    from flask_babel import force_locale

    texts = {}
    for language in LANGUAGES:
        with force_locale(language):
            texts[language] = str(render(language))
    return texts


def format_share(value: float | None, digits: int = 0, locale: str | None = None) -> str:
    """A share (0.057) as the language writes a percentage: "6%" / "5,7%" in Polish, "5,7 %" in Lithuanian,
    with up to ``digits`` decimals (none shown when they are zero: "100%", not "100.0%")."""
    if value is None:
        return ""
    from flask_babel import get_locale

    return _share(round(value, digits + 2), digits, locale or str(get_locale() or "en"))


@lru_cache(maxsize=4096)
def _share(value: float, digits: int, locale: str) -> str:
    # Kept: a page shows the same few shares again and again (a progress page a dozen), and Babel parses the
    # language's pattern on every call.
    from babel.numbers import format_percent

    return format_percent(value, locale=locale, decimal_quantization=digits == 0)


def format_number(value: float | None, digits: int = 1, locale: str | None = None) -> str:
    """A measured figure in the language's digits, at most ``digits`` decimals and none when whole ("44", "16,5")."""
    if value is None:
        return ""
    from babel.numbers import format_decimal
    from flask_babel import get_locale

    return format_decimal(round(float(value), digits), locale=locale or str(get_locale() or "en"))


def format_long_moment(value: datetime, zone: str, locale: str | None = None, end: datetime | None = None) -> str:
    """A moment (or a span up to ``end``) on the wall clock of ``zone``, with the month written out as the language
    writes it ("20 listopada 2026, 09:00", "2026 m. lapkričio 20 d. 09:00"); a span within one day names the day
    once ("20 listopada 2026, 09:00–15:00"). For letters, mails and documents, where "20.11.2026" is too curt."""
    from babel import Locale
    from babel.dates import format_date, format_time
    from flask_babel import get_locale

    language = Locale.parse(locale or str(get_locale() or "en"))
    joined = language.datetime_formats["medium"]
    start = value.astimezone(ZoneInfo(zone))

    def moment(at: datetime, time_text: str) -> str:
        return joined.format(time_text, format_date(at.date(), "long", locale=language))

    def clock(at: datetime) -> str:
        return format_time(at.timetz(), "short", locale=language)

    if end is None:
        return moment(start, clock(start))
    finish = end.astimezone(ZoneInfo(zone))
    if finish.date() == start.date():
        return moment(start, f"{clock(start)}–{clock(finish)}")
    return f"{moment(start, clock(start))} – {moment(finish, clock(finish))}"
