"""Bulletin posts and the periodic issues that gather them."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.core.db import TimestampMixin, enum_column
from app.core.files import StoredFile
from app.extensions import db


class PostStatus(enum.StrEnum):
    DRAFT = "draft"
    #: A member's proposal waiting for a coordinator.
    PROPOSED = "proposed"
    PUBLISHED = "published"
    REJECTED = "rejected"


class Visibility(enum.StrEnum):
    PUBLIC = "public"
    #: Logged-in people only.
    MEMBERS = "members"


class BulletinIssue(TimestampMixin, db.Model):
    """A numbered issue of the bulletin: the posts published in its period, downloadable as one PDF."""

    __tablename__ = "bulletin_issues"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    #: {"pl": ..., "lt": ..., "en": ...}
    title: Mapped[dict] = mapped_column(JSON, default=dict)
    period_start: Mapped[date]
    period_end: Mapped[date]
    published_at: Mapped[datetime | None]

    posts: Mapped[list[Post]] = relationship(back_populates="issue", order_by="Post.published_at")


class Post(TimestampMixin, db.Model):
    """A news post: title and Markdown body per language, shown in the reader's language with a marked fallback."""

    __tablename__ = "bulletin_posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[dict] = mapped_column(JSON, default=dict)
    body: Mapped[dict] = mapped_column(JSON, default=dict)
    #: The language the author wrote in: the fallback when the reader's is missing.
    source_language: Mapped[str] = mapped_column(String(5))
    visibility: Mapped[Visibility] = mapped_column(enum_column(Visibility), default=Visibility.PUBLIC)
    status: Mapped[PostStatus] = mapped_column(enum_column(PostStatus), default=PostStatus.DRAFT)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("bulletin_issues.id", ondelete="SET NULL"), index=True)
    #: Soft delete: a deleted post disappears everywhere but keeps its row (and its audit trail).
    deleted_at: Mapped[datetime | None]

    author: Mapped[User] = relationship()
    issue: Mapped[BulletinIssue | None] = relationship(back_populates="posts")
    images: Mapped[list[PostImage]] = relationship(back_populates="post", order_by="PostImage.position, PostImage.id",
                                                   cascade="all, delete-orphan")


class PostImage(StoredFile, TimestampMixin, db.Model):
    """A picture of a post (JPEG, PNG or WebP, checked by its content), shown on the post's page and in the issue
    PDF; whoever may read the post sees it."""

    __tablename__ = "bulletin_post_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("bulletin_posts.id", ondelete="CASCADE"), index=True)
    #: What the picture shows, for people who cannot see it (its alt text), in the post's language.
    caption: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[int] = mapped_column(default=0)

    post: Mapped[Post] = relationship(back_populates="images")
