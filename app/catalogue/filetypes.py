"""What a file really is, decided from its first bytes (magic numbers), not from its name.

Binary formats are recognised by the ``filetype`` library; the text formats of the trade (G-code, DXF, STEP,
IGES) by their well-known openings. The extension must agree with what the content says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import filetype

from app.catalogue.models import MaterialKind

#: How many leading bytes the checks need.
SNIFF_BYTES = 8192


@dataclass(frozen=True)
class Detected:
    kind: MaterialKind
    content_type: str
    #: Media and PDFs may open in the browser; everything else is sent as a download.
    inline: bool


# extension -> (kind, content type); binary ones must also match filetype's verdict below.
BINARY = {
    "mp4": (MaterialKind.VIDEO, "video/mp4"), "m4v": (MaterialKind.VIDEO, "video/mp4"),
    "webm": (MaterialKind.VIDEO, "video/webm"), "mov": (MaterialKind.VIDEO, "video/quicktime"),
    "mp3": (MaterialKind.AUDIO, "audio/mpeg"), "m4a": (MaterialKind.AUDIO, "audio/mp4"),
    "ogg": (MaterialKind.AUDIO, "audio/ogg"), "wav": (MaterialKind.AUDIO, "audio/x-wav"),
    "pdf": (MaterialKind.DOCUMENT, "application/pdf"),
    "docx": (MaterialKind.DOCUMENT, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": (MaterialKind.DOCUMENT, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": (MaterialKind.DOCUMENT, "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "odt": (MaterialKind.DOCUMENT, "application/vnd.oasis.opendocument.text"),
    "jpg": (MaterialKind.IMAGE, "image/jpeg"), "jpeg": (MaterialKind.IMAGE, "image/jpeg"),
    "png": (MaterialKind.IMAGE, "image/png"), "gif": (MaterialKind.IMAGE, "image/gif"),
    "webp": (MaterialKind.IMAGE, "image/webp"),
    "dwg": (MaterialKind.DRAWING, "image/vnd.dwg"),
}
# What filetype reports for each accepted extension (several containers share a signature).
FILETYPE_ALIASES = {
    "mp4": {"mp4", "m4v", "mov"}, "m4v": {"mp4", "m4v", "mov"}, "mov": {"mov", "mp4"}, "webm": {"webm", "mkv"},
    "mp3": {"mp3"}, "m4a": {"m4a", "mp4"}, "ogg": {"ogg", "opus"}, "wav": {"wav"}, "pdf": {"pdf"},
    "docx": {"docx", "zip"}, "xlsx": {"xlsx", "zip"}, "pptx": {"pptx", "zip"}, "odt": {"odt", "zip"},
    "jpg": {"jpg"}, "jpeg": {"jpg"}, "png": {"png"}, "gif": {"gif"}, "webp": {"webp"}, "dwg": {"dwg"},
}
TEXT = {
    "nc": MaterialKind.CNC_PROGRAM, "ngc": MaterialKind.CNC_PROGRAM, "gcode": MaterialKind.CNC_PROGRAM,
    "tap": MaterialKind.CNC_PROGRAM, "cnc": MaterialKind.CNC_PROGRAM,
    "dxf": MaterialKind.DRAWING, "step": MaterialKind.DRAWING, "stp": MaterialKind.DRAWING,
    "iges": MaterialKind.DRAWING, "igs": MaterialKind.DRAWING,
    "txt": MaterialKind.DOCUMENT, "csv": MaterialKind.DOCUMENT, "md": MaterialKind.DOCUMENT,
}
TEXT_CONTENT_TYPES = {"dxf": "image/vnd.dxf", "step": "model/step", "stp": "model/step", "iges": "model/iges",
                      "igs": "model/iges", "csv": "text/csv", "md": "text/markdown"}

_GCODE = re.compile(r"(?m)^\s*(%|O\d+|N\d+|\(|;|[GM]\d{1,3}\b)")
_GCODE_WORD = re.compile(r"\b[GM]\d{1,3}\b")

ALLOWED_EXTENSIONS = frozenset(BINARY) | frozenset(TEXT)


def extension_of(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def _as_text(head: bytes) -> str | None:
    if b"\x00" in head:
        return None
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start >= len(head) - 4:  # a multi-byte character cut at the end of the sample
            return head[: error.start].decode("utf-8", "ignore")
        try:
            return head.decode("cp1250")  # older Polish/Lithuanian text files
        except UnicodeDecodeError:
            return None


def _text_matches(extension: str, text: str) -> bool:
    stripped = text.lstrip("\ufeff \t\r\n")
    if TEXT[extension] == MaterialKind.CNC_PROGRAM:
        return bool(_GCODE.search(text)) and len(_GCODE_WORD.findall(text)) >= 2
    if extension == "dxf":
        return bool(re.match(r"0\s*\r?\n\s*SECTION", stripped)) or bool(re.match(r"999\s*\r?\n", stripped))
    if extension in ("step", "stp"):
        return stripped.startswith("ISO-10303-21;")
    if extension in ("iges", "igs"):
        lines = text.splitlines()
        return bool(lines) and len(lines[0]) >= 73 and lines[0][72] == "S"
    return True  # plain text documents


def detect(head: bytes, filename: str) -> Detected | None:
    """The kind and content type of a file from its first bytes and its name; None when not allowed."""
    extension = extension_of(filename)
    if extension in BINARY:
        guess = filetype.guess(head)
        if guess is None or guess.extension not in FILETYPE_ALIASES[extension]:
            return None
        kind, content_type = BINARY[extension]
        return Detected(kind, content_type, inline=kind in {MaterialKind.VIDEO, MaterialKind.AUDIO,
                                                             MaterialKind.IMAGE} or extension == "pdf")
    if extension in TEXT:
        if filetype.guess(head) is not None:  # binary content dressed up as text
            return None
        text = _as_text(head)
        if text is None or not _text_matches(extension, text):
            return None
        return Detected(TEXT[extension], TEXT_CONTENT_TYPES.get(extension, "text/plain; charset=utf-8"),
                        inline=False)
    return None
