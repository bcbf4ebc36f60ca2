"""A real S3 server for tests: moto's server as a separate process on 127.0.0.1 (never in-process patches).

moto does not check signatures, expiry or POST policies: tests check what the app generates and verifies.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import boto3
import pytest
import requests
from botocore.config import Config as BotoConfig

# boto3 must never look for real credentials or instance metadata.
os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server():
    """The endpoint URL of a moto S3 server process, for the whole test session.

    On a loaded machine moto can take seconds to answer its first request: any request error (refused, reset,
    timed out) means "not yet"; whatever happens, the process is stopped when the session ends or start fails.
    """
    port = _free_port()
    executable = Path(sys.executable).parent / "moto_server"
    process = subprocess.Popen([str(executable), "-H", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(endpoint, process)
        yield endpoint
    finally:
        stop(process)


def wait_until_answering(endpoint: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            requests.get(endpoint, timeout=2)
            return
        except requests.RequestException:
            if process.poll() is not None:
                raise RuntimeError(f"moto_server exited with status {process.returncode}") from None
            if time.monotonic() > deadline:
                raise RuntimeError(f"moto_server did not answer within {seconds:.0f} s") from None
            time.sleep(0.2)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def s3_client(endpoint: str):
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test",
                        config=BotoConfig(signature_version="s3v4", s3={"addressing_style": "path"}))


@pytest.fixture
def s3_config(s3_server):
    """App settings for a fresh bucket on the test server (emptied and removed afterwards)."""
    bucket = f"mcc-test-{uuid.uuid4().hex[:12]}"
    client = s3_client(s3_server)
    client.create_bucket(Bucket=bucket)
    # Browsers upload parts straight to the bucket and must read the ETag of each part.
    client.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [{
        "AllowedOrigins": ["*"], "AllowedMethods": ["GET", "PUT", "HEAD"], "AllowedHeaders": ["*"],
        "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 600}]})
    yield {
        "STORAGE_BACKEND": "s3",
        "S3_ENDPOINT_URL": s3_server,
        "S3_PUBLIC_ENDPOINT_URL": None,
        "S3_BUCKET": bucket,
        "S3_ACCESS_KEY_ID": "test",
        "S3_SECRET_ACCESS_KEY": "test",
        "S3_REGION": "us-east-1",
        "S3_ADDRESSING_STYLE": "path",
        "S3_PRESIGN_EXPIRES": 300,
    }
    for upload in client.list_multipart_uploads(Bucket=bucket).get("Uploads", []):
        client.abort_multipart_upload(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=bucket, Key=item["Key"])
    client.delete_bucket(Bucket=bucket)
