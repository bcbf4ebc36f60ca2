"""The storage contract: both backends behave the same way."""

import hashlib
import io

import pytest

from app.storage.base import MIN_PART_SIZE, ObjectNotFound, ObjectTooLarge, UploadNotFound
from tests.storage.streams import GeneratedStream, pattern

KEY = "materials/2026/11/0123456789abcdef"


def test_save_and_read_back(storage):
    data = "Spawanie TIG – łuk, ąžuolas".encode() * 1000
    stored = storage.save(KEY, io.BytesIO(data), "text/plain")
    assert (stored.key, stored.size, stored.sha256) == (KEY, len(data), hashlib.sha256(data).hexdigest())
    with storage.open(KEY) as stream:
        assert stream.read() == data
    assert storage.sha256(KEY) == stored.sha256
    assert storage.exists(KEY)
    assert storage.head(KEY).size == len(data)


def test_save_a_stream_of_unknown_length_with_short_reads(storage):
    size = 20 * 1024 * 1024 + 123  # several S3 parts, reads of 64 KiB at most
    stored = storage.save(KEY, GeneratedStream(size, max_read=64 * 1024), "video/mp4")
    assert stored.size == size
    assert stored.sha256 == GeneratedStream.expected_sha256(size, max_read=64 * 1024)
    assert storage.sha256(KEY) == stored.sha256


def test_too_large_leaves_nothing_behind(storage):
    with pytest.raises(ObjectTooLarge) as raised:
        storage.save(KEY, GeneratedStream(12 * 1024 * 1024), max_bytes=10 * 1024 * 1024)
    assert raised.value.limit == 10 * 1024 * 1024
    assert not storage.exists(KEY)
    assert list(storage.iter_objects()) == []
    assert storage.list_multipart_uploads() == []


def test_a_failing_stream_leaves_nothing_behind(storage):
    with pytest.raises(OSError, match="simulated"):
        storage.save(KEY, GeneratedStream(20 * 1024 * 1024, fail_after=9 * 1024 * 1024))
    assert not storage.exists(KEY)
    assert list(storage.iter_objects()) == []
    assert storage.list_multipart_uploads() == []


def test_read_range(storage):
    data = pattern(1000)
    storage.save(KEY, io.BytesIO(data))
    assert storage.read_range(KEY, 0, 9) == data[:10]
    assert storage.read_range(KEY, 500, 599) == data[500:600]
    assert storage.read_range(KEY, 999, 999) == data[999:]
    assert storage.read_range(KEY, 990, 2000) == data[990:]


def test_delete_is_idempotent(storage):
    storage.save(KEY, io.BytesIO(b"x"))
    storage.delete(KEY)
    assert not storage.exists(KEY)
    storage.delete(KEY)


def test_missing_objects(storage):
    missing = "materials/2026/11/ffffffffffffffff"
    with pytest.raises(ObjectNotFound):
        storage.open(missing)
    with pytest.raises(ObjectNotFound):
        storage.head(missing)
    with pytest.raises(ObjectNotFound):
        storage.read_range(missing, 0, 10)
    assert not storage.exists(missing)


def test_iter_objects_by_prefix(storage):
    for key in ("materials/a/1", "materials/b/2", "documents/c/3"):
        storage.save(key, io.BytesIO(key.encode()))
    upload = storage.create_multipart_upload("materials/pending/4", "video/mp4")
    assert sorted(o.key for o in storage.iter_objects()) == ["documents/c/3", "materials/a/1", "materials/b/2"]
    assert sorted(o.key for o in storage.iter_objects("materials/")) == ["materials/a/1", "materials/b/2"]
    assert {o.size for o in storage.iter_objects("documents/")} == {len(b"documents/c/3")}
    storage.abort_multipart_upload("materials/pending/4", upload)


