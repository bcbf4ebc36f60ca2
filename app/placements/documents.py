"""Placement documents: the agreement, insurance, evaluation and others, kept in object storage."""

from __future__ import annotations

from typing import BinaryIO

from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.core.errors import DomainError
from app.core.files import FileRule, store_upload
from app.placements.models import DocumentKind, Placement, PlacementDocument
from app.placements.policies import can_add_document

DOCUMENTS = FileRule(
    "placements",
    {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png",
     "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    25 * 2**20, wrong_type=_l("Upload a PDF, JPG, PNG or DOCX file."),
    too_large=_l("The file is too large (at most 25 MB)."), default_name="document")


def store_document(actor: User, placement: Placement, kind: DocumentKind | str, filename: str | None,
                   stream: BinaryIO) -> PlacementDocument:
    """Keep a placement document (PDF, JPG, PNG or DOCX by content) in storage, then its row."""
    if not can_add_document(actor, placement):
        raise DomainError(_l("You cannot add documents to this placement."))
    kind = DocumentKind(kind)
    return store_upload(PlacementDocument(placement_id=placement.id, kind=kind), stream, filename, DOCUMENTS,
                        actor=actor, action="placements.document_added", about=placement, details={"kind": kind})
