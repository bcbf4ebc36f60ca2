"""The keys of backups: one that signs the manifest, and one (or a passphrase) that encrypts the archive.

- Signing (always): HMAC-SHA256 over ``manifest.json`` with the key HKDF-SHA256(``MCC_BACKUP_KEY``, no salt,
  info ``mcc-backup manifest hmac v1``). Without ``MCC_BACKUP_KEY`` the input is ``MCC_SECRET_KEY``: then
  rotating the secret key makes older archives unverifiable, so production sets a backup key of its own and keeps
  it (like the encryption key) somewhere other than beside the archives. ``verify`` and ``restore`` need the same
  key as ``create``. Each archive records the key's id (a 16-hex-digit HMAC of a fixed text, which reveals
  nothing of the key) so a wrong key is told apart from an altered archive.
- Encryption (``create --encrypt``): ``MCC_BACKUP_ENCRYPTION_KEY``, 32 random bytes written as 64 hex digits or
  in base64 (``flask backup generate-key``); or a passphrase (``--passphrase``: from ``MCC_BACKUP_PASSPHRASE``
  or asked for), stretched with scrypt. See ``sealed.py`` for the construction.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.backup.common import BackupError
from config import env_str, secret_key_problem

MAC_LABEL = b"mcc-backup manifest hmac v1"
KEY_ID_LABEL = b"mcc-backup key id"
KEY_BYTES = 32


@dataclass(frozen=True, repr=False)  # no repr: keys never end up in a log or a traceback
class BackupKeys:
    mac: bytes
    #: Which setting the signing key comes from, for messages.
    mac_source: str
    encryption_key: bytes | None = None
    passphrase: str | None = None

    @property
    def key_id(self) -> str:
        return key_id(self.mac)


def hkdf(secret: bytes, info: bytes, *, salt: bytes | None = None, length: int = KEY_BYTES) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(secret)


def key_id(mac_key: bytes) -> str:
    return hmac.new(mac_key, KEY_ID_LABEL, hashlib.sha256).hexdigest()[:16]


def backup_keys(config, *, passphrase: str | None = None) -> BackupKeys:
    """The keys this installation signs, verifies, encrypts and decrypts backups with."""
    # Settings first (a test or an app factory may set them), then the environment as config.py spells it.
    own = config.get("BACKUP_KEY") or env_str("BACKUP_KEY")
    if own:
        problem = secret_key_problem(own)
        if problem:
            raise BackupError(f"MCC_BACKUP_KEY {problem}: set it to a random value (`flask backup generate-key`).")
        source, secret = "MCC_BACKUP_KEY", own
    else:
        source, secret = "MCC_SECRET_KEY", config.get("SECRET_KEY")
        if not secret:
            raise BackupError("no key to sign backups with: set MCC_BACKUP_KEY (or MCC_SECRET_KEY).")
    encryption = config.get("BACKUP_ENCRYPTION_KEY") or env_str("BACKUP_ENCRYPTION_KEY")
    return BackupKeys(mac=hkdf(secret.encode(), MAC_LABEL), mac_source=source,
                      encryption_key=parse_encryption_key(encryption) if encryption else None,
                      passphrase=passphrase or None)


def parse_encryption_key(value: str) -> bytes:
    """32 bytes from 64 hex digits or base64 (either alphabet, padding optional)."""
    value = value.strip()
    decoded = None
    if len(value) == 2 * KEY_BYTES:
        try:
            decoded = bytes.fromhex(value)
        except ValueError:
            decoded = None
    if decoded is None:
        padded = value + "=" * (-len(value) % 4)
        for altchars in (b"-_", b"+/"):
            try:
                decoded = base64.b64decode(padded, altchars=altchars, validate=True)
                break
            except (binascii.Error, ValueError):
                continue
    if decoded is None or len(decoded) != KEY_BYTES:
        raise BackupError("MCC_BACKUP_ENCRYPTION_KEY must be 32 random bytes as 64 hex digits or base64: "
                          "make one with `flask backup generate-key`.")
    return decoded
