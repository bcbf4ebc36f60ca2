"""Who may see a generated file."""

from __future__ import annotations

from typing import Any

from app.downloads.models import GeneratedFile


def can_download(user: Any, row: GeneratedFile) -> bool:
    """Only the person who asked for the file: it holds what their permissions selected when they asked (admins
    ask for their own)."""
    return bool(getattr(user, "is_authenticated", False)) and row.uploaded_by_id == user.id
