"""Text compared the way people type it: case and diacritics ignored (Polish ł and the other letters Unicode does
not decompose included), so "Łomża", "LOMZA" and "lomza" are one word."""

from __future__ import annotations

import unicodedata

#: Letters NFKD leaves whole: folded by hand.
_UNDECOMPOSED = str.maketrans({"ł": "l", "đ": "d", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i"})


def fold(text: str | None) -> str:
    """Lower-case without diacritics: "Gręžimas Łomża" → "grezimas lomza"."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold().translate(_UNDECOMPOSED))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
