"""Drive the upload protocol as the browser's uploader does."""

from __future__ import annotations

import requests

from tests.conftest import RequestIsolatingClient


def start(client: RequestIsolatingClient, lesson_id: int, filename: str, size: int, content_type: str = "",
          title: str = "A material", **more):
    """Announce an upload; ``more``: the other fields the uploader sends (language, last_modified, sample_sha256)."""
    return client.post(f"/api/lessons/{lesson_id}/uploads",
                       json={"filename": filename, "size": size, "content_type": content_type, "title": title,
                             "title_language": "en", **more},
                       headers={"X-CSRFToken": client.csrf_token()})


def send_parts(client: RequestIsolatingClient, started: dict, chunks: list[bytes],
               numbers: list[int] | None = None) -> list[dict]:
    """Send ``chunks`` as parts 1, 2, ... (or as the parts ``numbers``)."""
    token = client.csrf_token()
    parts = []
    for number, chunk in zip(numbers or range(1, len(chunks) + 1), chunks, strict=True):
        target = client.post(started["target_url"].replace("__PART__", str(number)), json={},
                             headers={"X-CSRFToken": token})
        assert target.status_code == 200, target.get_data(as_text=True)
        if target.json["direct"]:
            response = requests.put(target.json["url"], data=chunk, timeout=30)
            assert response.status_code == 200
            etag = response.headers["ETag"]
        else:
            response = client.put(target.json["url"], data=chunk, headers={"X-CSRFToken": token})
            assert response.status_code == 200, response.get_data(as_text=True)
            etag = response.json["etag"]
        parts.append({"number": number, "etag": etag})
    return parts


def complete(client: RequestIsolatingClient, started: dict, parts: list[dict]):
    return client.post(started["complete_url"], json={"parts": parts}, headers={"X-CSRFToken": client.csrf_token()})


def upload(client: RequestIsolatingClient, lesson_id: int, filename: str, data: bytes, content_type: str = ""):
    response = start(client, lesson_id, filename, len(data), content_type)
    assert response.status_code == 201, response.get_data(as_text=True)
    started = response.json
    size = started["part_size"]
    chunks = [data[i:i + size] for i in range(0, len(data), size)] or [b""]
    return complete(client, started, send_parts(client, started, chunks))
