"""S3-compatible storage (AWS S3, MinIO, Ceph RGW) through boto3."""

from __future__ import annotations

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError

from app.storage.base import Storage, StorageUnavailable


class S3Storage(Storage):
    name = "s3"

    def __init__(self, client, bucket: str, presign_client=None, presign_expires: int = 300):
        self.client = client
        self.bucket = bucket
        # Presigned URLs must name the host the browser reaches, which may differ from the app's endpoint.
        self.presign_client = presign_client or client
        self.presign_expires = presign_expires

    @classmethod
    def from_config(cls, config) -> S3Storage:
        def make_client(endpoint: str | None):
            return boto3.client(
                "s3",
                endpoint_url=endpoint,
                region_name=config["S3_REGION"],
                aws_access_key_id=config["S3_ACCESS_KEY_ID"],
                aws_secret_access_key=config["S3_SECRET_ACCESS_KEY"],
                # SigV4 and path-style addressing: what MinIO and Ceph RGW expect (boto3 would presign SigV2).
                config=BotoConfig(
                    signature_version="s3v4",
                    s3={"addressing_style": config["S3_ADDRESSING_STYLE"]},
                    retries={"max_attempts": 3, "mode": "standard"},
                    connect_timeout=5,
                    read_timeout=60,
                ),
            )

        client = make_client(config["S3_ENDPOINT_URL"])
        public = config.get("S3_PUBLIC_ENDPOINT_URL")
        presign_client = make_client(public) if public and public != config["S3_ENDPOINT_URL"] else client
        return cls(client, config["S3_BUCKET"], presign_client, config["S3_PRESIGN_EXPIRES"])

    def check(self) -> None:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (BotoCoreError, ClientError) as error:
            raise StorageUnavailable(f"bucket {self.bucket} unreachable: {error}") from error
