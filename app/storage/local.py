"""Local filesystem storage under MEDIA_ROOT (the embedded default).

Objects are plain files at ``MEDIA_ROOT/<key>``. Writes go to a temporary file in the same directory and are
renamed into place, so a reader never sees half an object. Multipart uploads keep their parts under
``MEDIA_ROOT/.uploads/<upload_id>/`` until they are joined.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import mimetypes
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from app.storage.base import (
    CHUNK_SIZE,
    HashingReader,
    ObjectNotFound,
    Storage,
    StorageUnavailable,
    StoredObject,
    UploadNotFound,
    check_key,
    check_local_upload_id,
    sorted_parts,
)

UPLOADS = ".uploads"


class LocalStorage(Storage):
    name = "local"
    supports_presigned_urls = False

    def __init__(self, root: Path | str):
        self.root = Path(root)

    # -- paths ---------------------------------------------------------------------------------------------
    def _path(self, key: str) -> Path:
        check_key(key)
        root = self.root.resolve()
        path = (root / key).resolve()
        # resolve() follows symlinks: a link planted inside the root cannot lead writes outside it.
        if root not in path.parents:
            raise ValueError(f"storage key {key!r} escapes the media root")
        return path

    def local_path(self, key: str) -> Path:
        path = self._path(key)
        if not path.is_file():
            raise ObjectNotFound(key)
        return path

    def _upload_dir(self, upload_id: str) -> Path:
        return self.root / UPLOADS / check_local_upload_id(upload_id)

    # -- objects -------------------------------------------------------------------------------------------
    def check(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StorageUnavailable(f"media root {self.root} unusable: {error}") from error
        if not os.access(self.root, os.W_OK):
            raise StorageUnavailable(f"media root {self.root} is not writable")

    def save(self, key: str, stream: BinaryIO, content_type: str | None = None,
             max_bytes: int | None = None) -> StoredObject:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StorageUnavailable(str(error)) from error
        reader = HashingReader(stream, max_bytes)
        with _written_in_place(path) as out:
            while chunk := reader.read(CHUNK_SIZE):
                out.write(chunk)
        return StoredObject(key, reader.size, reader.sha256, content_type)

    def open(self, key: str) -> BinaryIO:
        try:
            return self._path(key).open("rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise ObjectNotFound(key) from None

    def read_range(self, key: str, start: int, end: int) -> bytes:
        with self.open(key) as handle:
            handle.seek(start)
            return handle.read(max(0, end - start + 1))

    def head(self, key: str) -> StoredObject:
        path = self._path(key)
        if not path.is_file():
            raise ObjectNotFound(key)
        return StoredObject(key, path.stat().st_size, None, mimetypes.guess_type(path.name)[0])

    def delete(self, key: str) -> None:
        path = self._path(key)
        with contextlib.suppress(FileNotFoundError):
            path.unlink()

    def iter_objects(self, prefix: str = "") -> Iterator[StoredObject]:
        if not self.root.exists():
            return
        for directory, subdirs, files in os.walk(self.root):
            # Hidden entries are ours (pending uploads, temporary files), never objects.
            subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
            for name in sorted(files):
                if name.startswith("."):
                    continue
                path = Path(directory) / name
                key = path.relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    yield StoredObject(key, path.stat().st_size, None, mimetypes.guess_type(name)[0])

    # -- multipart -----------------------------------------------------------------------------------------
    def create_multipart_upload(self, key: str, content_type: str | None) -> str:
        check_key(key)
        upload_id = uuid.uuid4().hex
        directory = self._upload_dir(upload_id)
        directory.mkdir(parents=True)
        meta = {"key": key, "content_type": content_type, "initiated": datetime.now(UTC).isoformat()}
        (directory / "upload.json").write_text(json.dumps(meta))
        return upload_id

    def _meta(self, key: str, upload_id: str) -> dict:
        try:
            meta = json.loads((self._upload_dir(upload_id) / "upload.json").read_text())
        except (FileNotFoundError, NotADirectoryError):
            raise UploadNotFound(upload_id) from None
        if meta["key"] != key:
            raise UploadNotFound(upload_id)
        return meta

    def upload_part(self, key: str, upload_id: str, part_number: int, stream: BinaryIO,
                    max_bytes: int | None = None) -> str:
        self._meta(key, upload_id)
        if not 1 <= part_number <= 10_000:
            raise ValueError("part number must be between 1 and 10000")
        directory = self._upload_dir(upload_id)
        reader = HashingReader(stream, max_bytes)
        md5 = hashlib.md5(usedforsecurity=False)  # an ETag like S3's, to match parts on completion
        # A part counts as received once its ETag file exists (``list_parts``): that file goes first when a part is
        # sent again and comes back, renamed into place, only after the whole part is, so an interrupted request
        # never leaves a part listed as complete.
        etag_file = directory / f"{part_number:05d}.etag"
        with contextlib.suppress(FileNotFoundError):
            etag_file.unlink()
        with _written_in_place(directory / f"{part_number:05d}.part") as out:
            while chunk := reader.read(CHUNK_SIZE):
                md5.update(chunk)
                out.write(chunk)
        etag = md5.hexdigest()
        with _written_in_place(etag_file) as out:
            out.write(etag.encode())
        return etag

    def list_parts(self, key: str, upload_id: str) -> list[tuple[int, str, int]]:
        self._meta(key, upload_id)
        directory = self._upload_dir(upload_id)
        parts = []
        for etag_file in sorted(directory.glob("[0-9][0-9][0-9][0-9][0-9].etag")):
            with contextlib.suppress(FileNotFoundError):  # a part being sent again meanwhile
                etag = etag_file.read_text()
                size = etag_file.with_suffix(".part").stat().st_size
                parts.append((int(etag_file.stem), etag, size))
        return parts

    def complete_multipart_upload(self, key: str, upload_id: str, parts: list[tuple[int, str]]) -> StoredObject:
        meta = self._meta(key, upload_id)
        directory = self._upload_dir(upload_id)
        ordered = sorted_parts(parts)
        for number, etag in ordered:
            etag_file = directory / f"{number:05d}.etag"
            if not etag_file.exists() or etag_file.read_text() != etag.strip('"'):
                raise ValueError(f"part {number} is missing or its ETag does not match")
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        with _written_in_place(path) as out:
            for number, _ in ordered:
                with (directory / f"{number:05d}.part").open("rb") as part:
                    while chunk := part.read(CHUNK_SIZE):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
        shutil.rmtree(directory, ignore_errors=True)
        return StoredObject(key, size, digest.hexdigest(), meta.get("content_type"))

    def abort_multipart_upload(self, key: str, upload_id: str) -> None:
        try:
            directory = self._upload_dir(upload_id)
        except UploadNotFound:
            return
        shutil.rmtree(directory, ignore_errors=True)

    def list_multipart_uploads(self) -> list[tuple[str, str, datetime]]:
        base = self.root / UPLOADS
        pending = []
        if base.exists():
            for directory in sorted(base.iterdir()):
                with contextlib.suppress(FileNotFoundError, ValueError, KeyError):
                    meta = json.loads((directory / "upload.json").read_text())
                    pending.append((meta["key"], directory.name, datetime.fromisoformat(meta["initiated"])))
        return pending


@contextlib.contextmanager
def _written_in_place(path: Path) -> Iterator[BinaryIO]:
    """A file written to a temporary name beside ``path`` and renamed onto it only when complete: readers never
    see half a file, and a failure leaves nothing behind."""
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    try:
        with os.fdopen(handle, "wb") as out:
            yield out
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
