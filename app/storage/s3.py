"""S3-compatible storage (AWS S3, MinIO, Ceph RGW) through boto3.

Browsers upload parts and download objects through short-lived presigned URLs, so the app never carries the
bytes of big files. Clients are SigV4 and path-style by default — what MinIO and Ceph RGW expect.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections.abc import Iterator
from datetime import datetime
from typing import BinaryIO

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError
from cachetools import TLRUCache

from app.storage.base import (
    CHUNK_SIZE,
    HashingReader,
    ObjectNotFound,
    Storage,
    StorageUnavailable,
    StoredObject,
    UploadNotFound,
    check_key,
    check_upload_id,
    content_disposition,
    sorted_parts,
)

NOT_FOUND = {"404", "NoSuchKey", "NotFound"}


def _translate(error: Exception, key: str | None = None, upload_id: str | None = None) -> Exception:
    """Map boto errors to the storage interface's exceptions."""
    if isinstance(error, ClientError):
        code = str(error.response.get("Error", {}).get("Code", ""))
        if code in NOT_FOUND:
            return ObjectNotFound(key)
        if code == "NoSuchUpload":
            return UploadNotFound(upload_id)
        if code in {"InvalidPart", "InvalidPartOrder", "EntityTooSmall"}:
            return ValueError(f"S3 refused the parts: {code}")
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        if status >= 500 or code in {"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "NoSuchBucket"}:
            return StorageUnavailable(f"S3: {code}")
        return error
    return StorageUnavailable(f"S3 unreachable: {error}")


def half_life(wanted: tuple, _url: str, now: float) -> float:
    """Until when a signed download URL is handed out again: half of its lifetime (the last item of its key)."""
    return now + wanted[-1] / 2


class S3Storage(Storage):
    name = "s3"
    supports_presigned_urls = True

    def __init__(self, client, bucket: str, presign_client=None, presign_expires: int = 300, health_client=None):
        self.client = client
        self.bucket = bucket
        # Presigned URLs must name the host the browser reaches, which may differ from the app's endpoint.
        self.presign_client = presign_client or client
        self.presign_expires = presign_expires
        # The health check must answer within a couple of seconds even when S3 accepts and never answers.
        self.health_client = health_client or client
        # Download URLs already signed, handed out again while at least half their life is left: signing is
        # pure CPU (a tenth of a download's time) and the URL is the same for everyone the app lets through
        # (access is checked before, on every request). key → URL, expiring after half of ``expires``.
        self._signed: TLRUCache = TLRUCache(maxsize=4096, ttu=half_life)
        self._signed_lock = threading.Lock()

    @classmethod
    def from_config(cls, config, *, connect_timeout: float = 5, max_attempts: int = 3) -> S3Storage:
        def make_client(endpoint: str | None, connect: float = connect_timeout, read: float = 60,
                        attempts: int = max_attempts):
            return boto3.client(
                "s3",
                endpoint_url=endpoint,
                region_name=config["S3_REGION"],
                aws_access_key_id=config["S3_ACCESS_KEY_ID"],
                aws_secret_access_key=config["S3_SECRET_ACCESS_KEY"],
                config=BotoConfig(
                    signature_version="s3v4",
                    s3={"addressing_style": config["S3_ADDRESSING_STYLE"]},
                    retries={"max_attempts": attempts, "mode": "standard"},
                    # boto3 >= 1.36 adds CRC checksums to every upload by default; older MinIO and Ceph RGW
                    # releases refuse them, and presigned part URLs must not demand them from browsers.
                    request_checksum_calculation="when_required",
                    response_checksum_validation="when_required",
                    connect_timeout=connect,
                    read_timeout=read,
                ),
            )

        client = make_client(config["S3_ENDPOINT_URL"])
        public = config.get("S3_PUBLIC_ENDPOINT_URL")
        presign_client = make_client(public) if public and public != config["S3_ENDPOINT_URL"] else client
        health = make_client(config["S3_ENDPOINT_URL"], connect=0.8, read=0.8, attempts=1)
        return cls(client, config["S3_BUCKET"], presign_client, config["S3_PRESIGN_EXPIRES"], health)

    def check(self) -> None:
        try:
            self.health_client.head_bucket(Bucket=self.bucket)
        except (BotoCoreError, ClientError) as error:
            raise StorageUnavailable(f"bucket {self.bucket} unreachable: {error}") from error

    # -- objects -------------------------------------------------------------------------------------------
    def save(self, key: str, stream: BinaryIO, content_type: str | None = None,
             max_bytes: int | None = None) -> StoredObject:
        check_key(key)
        reader = HashingReader(stream, max_bytes)
        extra = {"ContentType": content_type} if content_type else {}
        first = reader.read_full(CHUNK_SIZE)
        try:
            following = reader.read_full(CHUNK_SIZE) if len(first) == CHUNK_SIZE else b""
            if not following:
                # Small enough for one request; the checksum travels as metadata.
                self.client.put_object(Bucket=self.bucket, Key=key, Body=first,
                                       Metadata={"sha256": reader.sha256}, **extra)
                return StoredObject(key, reader.size, reader.sha256, content_type)
        except (BotoCoreError, ClientError) as error:
            raise _translate(error, key) from error
        upload_id = self.create_multipart_upload(key, content_type)
        try:
            parts = []
            chunk, number = first, 1
            while chunk:
                response = self.client.upload_part(Bucket=self.bucket, Key=key, UploadId=upload_id,
                                                   PartNumber=number, Body=chunk)
                parts.append({"PartNumber": number, "ETag": response["ETag"]})
                chunk, following = following, (reader.read_full(CHUNK_SIZE) if following else b"")
                number += 1
            self.client.complete_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id,
                                                  MultipartUpload={"Parts": parts})
        except BaseException as error:
            with contextlib.suppress(Exception):
                self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
            if isinstance(error, BotoCoreError | ClientError):
                raise _translate(error, key) from error
            raise
        return StoredObject(key, reader.size, reader.sha256, content_type)

    def open(self, key: str) -> BinaryIO:
        check_key(key)
        try:
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
        except (BotoCoreError, ClientError) as error:
            raise _translate(error, key) from error

    def read_range(self, key: str, start: int, end: int) -> bytes:
        check_key(key)
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=key, Range=f"bytes={start}-{end}")
            return response["Body"].read()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "InvalidRange":
                return b""
            raise _translate(error, key) from error
        except BotoCoreError as error:
            raise _translate(error, key) from error

    def head(self, key: str) -> StoredObject:
        check_key(key)
        try:
            response = self.client.head_object(Bucket=self.bucket, Key=key)
        except (BotoCoreError, ClientError) as error:
            raise _translate(error, key) from error
        return StoredObject(key, response["ContentLength"], response.get("Metadata", {}).get("sha256"),
                            response.get("ContentType"))

    def delete(self, key: str) -> None:
        check_key(key)
        try:
            self.client.delete_object(Bucket=self.bucket, Key=key)
        except (BotoCoreError, ClientError) as error:
            translated = _translate(error, key)
            if not isinstance(translated, ObjectNotFound):
                raise translated from error

    def iter_objects(self, prefix: str = "") -> Iterator[StoredObject]:
        paginator = self.client.get_paginator("list_objects_v2")
        try:
            for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
                for item in page.get("Contents", []):
                    yield StoredObject(item["Key"], item["Size"], None, None)
        except (BotoCoreError, ClientError) as error:
            raise _translate(error) from error

    def sha256(self, key: str) -> str:
        digest = hashlib.sha256()
        body = self.open(key)
        try:
            for chunk in body.iter_chunks(CHUNK_SIZE):
                digest.update(chunk)
        finally:
            body.close()
        return digest.hexdigest()

    # -- multipart -----------------------------------------------------------------------------------------
    def create_multipart_upload(self, key: str, content_type: str | None) -> str:
        check_key(key)
        extra = {"ContentType": content_type} if content_type else {}
        try:
            return self.client.create_multipart_upload(Bucket=self.bucket, Key=key, **extra)["UploadId"]
        except (BotoCoreError, ClientError) as error:
            raise _translate(error, key) from error

    def upload_part(self, key: str, upload_id: str, part_number: int, stream: BinaryIO,
                    max_bytes: int | None = None) -> str:
        check_key(key)
        reader = HashingReader(stream, max_bytes)
        # A part is at most a few tens of MB (the uploader's part size); S3 needs its length up front.
        body = b"".join(iter(lambda: reader.read(CHUNK_SIZE), b""))
        try:
            return self.client.upload_part(Bucket=self.bucket, Key=key, UploadId=check_upload_id(upload_id),
                                           PartNumber=part_number, Body=body)["ETag"]
        except (BotoCoreError, ClientError) as error:
            raise _translate(error, key, upload_id) from error

    def presigned_part_url(self, key: str, upload_id: str, part_number: int, expires: int,
                           content_length: int | None = None) -> str:
        check_key(key)
        params = {"Bucket": self.bucket, "Key": key, "UploadId": check_upload_id(upload_id), "PartNumber": part_number}
        if content_length is not None:
            params["ContentLength"] = content_length  # signed: the bucket refuses a part of any other size
        return self.presign_client.generate_presigned_url("upload_part", Params=params, ExpiresIn=expires)

    def complete_multipart_upload(self, key: str, upload_id: str, parts: list[tuple[int, str]]) -> StoredObject:
        check_key(key)
        ordered = sorted_parts(parts)
        try:
            # Ask first: an unknown upload must read as UploadNotFound on every S3 implementation.
            self.client.list_parts(Bucket=self.bucket, Key=key, UploadId=check_upload_id(upload_id), MaxParts=1)
            self.client.complete_multipart_upload(
                Bucket=self.bucket, Key=key, UploadId=check_upload_id(upload_id),
                MultipartUpload={"Parts": [{"PartNumber": n, "ETag": etag} for n, etag in ordered]})
        except (BotoCoreError, ClientError) as error:
            raise _translate(error, key, upload_id) from error
        head = self.head(key)
        return StoredObject(key, head.size, None, head.content_type)

    def list_parts(self, key: str, upload_id: str) -> list[tuple[int, str, int]]:
        check_key(key)
        parts, marker = [], 0
        try:
            while True:  # at most 1,000 parts an answer
                response = self.client.list_parts(Bucket=self.bucket, Key=key, UploadId=check_upload_id(upload_id),
                                                  PartNumberMarker=marker)
                parts += [(p["PartNumber"], p["ETag"], p["Size"]) for p in response.get("Parts", [])]
                if not response.get("IsTruncated"):
                    return sorted(parts)
                marker = int(response["NextPartNumberMarker"])
        except (BotoCoreError, ClientError) as error:
            raise _translate(error, key, upload_id) from error

    def abort_multipart_upload(self, key: str, upload_id: str) -> None:
        check_key(key)
        try:
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=check_upload_id(upload_id))
        except (BotoCoreError, ClientError) as error:
            translated = _translate(error, key, upload_id)
            if not isinstance(translated, UploadNotFound | ObjectNotFound):
                raise translated from error

    def list_multipart_uploads(self) -> list[tuple[str, str, datetime]]:
        try:
            response = self.client.list_multipart_uploads(Bucket=self.bucket)
        except (BotoCoreError, ClientError) as error:
            raise _translate(error) from error
        return [(u["Key"], u["UploadId"], u["Initiated"]) for u in response.get("Uploads", [])]

    def presigned_get_url(self, key: str, *, expires: int, filename: str | None = None,
                          content_type: str | None = None, inline: bool = True) -> str:
        check_key(key)
        wanted = (key, filename, content_type, inline, expires)
        with self._signed_lock:
            url = self._signed.get(wanted)
        if url is not None:
            return url
        params = {"Bucket": self.bucket, "Key": key,
                  "ResponseContentDisposition": content_disposition(filename, inline)}
        if content_type:
            params["ResponseContentType"] = content_type
        url = self.presign_client.generate_presigned_url("get_object", Params=params, ExpiresIn=expires)
        with self._signed_lock:
            self._signed[wanted] = url
        return url
