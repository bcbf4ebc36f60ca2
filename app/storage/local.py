"""Local filesystem storage under MEDIA_ROOT (the embedded default)."""

from __future__ import annotations

import os
from pathlib import Path

from app.storage.base import Storage, StorageUnavailable


class LocalStorage(Storage):
    name = "local"

    def __init__(self, root: Path | str):
        self.root = Path(root)

    def check(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StorageUnavailable(f"media root {self.root} unusable: {error}") from error
        if not os.access(self.root, os.W_OK):
            raise StorageUnavailable(f"media root {self.root} is not writable")
