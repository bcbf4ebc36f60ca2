"""Keep a small uploaded document whose type is decided by its content (never by its name or declared type)."""

from __future__ import annotations

from typing import BinaryIO

import filetype

from app.storage import generate_key, get_storage
from app.storage.base import StoredObject

SNIFF_BYTES = 8192


class UnexpectedType(Exception):
    """The content is none of the allowed types."""


class _Rejoined:
    """The bytes already read for the type check, followed by the rest of the upload."""

    def __init__(self, head: bytes, rest: BinaryIO):
        self.head, self.rest = head, rest

    def read(self, n: int = -1) -> bytes:
        if self.head:
            data, self.head = self.head, b""
            return data
        return self.rest.read(n)


def save_sniffed(stream: BinaryIO, prefix: str, allowed: dict[str, str], max_bytes: int) -> tuple[StoredObject, str]:
    """Store ``stream`` under a new key if its content is one of ``allowed`` (extension → content type); returns
    the stored object and the extension. Raises UnexpectedType, or ObjectTooLarge beyond ``max_bytes``."""
    head = stream.read(SNIFF_BYTES)
    guess = filetype.guess(head)
    if guess is None or guess.extension not in allowed:
        raise UnexpectedType(guess.extension if guess else None)
    stored = get_storage().save(generate_key(prefix), _Rejoined(head, stream), allowed[guess.extension],
                                max_bytes=max_bytes)
    return stored, guess.extension
