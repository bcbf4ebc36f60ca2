"""The Atom feed of the public published posts, in one language (feedgen writes well-formed Atom)."""

from __future__ import annotations

from feedgen.feed import FeedGenerator
from flask import current_app

from app.bulletin.models import Post
from app.catalogue.markdown import render_markdown
from app.core.translated import pick
from app.core.urls import external_url


def atom_feed(posts: list[Post], language: str, title: str) -> bytes:
    """Each post's title and rendered body in ``language``, falling back to the language it was written in."""
    feed = FeedGenerator()
    feed.id(external_url("bulletin.index"))
    feed.title(title)
    feed.language(language)
    feed.link(href=external_url("bulletin.feed", lang=language), rel="self")
    feed.link(href=external_url("bulletin.index"), rel="alternate")
    feed.author({"name": current_app.config.get("PROJECT_NAME") or title})
    feed.updated(max((p.published_at for p in posts), default=None) or _epoch())
    for post in reversed(posts):  # feedgen lists the last added entry first
        entry = feed.add_entry()
        url = external_url("bulletin.post", post_id=post.id)
        entry.id(url)
        entry.link(href=url)
        entry.title(pick(post.title, post.source_language, language))
        entry.content(str(render_markdown(pick(post.body, post.source_language, language))), type="html")
        entry.published(post.published_at)
        entry.updated(post.published_at)
    return feed.atom_str(pretty=True)


def _epoch():
    from datetime import UTC, datetime

    return datetime(2020, 1, 1, tzinfo=UTC)
