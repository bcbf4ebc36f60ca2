"""Encryption of a whole archive as a stream: AES-256-GCM in segments, the STREAM construction (Hoang,
Reyhanitabar, Rogaway and Vizár, "Online authenticated-encryption and its nonce-reuse misuse-resistance") as
Tink's AES-GCM-HKDF streaming and age use it.

Layout: ``header ‖ segment 0 ‖ … ‖ segment n-1``.

- header (``HEADER_SIZE`` bytes): ``MAGIC``, format version, how the master key is made (0: the 32-byte key
  itself, 1: scrypt of a passphrase with log2 N, r, p and a 16-byte salt), the plaintext segment size (4 bytes,
  big endian), a 32-byte file salt, a 7-byte nonce prefix and a 16-byte key check.
- segment i: AES-256-GCM under the file key, nonce ``prefix ‖ i (4 bytes) ‖ last (1 byte: 1 on the final
  segment)``, the header as associated data; every segment but the last carries exactly ``segment size`` bytes.
- file key = HKDF-SHA256(master key, salt = file salt): a fresh key per archive, so nonces never repeat under one
  key. key check = HKDF(master key, file salt, another label): a wrong key is told apart from damage.

So a changed byte, a changed header, segments swapped, dropped or repeated, or a file cut short (at any point) or
extended all fail authentication. The reader is seekable (``zipfile`` needs that): segment i sits at a fixed
offset, and the last segment is the one the file's length makes last. The plaintext never touches the disk.
"""

from __future__ import annotations

import hmac
import os
import struct
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from app.backup.common import ArchiveDamaged, BackupError
from app.backup.keys import BackupKeys, hkdf

MAGIC = b"MCCBKENC"
VERSION = 1
KDF_KEY, KDF_SCRYPT = 0, 1
SCRYPT = (17, 8, 1)  # N = 2**17, r = 8, p = 1: 128 MiB and about half a second
SEGMENT = 64 * 1024
TAG = 16
_HEADER = struct.Struct(">8sBBBBB16sI32s7s16s")
HEADER_SIZE = _HEADER.size
FILE_KEY_LABEL = b"mcc-backup segment key v1"
KEY_CHECK_LABEL = b"mcc-backup key check v1"


