"""What only local storage does: files on disk, served by werkzeug with Range support."""

import io
import os

import pytest
from flask import Flask, send_file

from app.storage.base import ObjectNotFound
from app.storage.local import LocalStorage
from tests.storage.streams import GeneratedStream, pattern

KEY = "materials/2026/11/abcabcabcabcabc0"


def test_range_requests_get_206_through_send_file(tmp_path):
    storage = LocalStorage(tmp_path)
    data = pattern(10_000)
    storage.save(KEY, io.BytesIO(data), "video/mp4")
    app = Flask(__name__)

    @app.get("/v")
    def video():
        return send_file(storage.local_path(KEY), mimetype="video/mp4", conditional=True)

    response = app.test_client().get("/v", headers={"Range": "bytes=5000-5099"})
    assert response.status_code == 206
    assert response.data == data[5000:5100]
    assert response.headers["Content-Range"] == "bytes 5000-5099/10000"
    assert response.headers["Accept-Ranges"] == "bytes"


def test_symlinks_cannot_lead_outside_the_root(tmp_path):
    root, outside = tmp_path / "media", tmp_path / "outside"
    outside.mkdir()
    (outside / "secret").write_text("do not read")
    storage = LocalStorage(root)
    (root / "materials").mkdir(parents=True)
    os.symlink(outside, root / "materials" / "link")
    with pytest.raises(ValueError, match="escapes"):
        storage.open("materials/link/secret")
    with pytest.raises(ValueError, match="escapes"):
        storage.save("materials/link/new", io.BytesIO(b"x"))
    assert not (outside / "new").exists()


def test_an_interrupted_save_leaves_no_partial_file(tmp_path):
    storage = LocalStorage(tmp_path)
    storage.save(KEY, io.BytesIO(b"old version"))
    with pytest.raises(OSError):
        storage.save(KEY, GeneratedStream(10_000_000, fail_after=3_000_000))
    assert storage.open(KEY).read() == b"old version"  # the previous object is intact
    leftovers = [p.name for p in (tmp_path / "materials/2026/11").iterdir()]
    assert leftovers == [KEY.rsplit("/", 1)[1]]


def test_a_part_interrupted_mid_stream_is_not_listed(tmp_path):
    storage = LocalStorage(tmp_path)
    upload_id = storage.create_multipart_upload(KEY, None)
    etag = storage.upload_part(KEY, upload_id, 1, io.BytesIO(pattern(1000)))
    with pytest.raises(OSError):
        storage.upload_part(KEY, upload_id, 2, GeneratedStream(10_000_000, fail_after=3_000_000))
    assert storage.list_parts(KEY, upload_id) == [(1, etag, 1000)]
    # Sending a received part again and failing half-way: it is no longer listed (the browser sends it once more).
    with pytest.raises(OSError):
        storage.upload_part(KEY, upload_id, 1, GeneratedStream(10_000_000, fail_after=3_000_000))
    assert storage.list_parts(KEY, upload_id) == []
    assert sorted(p.name for p in (tmp_path / ".uploads" / upload_id).iterdir()) == ["00001.part", "upload.json"]


def test_local_path_of_a_missing_object(tmp_path):
    with pytest.raises(ObjectNotFound):
        LocalStorage(tmp_path).local_path(KEY)


def test_presigning_is_not_offered(tmp_path):
    storage = LocalStorage(tmp_path)
    assert storage.supports_presigned_urls is False
    with pytest.raises(NotImplementedError):
        storage.presigned_get_url(KEY, expires=60)
