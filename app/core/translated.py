"""Content translated by editors (course titles, lesson texts): a JSON object keyed by language code.

UI strings go through gettext; *content* is stored as ``{"pl": "...", "lt": "...", "en": "..."}`` on the row and
shown in the viewer's language, falling back to the content's source language, then to any language present.
A fallback is marked with its language (``lang="pl"``) so that screen readers pronounce it right.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import get_locale
from markupsafe import Markup, escape

from app.core.i18n import LANGUAGES

LanguageMap = dict[str, str]


def viewer_language() -> str:
    return str(get_locale() or "en")


def pick_with_language(texts: LanguageMap | None, fallback: str | None = None,
                       language: str | None = None) -> tuple[str, str | None]:
    """(text, the language it is in): in ``language`` (default: the viewer's), else in ``fallback``, else the
    first non-empty one; ("", None) when there is no text at all."""
    if not texts:
        return "", None
    wanted = language or viewer_language()
    for code in (wanted, fallback, "en", *LANGUAGES):  # English first: the one most readers share
        if code and texts.get(code):
            return texts[code], code
    return next(((value, code) for code, value in texts.items() if value), ("", None))


def pick(texts: LanguageMap | None, fallback: str | None = None, language: str | None = None) -> str:
    """The text in ``language`` (default: the viewer's), else in ``fallback``, else the first non-empty one."""
    return pick_with_language(texts, fallback, language)[0]


def picked_language(texts: LanguageMap | None, fallback: str | None = None) -> str | None:
    """The language the viewer is shown ``texts`` in (``|tr_lang``), None when there is no text."""
    return pick_with_language(texts, fallback)[1]


def pick_marked(texts: LanguageMap | None, fallback: str | None = None) -> Markup:
    """``|tr_marked``: the escaped text for the viewer; a fallback in another language wrapped in
    ``<span lang="…">`` (for page text, not for a <title> or an attribute: there use ``|tr``)."""
    text, code = pick_with_language(texts, fallback)
    if code is None or code == viewer_language():
        return escape(text)
    return Markup('<span lang="{}">{}</span>').format(code, text)


def clean_texts(texts: dict[str, str | None] | None) -> LanguageMap:
    """What a form gave, kept for the content languages only, trimmed, without the empty ones."""
    return {code: text.strip() for code, text in (texts or {}).items()
            if code in LANGUAGES and isinstance(text, str) and text.strip()}


def missing_languages(texts: LanguageMap | None) -> list[str]:
    """The content languages ``texts`` has no (non-blank) text in, in the order MCC offers them."""
    return [code for code in LANGUAGES if not ((texts or {}).get(code) or "").strip()]


#: For each content language, the (kind, name) of what is missing in it; kinds are named by each domain.
Gaps = dict[str, list[tuple[str, str]]]


def translation_gaps(items: Iterable[tuple[str, str, LanguageMap | None]]) -> Gaps:
    """For each language, the (kind, name) of the ``(kind, name, texts)`` items that are written in some language
    but not in that one (a text written in no language, such as an empty description, is no translation gap)."""
    gaps: Gaps = {code: [] for code in LANGUAGES}
    for kind, name, texts in items:
        missing = missing_languages(texts)
        if len(missing) < len(LANGUAGES):
            for code in missing:
                gaps[code].append((kind, name))
    return {code: found for code, found in gaps.items() if found}