def is_sealed(path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


def _master_key(keys: BackupKeys, kdf: int, params: tuple[int, int, int], salt: bytes) -> bytes:
    if kdf == KDF_SCRYPT:
        if not keys.passphrase:
            raise BackupError("the archive is encrypted with a passphrase: run with --passphrase "
                              "(or set MCC_BACKUP_PASSPHRASE).")
        log_n, r, p = params
        if not (10 <= log_n <= 22 and 1 <= r <= 32 and 1 <= p <= 16):
            raise ArchiveDamaged("the encryption header names impossible scrypt parameters")
        return Scrypt(salt=salt, length=32, n=2**log_n, r=r, p=p).derive(keys.passphrase.encode())
    if kdf == KDF_KEY:
        if keys.encryption_key is None:
            raise BackupError("the archive is encrypted: set MCC_BACKUP_ENCRYPTION_KEY to the key it was made with "
                              "(it cannot be read without it).")
        return keys.encryption_key
    raise ArchiveDamaged(f"unknown key derivation {kdf} in the encryption header")


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", index, 1 if last else 0)


class SealingWriter:
    """Encrypts what is written to it into ``out``; ``close`` seals the final segment. It can tell its position
    but not seek, so ``zipfile`` writes entries with data descriptors."""

    def __init__(self, out: BinaryIO, keys: BackupKeys, *, segment: int = SEGMENT):
        if keys.passphrase:
            kdf, params, kdf_salt = KDF_SCRYPT, SCRYPT, os.urandom(16)
        elif keys.encryption_key is not None:
            kdf, params, kdf_salt = KDF_KEY, (0, 0, 0), bytes(16)
        else:
            raise BackupError("--encrypt needs MCC_BACKUP_ENCRYPTION_KEY (`flask backup generate-key` makes one) "
                              "or --passphrase.")
        master = _master_key(keys, kdf, params, kdf_salt)
        file_salt, self._prefix = os.urandom(32), os.urandom(7)
        check = hkdf(master, KEY_CHECK_LABEL, salt=file_salt, length=16)
        self._header = _HEADER.pack(MAGIC, VERSION, kdf, *params, kdf_salt, segment, file_salt, self._prefix, check)
        self._aead = AESGCM(hkdf(master, FILE_KEY_LABEL, salt=file_salt))
        self._out, self._segment = out, segment
        self._buffer = bytearray()
        self._index = self._position = 0
        self.closed = False
        out.write(self._header)

    def write(self, data) -> int:
        view = memoryview(data).cast("B")
        size = view.nbytes
        while view:
            room = self._segment - len(self._buffer)
            if not room:  # a full segment with more to come: it is not the last one
                self._seal(last=False)
                continue
            self._buffer += view[:room]
            view = view[room:]
        self._position += size
        return size

    def _seal(self, *, last: bool) -> None:
        if self._index >= 2**32:
            raise BackupError("archive too large for one encrypted stream")
        nonce = _nonce(self._prefix, self._index, last)
        self._out.write(self._aead.encrypt(nonce, bytes(self._buffer), self._header))
        self._buffer.clear()
        self._index += 1

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        self._out.flush()  # whole segments only: the partial one waits for more data or close()

    def close(self) -> None:
        if not self.closed:
            self._seal(last=True)
            self._out.flush()
            self.closed = True


class UnsealingReader:
    """A seekable, read-only view of the plaintext of a sealed file; every segment is authenticated when read."""

    def __init__(self, source: BinaryIO, keys: BackupKeys):
        self._source = source
        source.seek(0, os.SEEK_END)
        length = source.tell()
        source.seek(0)
        header = source.read(HEADER_SIZE)
        if len(header) < HEADER_SIZE:
            raise ArchiveDamaged("the encrypted archive is cut short (no complete header)")
        magic, version, kdf, log_n, r, p, kdf_salt, segment, file_salt, prefix, check = _HEADER.unpack(header)
        if magic != MAGIC or version != VERSION:
            raise ArchiveDamaged(f"unsupported encrypted archive (version {version})")
        if not 1024 <= segment <= 1 << 24:
            raise ArchiveDamaged("the encryption header names an impossible segment size")
        master = _master_key(keys, kdf, (log_n, r, p), kdf_salt)
        if not hmac.compare_digest(hkdf(master, KEY_CHECK_LABEL, salt=file_salt, length=16), check):
            what = "passphrase" if kdf == KDF_SCRYPT else "key (MCC_BACKUP_ENCRYPTION_KEY)"
            raise BackupError(f"the archive was encrypted with another {what}, or its header was altered.")
        self._aead = AESGCM(hkdf(master, FILE_KEY_LABEL, salt=file_salt))
        self._header, self._prefix, self._segment = header, prefix, segment
        body, stride = length - HEADER_SIZE, segment + TAG
        self.segments = max(1, -(-body // stride))
        self._last_length = body - (self.segments - 1) * stride
        if self._last_length < TAG:
            raise ArchiveDamaged("the encrypted archive is cut short")
        self.size = (self.segments - 1) * segment + self._last_length - TAG
        self.authenticated: set[int] = set()
        self._cached: tuple[int, bytes] | None = None
        self._position = 0

    def _plain(self, index: int) -> bytes:
        if self._cached and self._cached[0] == index:
            return self._cached[1]
        last = index == self.segments - 1
        self._source.seek(HEADER_SIZE + index * (self._segment + TAG))
        sealed = self._source.read(self._last_length if last else self._segment + TAG)
        try:
            plain = self._aead.decrypt(_nonce(self._prefix, index, last), sealed, self._header)
        except InvalidTag:
            raise ArchiveDamaged(f"encrypted segment {index} of {self.segments} fails authentication: the archive "
                                 "was altered, cut short or reordered") from None
        self.authenticated.add(index)
        self._cached = (index, plain)
        return plain

    def authenticate_rest(self, advance=None) -> None:
        """Authenticate the segments no read has touched (``verify`` vouches for every byte)."""
        for index in range(self.segments):
            if index not in self.authenticated:
                self._plain(index)
            if advance:
                advance(1)

    # -- the file-object protocol zipfile uses ----------------------------------------------------------------
    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:
            n = self.size - self._position
        pieces = []
        while n > 0 and self._position < self.size:
            index, offset = divmod(self._position, self._segment)
            piece = self._plain(index)[offset:offset + n]
            pieces.append(piece)
            self._position += len(piece)
            n -= len(piece)
        return b"".join(pieces)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._position, os.SEEK_END: self.size}[whence]
        if base + offset < 0:
            raise OSError("seek before the start of the archive")
        self._position = base + offset
        return self._position

    def tell(self) -> int:
        return self._position

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._cached = None
