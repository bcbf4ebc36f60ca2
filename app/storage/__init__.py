"""Object storage for materials and documents: one interface, a local-disk and an S3 backend."""

from __future__ import annotations

from flask import Flask, current_app

from app.storage.base import Storage, StorageUnavailable

__all__ = ["Storage", "StorageUnavailable", "build_storage", "generate_key", "get_storage", "init_storage"]


def build_storage(config) -> Storage:
    backend = config["STORAGE_BACKEND"]
    if backend == "local":
        from app.storage.local import LocalStorage

        return LocalStorage(config["MEDIA_ROOT"])
    if backend == "s3":
        from app.storage.s3 import S3Storage

        return S3Storage.from_config(config)
    raise ValueError(f"unknown storage backend {backend!r}")


def init_storage(app: Flask) -> None:
    # Built once per app: the boto3 client is thread-safe and costly to create.
    app.extensions["mcc_storage"] = build_storage(app.config)


def get_storage() -> Storage:
    return current_app.extensions["mcc_storage"]


def generate_key(prefix: str) -> str:
    """A fresh object key, e.g. ``materials/2026/11/3f2a...``: never derived from what the user named the file."""
    import uuid
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    return f"{prefix}/{now:%Y}/{now:%m}/{uuid.uuid4().hex}"
