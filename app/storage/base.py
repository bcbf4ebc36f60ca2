"""The storage interface every backend implements."""

from __future__ import annotations

from abc import ABC, abstractmethod


class StorageUnavailable(Exception):
    """The backend did not answer (disk missing, bucket unreachable, credentials refused)."""


class Storage(ABC):
    #: Short name recorded on rows that point into this storage ("local", "s3").
    name: str

    @abstractmethod
    def check(self) -> None:
        """Raise StorageUnavailable unless the backend answers right now."""
