"""The offer catalogue: PDF and XLSX of the directory (to be written)."""

from __future__ import annotations

from app.network import bp  # noqa: F401  (views are added here)
