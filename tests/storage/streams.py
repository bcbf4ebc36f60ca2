"""Streams for storage tests that produce data on the fly (never materialised)."""

from __future__ import annotations

import hashlib
import io


def pattern(size: int, seed: int = 0) -> bytes:
    return bytes((i * 31 + seed) % 251 for i in range(size))


class GeneratedStream(io.RawIOBase):
    """``size`` bytes of a repeating pattern, returned in reads of at most ``max_read`` bytes."""

    def __init__(self, size: int, max_read: int = 1 << 20, fail_after: int | None = None):
        self.remaining = size
        self.max_read = max_read
        self.fail_after = fail_after
        self.sent = 0
        self.block = pattern(1 << 20)

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        if self.fail_after is not None and self.sent >= self.fail_after:
            raise OSError("connection reset by peer (simulated)")
        n = self.max_read if n is None or n < 0 else min(n, self.max_read)
        n = min(n, self.remaining, len(self.block))
        self.remaining -= n
        self.sent += n
        return self.block[:n]

    @staticmethod
    def expected_sha256(size: int, max_read: int = 1 << 20) -> str:
        digest, block = hashlib.sha256(), pattern(1 << 20)
        remaining = size
        while remaining:
            n = min(max_read, remaining, len(block))
            digest.update(block[:n])
            remaining -= n
        return digest.hexdigest()
