"""Drawings and pictures attached to requests and offers.

PDF, PNG and JPEG are recognised by their content, like every other upload. CAD files are not: no content sniffer
knows DXF or STEP (plain text) or DWG, so those are accepted by their extension *and* a sanity check of the first
bytes — a DXF is text with a ``SECTION`` group, a STEP file is text starting ``ISO-10303-21``, a DWG starts with its
``AC10``/``AC1`` version tag — which turns away a renamed executable or picture, not a crafted look-alike (the files
are only ever downloaded as attachments, never shown inline)."""

from __future__ import annotations

from typing import Any, BinaryIO

import filetype
from flask_babel import lazy_gettext as _l

from app.core.audit import record_event
from app.core.errors import DomainError
from app.core.files import FileRule, clean_filename
from app.core.uow import delete_unless_committed
from app.extensions import db
from app.storage import generate_key, get_storage
from app.storage.base import ObjectTooLarge
from app.storage.sniffed import SNIFF_BYTES, _Rejoined

DRAWINGS = FileRule(
    "cooperation", {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "dxf": "image/vnd.dxf",
                    "dwg": "image/vnd.dwg", "step": "model/step", "stp": "model/step"}, 25 * 2**20,
    wrong_type=_l("Attach a drawing (DXF, DWG, STEP, PDF) or a picture (PNG, JPEG)."),
    too_large=_l("At most 25 MB per file."), default_name="drawing")


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:  # a multi-byte letter cut at the end of the head is fine
        if error.start < len(head) - 4:
            try:
                head.decode("cp1252")
            except UnicodeDecodeError:
                return False
    return True


def cad_extension(filename: str, head: bytes) -> str | None:
    """The CAD type of an upload named ``filename`` whose first bytes are ``head``, or None."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == "dxf" and _is_text(head) and b"SECTION" in head.upper():
        return "dxf"
    if extension in ("step", "stp") and _is_text(head) and head.lstrip().startswith(b"ISO-10303-21"):
        return extension
    if extension == "dwg" and head.startswith(b"AC1"):
        return "dwg"
    return None


def attach(row: Any, stream: BinaryIO, filename: str | None, *, actor: Any, about: Any) -> Any:
    """Store an attachment and add ``row`` (a RequestFile) pointing to it, audited; refusals store nothing."""
    head = stream.read(SNIFF_BYTES)
    name = clean_filename(filename or "")
    extension = cad_extension(name, head)
    if extension is None:
        guess = filetype.guess(head)
        extension = guess.extension if guess and guess.extension in ("pdf", "png", "jpg") else None
    if extension is None:
        raise DomainError(DRAWINGS.wrong_type, field="file")
    content_type = DRAWINGS.types[extension]
    try:
        stored = get_storage().save(generate_key(DRAWINGS.prefix), _Rejoined(head, stream), content_type,
                                    max_bytes=DRAWINGS.max_bytes)
    except ObjectTooLarge:
        raise DomainError(DRAWINGS.too_large, field="file") from None
    delete_unless_committed(stored.key)
    row.point_to(stored.key, stored.size, content_type, stored.sha256, name or f"drawing.{extension}", actor)
    db.session.add(row)
    db.session.flush()
    record_event("cooperation.file_attached", actor=actor, obj=about,
                 after={"file": row.storage_key, "id": row.id, "sha256": stored.sha256, "name": row.original_filename})
    return row