def test_multipart_upload(storage):
    parts_data = [pattern(MIN_PART_SIZE, 1), pattern(MIN_PART_SIZE, 2), b"the last part may be short"]
    upload_id = storage.create_multipart_upload(KEY, "video/mp4")
    assert [(k, u) for k, u, _ in storage.list_multipart_uploads()] == [(KEY, upload_id)]
    etags = [(n, storage.upload_part(KEY, upload_id, n, io.BytesIO(d))) for n, d in enumerate(parts_data, 1)]
    # Parts may be reported in any order; they are joined by number.
    stored = storage.complete_multipart_upload(KEY, upload_id, list(reversed(etags)))
    whole = b"".join(parts_data)
    assert stored.size == len(whole)
    assert storage.sha256(KEY) == hashlib.sha256(whole).hexdigest()
    assert storage.list_multipart_uploads() == []


def test_list_parts_names_the_parts_received(storage):
    upload_id = storage.create_multipart_upload(KEY, None)
    assert storage.list_parts(KEY, upload_id) == []
    first, third = pattern(MIN_PART_SIZE, 1), b"a short last part"
    etag3 = storage.upload_part(KEY, upload_id, 3, io.BytesIO(third))
    etag1 = storage.upload_part(KEY, upload_id, 1, io.BytesIO(first))
    assert storage.list_parts(KEY, upload_id) == [(1, etag1, len(first)), (3, etag3, len(third))]
    # A part sent again replaces the earlier one.
    again = pattern(MIN_PART_SIZE, 7)
    etag1 = storage.upload_part(KEY, upload_id, 1, io.BytesIO(again))
    assert storage.list_parts(KEY, upload_id) == [(1, etag1, len(again)), (3, etag3, len(third))]
    # What a resumed upload completes with: the listed parts plus the missing one.
    etag2 = storage.upload_part(KEY, upload_id, 2, io.BytesIO(first))
    listed = [(number, etag) for number, etag, _size in storage.list_parts(KEY, upload_id)]
    assert listed == [(1, etag1), (2, etag2), (3, etag3)]
    storage.complete_multipart_upload(KEY, upload_id, listed)
    assert storage.sha256(KEY) == hashlib.sha256(again + first + third).hexdigest()
    with pytest.raises(UploadNotFound):
        storage.list_parts(KEY, upload_id)  # completed


def test_list_parts_of_an_unknown_or_aborted_upload(storage):
    upload_id = storage.create_multipart_upload(KEY, None)
    storage.upload_part(KEY, upload_id, 1, io.BytesIO(b"x"))
    storage.abort_multipart_upload(KEY, upload_id)
    with pytest.raises(UploadNotFound):
        storage.list_parts(KEY, upload_id)


def test_abort_removes_the_parts(storage):
    upload_id = storage.create_multipart_upload(KEY, None)
    etag = storage.upload_part(KEY, upload_id, 1, io.BytesIO(pattern(MIN_PART_SIZE)))
    storage.abort_multipart_upload(KEY, upload_id)
    assert storage.list_multipart_uploads() == []
    with pytest.raises(UploadNotFound):
        storage.complete_multipart_upload(KEY, upload_id, [(1, etag)])
    assert not storage.exists(KEY)
    storage.abort_multipart_upload(KEY, upload_id)  # idempotent


def test_duplicate_part_numbers_are_refused(storage):
    upload_id = storage.create_multipart_upload(KEY, None)
    etag = storage.upload_part(KEY, upload_id, 1, io.BytesIO(b"x"))
    with pytest.raises(ValueError, match="distinct"):
        storage.complete_multipart_upload(KEY, upload_id, [(1, etag), (1, etag)])
    storage.abort_multipart_upload(KEY, upload_id)


@pytest.mark.parametrize("key", ["../x", "/abs/key", "a//b", "a\\b", "a/../b", "a/\x00b", "a/\nb", "", "a/.hidden",
                                 "zażółć/ąę"])
def test_unsafe_keys_are_refused(storage, key):
    with pytest.raises(ValueError):
        storage.save(key, io.BytesIO(b"x"))
    with pytest.raises(ValueError):
        storage.delete(key)
