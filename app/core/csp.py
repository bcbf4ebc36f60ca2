"""The Content Security Policy: no inline scripts or styles anywhere; one exception for files our own pages frame."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, current_app

F = TypeVar("F", bound=Callable[..., Any])


def content_security_policy(app: Flask) -> dict[str, Any]:
    """No inline scripts or styles anywhere; media and uploads may also talk to the S3 endpoint."""
    extra = []
    for url in (app.config.get("S3_PUBLIC_ENDPOINT_URL"), app.config.get("S3_ENDPOINT_URL")):
        if url and app.config["STORAGE_BACKEND"] == "s3":
            parts = urlsplit(url)
            extra.append(f"{parts.scheme}://{parts.netloc}")
    return {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": ["'self'", "data:", *extra],
        "media-src": ["'self'", "blob:", *extra],  # blob: lets the uploader measure a video's length
        "connect-src": ["'self'", *extra],
        "frame-src": ["'self'", *extra],
        "worker-src": "'self'",  # the service worker (/sw.js) and nothing else
        "manifest-src": "'self'",  # the installable app's manifest
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }


class _SitePolicyFramedBySelf(Mapping):
    """The running app's own policy with only ``frame-ancestors`` relaxed to 'self' (read at request time)."""

    def _policy(self) -> dict[str, Any]:
        # Built once per app (its settings do not change while it runs): Talisman reads every key of it on every
        # response, which rebuilt it a dozen times per download.
        policy = current_app.extensions.get("mcc_framed_csp")
        if policy is None:
            policy = current_app.extensions["mcc_framed_csp"] = {**content_security_policy(current_app),
                                                                 "frame-ancestors": "'self'"}
        return policy

    def __getitem__(self, key: str) -> Any:
        return self._policy()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._policy())

    def __len__(self) -> int:
        return len(self._policy())

    def items(self):  # what Talisman walks on every response: the policy looked up once, not once per key
        return self._policy().items()


def framed_by_own_pages(view: F) -> F:
    """This response (a PDF shown in the lesson page) may be framed by our own pages; every other rule of the
    site's policy stays (Flask-Talisman reads these per-view options)."""
    view.talisman_view_options = {  # type: ignore[attr-defined]
        "frame_options": "SAMEORIGIN", "content_security_policy": _SitePolicyFramedBySelf()}
    return view
