"""What only S3 does: presigned URLs, used by plain HTTP clients as a browser would."""

import io
import time
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import requests
from cachetools import TLRUCache

from app.storage import build_storage
from app.storage.base import MIN_PART_SIZE, StorageUnavailable
from app.storage.s3 import S3Storage, half_life
from tests.storage.streams import pattern

KEY = "materials/2026/11/feedfacefeedface"


@pytest.fixture
def s3(s3_config):
    return build_storage(s3_config)


def test_presigned_get_is_sigv4_short_lived_and_names_the_exact_key(s3, s3_config):
    s3.save(KEY, io.BytesIO(b"0123456789" * 10), "video/mp4")
    url = s3.presigned_get_url(KEY, expires=120, filename="Spawanie TIG – łuk ąžuolas.mp4", inline=False)
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert parts.path == f"/{s3_config['S3_BUCKET']}/{KEY}"  # path-style, the exact key
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["X-Amz-Expires"] == ["120"]
    assert "X-Amz-Signature" in query and "host" in query["X-Amz-SignedHeaders"][0]
    disposition = query["response-content-disposition"][0]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''" in disposition
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "Spawanie TIG – łuk ąžuolas.mp4"


def test_presigned_get_is_fetched_by_a_plain_client_with_ranges(s3):
    data = pattern(5000)
    s3.save(KEY, io.BytesIO(data), "video/mp4")
    url = s3.presigned_get_url(KEY, expires=60, content_type="video/mp4")
    whole = requests.get(url, timeout=10)
    assert whole.status_code == 200 and whole.content == data
    part = requests.get(url, headers={"Range": "bytes=10-19"}, timeout=10)
    assert part.status_code == 206
    assert part.content == data[10:20]
    assert part.headers["Content-Range"] == f"bytes 10-19/{len(data)}"


def test_parts_put_to_presigned_urls_make_the_object(s3):
    upload_id = s3.create_multipart_upload(KEY, "video/mp4")
    chunks = [pattern(MIN_PART_SIZE, 7), pattern(1234, 8)]
    etags = []
    for number, chunk in enumerate(chunks, 1):
        url = s3.presigned_part_url(KEY, upload_id, number, expires=300)
        query = parse_qs(urlsplit(url).query)
        assert query["partNumber"] == [str(number)] and query["uploadId"] == [upload_id]
        assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"] and query["X-Amz-Expires"] == ["300"]
        response = requests.put(url, data=chunk, timeout=30)
        assert response.status_code == 200
        etags.append((number, response.headers["ETag"]))
    stored = s3.complete_multipart_upload(KEY, upload_id, etags)
    assert stored.size == sum(map(len, chunks))
    assert s3.read_range(KEY, MIN_PART_SIZE, MIN_PART_SIZE + 9) == chunks[1][:10]


def test_list_parts_reads_every_page(s3):
    """S3 answers at most 1,000 parts at a time: the listing follows NextPartNumberMarker (pages of 2 here)."""
    upload_id = s3.create_multipart_upload(KEY, None)
    etags = [s3.upload_part(KEY, upload_id, number, io.BytesIO(b"part %d" % number)) for number in range(1, 6)]
    real = s3.client.list_parts
    s3.client.list_parts = lambda **kwargs: real(**kwargs, MaxParts=2)
    try:
        assert s3.list_parts(KEY, upload_id) == [(n, etag, 6) for n, etag in enumerate(etags, 1)]
    finally:
        s3.client.list_parts = real
        s3.abort_multipart_upload(KEY, upload_id)


def test_a_part_put_to_a_presigned_url_is_listed_with_the_etag_the_browser_saw(s3):
    upload_id = s3.create_multipart_upload(KEY, None)
    response = requests.put(s3.presigned_part_url(KEY, upload_id, 2, expires=300), data=b"abc", timeout=30)
    assert s3.list_parts(KEY, upload_id) == [(2, response.headers["ETag"], 3)]
    s3.abort_multipart_upload(KEY, upload_id)


def test_small_objects_carry_their_checksum(s3):
    stored = s3.save(KEY, io.BytesIO(b"G0 X0 Y0\nM30\n"), "text/plain")
    assert s3.head(KEY).sha256 == stored.sha256


def test_an_unreachable_endpoint_is_reported_quickly(s3_config):
    config = {**s3_config, "S3_ENDPOINT_URL": "http://127.0.0.1:9"}
    storage = S3Storage.from_config(config, connect_timeout=1, max_attempts=1)
    started = time.monotonic()
    with pytest.raises(StorageUnavailable):
        storage.check()
    with pytest.raises(StorageUnavailable):
        storage.save(KEY, io.BytesIO(b"x"))
    assert time.monotonic() - started < 30  # a guard against hanging, not a speed target


def test_presigning_uses_the_public_endpoint_when_set(s3_config):
    storage = build_storage({**s3_config, "S3_PUBLIC_ENDPOINT_URL": "https://files.mcc.example.eu"})
    url = storage.presigned_get_url(KEY, expires=60)
    assert url.startswith("https://files.mcc.example.eu/")


def test_a_download_url_is_signed_once_and_handed_out_again_while_half_its_life_is_left(s3, monkeypatch):
    s3.save(KEY, io.BytesIO(b"0123456789"), "application/pdf")
    clock = [1000.0]
    monkeypatch.setattr(s3, "_signed", TLRUCache(maxsize=16, ttu=half_life, timer=lambda: clock[0]))
    first = s3.presigned_get_url(KEY, expires=300, filename="a.pdf", content_type="application/pdf")
    clock[0] += 140
    assert s3.presigned_get_url(KEY, expires=300, filename="a.pdf", content_type="application/pdf") == first
    # Another name, disposition or lifetime is another URL.
    assert s3.presigned_get_url(KEY, expires=300, filename="b.pdf", content_type="application/pdf") != first
    assert s3.presigned_get_url(KEY, expires=300, filename="a.pdf", content_type="application/pdf",
                                inline=False) != first
    time.sleep(1.1)  # the signature's time has a resolution of one second
    clock[0] += 20  # 160 s: less than half of its 300 s is left, a fresh one is signed
    fresh = s3.presigned_get_url(KEY, expires=300, filename="a.pdf", content_type="application/pdf")
    assert fresh != first
    assert requests.get(fresh, timeout=10).content == b"0123456789"
