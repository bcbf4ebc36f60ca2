"""Captions of a video, one file per language, kept as WebVTT (what the ``<track>`` element plays).

A trainer uploads WebVTT or SRT; webvtt-py parses it (an SRT is converted), and what is stored is the parser's own
WebVTT output, so a file that reaches a trainee's player has been read cue by cue. Anything else is refused with a
message saying which formats are accepted.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import webvtt
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from webvtt.errors import MalformedCaptionError, MalformedFileError

from app.accounts.models import User
from app.catalogue.models import Caption, Material, MaterialKind
from app.core.audit import record_event
from app.core.errors import DomainError
from app.core.files import clean_filename
from app.core.i18n import LANGUAGES
from app.core.uow import delete_after_commit, delete_unless_committed
from app.extensions import db
from app.storage import generate_key, get_storage

#: A caption file is text: a feature film's subtitles are about 100 kB.
MAX_CAPTION_BYTES = 2 * 2**20
CAPTION_EXTENSIONS = ("vtt", "srt")
WRONG_FORMAT = _l("This is not a caption file we can read. Upload WebVTT (.vtt) or SubRip (.srt) subtitles.")


@dataclass(frozen=True)
class ParsedCaptions:
    vtt: str  # the WebVTT text to store
    cue_count: int
    last_cue_end: float  # seconds: a file running past the video's end is still accepted (players ignore the rest)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1257", "cp1250"):  # UTF-8 first; then the Baltic and Central European legacy
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError(WRONG_FORMAT, field="file")


def parse_captions(data: bytes, filename: str) -> ParsedCaptions:
    """The captions in ``data`` as WebVTT; DomainError (translated) for anything that is not WebVTT or SRT with at
    least one cue, or is too large."""
    if len(data) > MAX_CAPTION_BYTES:
        raise DomainError(_l("A caption file may have at most %(mb)s MB.", mb=MAX_CAPTION_BYTES // 2**20),
                          field="file")
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    text = _decode(data).replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        raise DomainError(WRONG_FORMAT, field="file")
    # The content decides: a WebVTT file starts with "WEBVTT"; anything else must parse as SRT.
    kind = "vtt" if text.lstrip("\ufeff").startswith("WEBVTT") else "srt"
    if extension not in CAPTION_EXTENSIONS:
        raise DomainError(WRONG_FORMAT, field="file")
    try:
        parsed = webvtt.WebVTT.from_buffer(io.StringIO(text), format=kind)
    except (MalformedFileError, MalformedCaptionError, ValueError, IndexError):
        raise DomainError(WRONG_FORMAT, field="file") from None
    cues = [cue for cue in parsed.captions if cue.text.strip()]
    if not cues or any(cue.end_in_seconds < cue.start_in_seconds for cue in cues):
        raise DomainError(WRONG_FORMAT, field="file")
    return ParsedCaptions(parsed.content, len(cues), max(cue.end_in_seconds for cue in cues))


def store_captions(actor: User | None, material: Material, language: str, data: bytes, filename: str) -> Caption:
    """Parse and store captions of ``material`` in ``language``, replacing the ones it had in that language (the
    old object is deleted once this is committed; the audit entry keeps who replaced what)."""
    if material.kind != MaterialKind.VIDEO:
        raise DomainError(_l("Only videos have captions."))
    if language not in LANGUAGES:
        raise DomainError(_l("Choose the language of the captions."), field="language")
    parsed = parse_captions(data, filename)
    storage = get_storage()
    encoded = parsed.vtt.encode("utf-8")
    stored = storage.save(generate_key("captions") + ".vtt", io.BytesIO(encoded), "text/vtt")
    delete_unless_committed(stored.key, storage)
    caption = next((c for c in material.captions if c.language == language), None)
    before = None
    if caption is not None:
        before = {"file": caption.original_filename, "cues": caption.cue_count, "sha256": caption.sha256}
        delete_after_commit(caption.storage_key, storage)
    else:
        caption = Caption(language=language)
        material.captions.append(caption)
    caption.cue_count = parsed.cue_count
    caption.point_to(stored.key, stored.size, "text/vtt; charset=utf-8", stored.sha256,
                     clean_filename(filename) or f"captions.{language}.vtt", actor)
    db.session.flush()
    record_event("catalogue.captions_stored", actor=actor, obj=material, before=before,
                 after={"language": language, "file": caption.original_filename, "cues": parsed.cue_count,
                        "sha256": stored.sha256})
    return caption


def remove_captions(actor: User, caption: Caption) -> None:
    """Delete captions; the object goes once this is committed, the audit entry says what it was."""
    material = caption.material
    record_event("catalogue.captions_removed", actor=actor, obj=material,
                 before={"language": caption.language, "file": caption.original_filename, "cues": caption.cue_count,
                         "sha256": caption.sha256})
    delete_after_commit(caption.storage_key, get_storage())
    material.captions.remove(caption)
    db.session.flush()


def caption_references():
    """For ``flask storage check``: every caption file a row points to."""
    for caption_id, key in db.session.execute(select(Caption.id, Caption.storage_key)):
        yield key, f"captions #{caption_id}"
