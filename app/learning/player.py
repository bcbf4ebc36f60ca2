"""What the lesson page's video player plays: the HLS ladder and MP4 renditions a worker made
(``app.catalogue.processing``), captions per language, the poster, and the person's "data saver" choice.

Plain functions (no request): the routes in ``media_routes`` check access and answer; the lesson page asks
``player_for`` what to put in the ``<video>`` element.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask import url_for

from app.catalogue.models import Caption, Material, MediaStatus
from app.core.i18n import LANGUAGES

#: The part of a playlist or segment path below ``<prefix>hls/`` that may be asked for (nothing else is served).
HLS_NAME = re.compile(r"^(?:master\.m3u8|[0-9]{3,4}p/[A-Za-z0-9_-]{1,64}\.(?:m3u8|ts|m4s|mp4))$")
#: Renditions and pictures below ``<prefix>``.
MEDIA_NAME = re.compile(r"^(?:[0-9]{3,4}p\.mp4|poster\.jpg|thumb-[0-9]{1,2}\.jpg)$")
CONTENT_TYPES = {"m3u8": "application/vnd.apple.mpegurl", "ts": "video/mp2t", "m4s": "video/iso.segment",
                 "mp4": "video/mp4", "jpg": "image/jpeg"}
#: The rendition a phone starts with when HLS is not available and the person did not ask to save data.
DEFAULT_FALLBACK_HEIGHT = 540


def content_type_of(name: str) -> str:
    return CONTENT_TYPES[name.rsplit(".", 1)[-1]]


def converted(material: Material) -> bool:
    return material.media_status == MediaStatus.READY and bool((material.media or {}).get("renditions"))


def media_key(material: Material, name: str) -> str | None:
    """The storage key of ``name`` (``540p.mp4``, ``poster.jpg``, ``hls/720p/index.m3u8``) if the conversion made
    it; None otherwise (a name never becomes a key without being found among the outputs)."""
    media = material.media or {}
    prefix = media.get("prefix")
    if not converted(material) or not prefix:
        return None
    if name.startswith("hls/"):
        if not HLS_NAME.match(name[4:]):
            return None
        variant = name[4:].split("/", 1)[0]
        heights = {f"{r['height']}p" for r in media["renditions"]}
        return prefix + name if name == "hls/master.m3u8" or variant in heights else None
    if not MEDIA_NAME.match(name):
        return None
    known = {r["key"] for r in media["renditions"]} | {media.get("poster")} | {
        t["key"] for t in media.get("thumbnails", [])}
    return prefix + name if prefix + name in known else None


def fallback_rendition(material: Material, data_saver: bool) -> dict | None:
    """The MP4 a browser without HLS plays: the smallest with data saver on, else the largest up to 540p."""
    renditions = sorted((material.media or {}).get("renditions", []), key=lambda r: r["height"])
    if not renditions or not converted(material):
        return None
    if data_saver:
        return renditions[0]
    fitting = [r for r in renditions if r["height"] <= DEFAULT_FALLBACK_HEIGHT]
    return fitting[-1] if fitting else renditions[0]


def lowest_rendition(material: Material) -> dict:
    """The smallest MP4 rendition of a converted video."""
    return min(material.media["renditions"], key=lambda r: r["height"])


def rewrite_playlist(text: str, sign: callable) -> str:
    """A media playlist with every URI line replaced by ``sign(uri)`` (S3: segments go straight to the bucket by
    short-lived URLs, so the playlist is the only request through the app)."""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        lines.append(sign(stripped) if stripped and not stripped.startswith("#") else line)
    return "\n".join(lines) + "\n"


@dataclass
class Track:
    language: str
    url: str
    default: bool


@dataclass
class Player:
    """What the lesson page puts in a ``<video>``."""

    hls_url: str | None
    mp4_url: str
    mp4_height: int | None
    poster_url: str | None
    tracks: list[Track] = field(default_factory=list)
    data_saver: bool = False
    #: The smallest rendition: what a course saved for offline use keeps (app.learning.offline).
    offline_url: str | None = None


def caption_tracks(material: Material, viewer_language: str) -> list[Track]:
    """Captions in the order of ``LANGUAGES``, the viewer's own preselected (only theirs: a Polish trainee
    watching a Polish video may still turn on Lithuanian)."""
    order = {language: index for index, language in enumerate(LANGUAGES)}
    captions: list[Caption] = sorted(material.captions, key=lambda c: order.get(c.language, 99))
    return [Track(c.language, url_for("learning.material_captions", material_id=material.id, language=c.language),
                  c.language == viewer_language) for c in captions]


def player_for(material: Material, viewer_language: str, data_saver: bool) -> Player:
    original = url_for("learning.material_file", material_id=material.id)
    tracks = caption_tracks(material, viewer_language)
    if not converted(material):
        return Player(None, original, None, None, tracks, data_saver)
    fallback = fallback_rendition(material, data_saver)
    name = fallback["key"].rsplit("/", 1)[-1]
    poster = (material.media or {}).get("poster")
    return Player(url_for("learning.material_hls", material_id=material.id, name="master.m3u8"),
                  url_for("learning.material_media", material_id=material.id, name=name), fallback["height"],
                  url_for("learning.material_media", material_id=material.id, name="poster.jpg") if poster else None,
                  tracks, data_saver, url_for("learning.material_media", material_id=material.id,
                                              name=lowest_rendition(material)["key"].rsplit("/", 1)[-1]))
