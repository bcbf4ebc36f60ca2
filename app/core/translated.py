"""Content translated by editors (course titles, lesson texts): a JSON object keyed by language code.

UI strings go through gettext; *content* is stored as ``{"pl": "...", "lt": "...", "en": "..."}`` on the row and
shown in the viewer's language, falling back to the content's source language, then to any language present.
"""

from __future__ import annotations

from flask_babel import get_locale

from app.core.i18n import LANGUAGES

LanguageMap = dict[str, str]


def pick(texts: LanguageMap | None, fallback: str | None = None, language: str | None = None) -> str:
    """The text in ``language`` (default: the viewer's), else in ``fallback``, else the first non-empty one."""
    if not texts:
        return ""
    wanted = language or str(get_locale() or "en")
    for code in (wanted, fallback, "en", *LANGUAGES):  # English first: the one most readers share
        if code and texts.get(code):
            return texts[code]
    return next((value for value in texts.values() if value), "")
