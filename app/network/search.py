"""Directory search (placeholder until the full-text search lands): ``refresh_document`` keeps each member's
``search_document`` up to date; callers run it after they change what an entry says."""

from __future__ import annotations

from app.network.models import Company


def refresh_document(company: Company) -> None:
    """Rewrite the member's search document from its current (public) entry."""
    company.search_document = " ".join([company.name, company.city, *(company.description or {}).values()]).casefold()
