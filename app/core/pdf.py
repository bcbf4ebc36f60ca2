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
