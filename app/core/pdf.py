"""What every PDF the app makes shares: fonts with all Polish and Lithuanian letters."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONTS = Path(__file__).resolve().parent.parent / "static" / "fonts"


@lru_cache(maxsize=1)
def register_fonts() -> tuple[str, str]:
    """DejaVu Sans has every Polish and Lithuanian letter (ą ę ł ž ė ų š ...); the PDF base fonts do not."""
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(FONTS / "DejaVuSans-Bold.ttf")))
    return "DejaVuSans", "DejaVuSans-Bold"


#: Space a table cell keeps inside its border on each side (reportlab's default is 6 pt).
CELL_PADDING = 3


def fit_widths(rows: list[list[str]], fonts: list[str], size: float, available: float) -> list[float]:
    """Column widths for a table of ``rows`` (the header first, in ``fonts[0]``, the rest in ``fonts[1]``) that
    never split a word or a date when the page allows it: each column gets at least its longest word, and what is
    left goes to the columns whose texts would otherwise wrap, in proportion to what they lack."""
    def width(text: str, font: str) -> float:
        return pdfmetrics.stringWidth(text, font, size) + 2 * CELL_PADDING

    least = [0.0] * len(rows[0])
    wanted = [0.0] * len(rows[0])
    for index, row in enumerate(rows):
        font = fonts[0] if index == 0 else fonts[1]
        for column, text in enumerate(row):
            least[column] = max([least[column], *(width(word, font) for word in text.split())])
            wanted[column] = max(wanted[column], width(text, font))
    spare = available - sum(least)
    if spare <= 0:  # even the longest words do not fit side by side: share the page in their proportion
        return [available * w / sum(least) for w in least]
    lacking = [w - m for w, m in zip(wanted, least, strict=True)]
    if sum(lacking) <= spare:
        return wanted
    return [m + lack * spare / sum(lacking) for m, lack in zip(least, lacking, strict=True)]
