"""The training content: specialisations → courses → modules → lessons → materials.

Titles and texts are JSON objects keyed by language (see ``app.core.translated``); ``key`` columns are the stable
identifiers used by the ``courses/`` importer, so renaming a lesson in a file updates it instead of duplicating it.
"""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime

from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.core.db import TimestampMixin, enum_column, utcnow
from app.core.files import StoredFile
from app.extensions import db


class CourseStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class EnrolmentPolicy(enum.StrEnum):
    OPEN = "open"  # trainees enrol themselves
    APPROVAL = "approval"  # trainees ask; a trainer or coordinator decides
    CLOSED = "closed"  # only coordinators enrol people


class MaterialKind(enum.StrEnum):
    VIDEO = "video"
    AUDIO = "audio"
    DOCUMENT = "document"  # PDF and office documents
    IMAGE = "image"
    DRAWING = "drawing"  # CAD: DXF, DWG, STEP, IGES
    CNC_PROGRAM = "cnc_program"  # G-code
    LINK = "link"  # an external URL, no stored object


class MaterialStatus(enum.StrEnum):
    PENDING = "pending"  # upload started, object not verified yet
    PROCESSING = "processing"  # uploaded; a worker is checking its size and content and computing its SHA-256
    READY = "ready"
    REFUSED = "refused"  # the worker refused what arrived (``Material.refusal`` says why); the object is deleted


class MediaStatus(enum.StrEnum):
    """Where a video stands with its phone renditions (``app.catalogue.video``)."""

    NONE = "none"  # not a video, or never converted (served as stored)
    PROCESSING = "processing"  # a worker is converting it (``Material.media_progress`` says how far)
    READY = "ready"  # renditions, HLS ladder, poster and thumbnails are in storage (``Material.media``)
    FAILED = "failed"  # converting failed; the original is served and ``Material.media["error"]`` says why


#: Languages a material may be in; "any" for what needs no language (a drawing, a program, a silent video).
MATERIAL_LANGUAGES = ("pl", "lt", "en", "any")


def new_content_version() -> str:
    """A fresh ``Course.content_version``: random rather than counted, so a restored backup or a database built
    again from scratch can never reuse a version that a shared cache holds for other content."""
    return secrets.token_hex(8)


#: Every lesson done, every quiz passed, and at least 80% of the course's meetings attended.
DEFAULT_COMPLETION_RULE = {"lessons": "all", "quizzes": "all", "min_attendance_percent": 80}


class Specialisation(db.Model):
    __tablename__ = "specialisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)  # cnc, welding, laser, logistics
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[dict] = mapped_column(JSON, default=dict)
    description: Mapped[dict] = mapped_column(JSON, default=dict)

    courses: Mapped[list[Course]] = relationship(back_populates="specialisation")


course_trainers = Table(
    "course_trainers",
    db.metadata,
    Column("course_id", Integer, ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Course(TimestampMixin, db.Model):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable identifier (slug); the importer matches on it.
    key: Mapped[str] = mapped_column(String(100), unique=True)
    specialisation_id: Mapped[int] = mapped_column(ForeignKey("specialisations.id"), index=True)
    #: Language the content is written in first; translations fall back to it.
    source_language: Mapped[str] = mapped_column(String(8), default="pl")
    title: Mapped[dict] = mapped_column(JSON, default=dict)
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
    description: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Nominal training hours (shown on certificates).
    hours: Mapped[int] = mapped_column(default=0)
    status: Mapped[CourseStatus] = mapped_column(enum_column(CourseStatus), default=CourseStatus.DRAFT, index=True)
    enrolment_policy: Mapped[EnrolmentPolicy] = mapped_column(enum_column(EnrolmentPolicy),
                                                              default=EnrolmentPolicy.OPEN)
    #: Places; None means unlimited.
    capacity: Mapped[int | None]
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None]
    #: When an enrolment counts as complete; interpreted by ``app.learning`` (see ``DEFAULT_COMPLETION_RULE``).
    completion_rule: Mapped[dict] = mapped_column(JSON, default=lambda: dict(DEFAULT_COMPLETION_RULE))
    #: Changes with every edit of the course or its modules, lessons, materials, captions and quizzes
    #: (``app.catalogue.versions``): the cached outline (``app.catalogue.outline``) is keyed by it.
    content_version: Mapped[str] = mapped_column(String(16), default=new_content_version)

    specialisation: Mapped[Specialisation] = relationship(back_populates="courses")
    trainers: Mapped[list[User]] = relationship(secondary=course_trainers)
    modules: Mapped[list[Module]] = relationship(back_populates="course", order_by="Module.position",
                                                 cascade="all, delete-orphan")


class Module(db.Model):
    __tablename__ = "modules"
    __table_args__ = (UniqueConstraint("course_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[dict] = mapped_column(JSON, default=dict)
    description: Mapped[dict] = mapped_column(JSON, default=dict)

    course: Mapped[Course] = relationship(back_populates="modules")
    lessons: Mapped[list[Lesson]] = relationship(back_populates="module", order_by="Lesson.position",
                                                 cascade="all, delete-orphan")


class Lesson(db.Model):
    __tablename__ = "lessons"
    # Keys are unique in the whole course, so a lesson moved to another module keeps its identity (and progress).
    __table_args__ = (UniqueConstraint("course_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Denormalised from the module: progress and reports ask "lessons of this course" constantly.
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Markdown per language, rendered safely on display.
    body: Mapped[dict] = mapped_column(JSON, default=dict)
    duration_minutes: Mapped[int] = mapped_column(default=0)

    module: Mapped[Module] = relationship(back_populates="lessons")
    materials: Mapped[list[Material]] = relationship(back_populates="lesson", order_by="Material.position",
                                                     cascade="all, delete-orphan")


class Material(StoredFile, TimestampMixin, db.Model):
    """A file in storage (or an external link) attached to a lesson. Deleting hides it (soft delete)."""

    __file_optional__ = True  # a link has no file

    __tablename__ = "materials"

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    #: Stable identifier for materials that come from ``courses/`` files; None for uploads.
    key: Mapped[str | None] = mapped_column(String(100))
    kind: Mapped[MaterialKind] = mapped_column(enum_column(MaterialKind))
    status: Mapped[MaterialStatus] = mapped_column(enum_column(MaterialStatus), default=MaterialStatus.READY)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[dict] = mapped_column(JSON, default=dict)
    url: Mapped[str | None] = mapped_column(String(2000))
    deleted_at: Mapped[datetime | None] = mapped_column(index=True)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: When ``flask storage purge`` removed the object of this (deleted) material; it can no longer be restored.
    purged_at: Mapped[datetime | None]
    #: Length of a video or audio in seconds, measured by the uploader's browser (the trainer's, trusted).
    duration_seconds: Mapped[float | None]
    description: Mapped[str | None] = mapped_column(Text)
    #: Why a REFUSED upload was refused (a code of ``app.catalogue.uploads.REFUSALS``).
    refusal: Mapped[str | None] = mapped_column(String(32))
    #: The language spoken or written in it (``MATERIAL_LANGUAGES``): the lesson shows the reader's first.
    language: Mapped[str] = mapped_column(String(8), default="any", server_default="any")
    media_status: Mapped[MediaStatus] = mapped_column(enum_column(MediaStatus), default=MediaStatus.NONE,
                                                      server_default=MediaStatus.NONE.value)
    #: Percent of the conversion done, while ``media_status`` is PROCESSING.
    media_progress: Mapped[int] = mapped_column(default=0, server_default="0")
    #: What the conversion made (``app.catalogue.video``): the probe, renditions, HLS ladder, poster, thumbnails.
    media: Mapped[dict] = mapped_column(JSON, default=dict)

    lesson: Mapped[Lesson] = relationship(back_populates="materials")
    captions: Mapped[list[Caption]] = relationship(back_populates="material", order_by="Caption.language",
                                                   cascade="all, delete-orphan")


class Caption(StoredFile, TimestampMixin, db.Model):
    """Subtitles of a video in one language, stored as WebVTT (an SRT upload is converted)."""

    __tablename__ = "captions"
    __table_args__ = (UniqueConstraint("material_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("materials.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    #: How many cues the file holds (checked when it was uploaded).
    cue_count: Mapped[int] = mapped_column(default=0)

    material: Mapped[Material] = relationship(back_populates="captions")


class PendingUpload(TimestampMixin, db.Model):
    """A browser upload in progress: the multipart upload in storage, not yet a material.

    The material row is created when the upload is completed, as PROCESSING: nobody but its trainers sees it, and
    nobody downloads it, until a worker has verified the object (``app.catalogue.uploads.verify_upload``).
    Abandoned uploads are aborted by the daily upkeep (``storage.cleanup_uploads``).
    """

    __tablename__ = "pending_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    storage_backend: Mapped[str] = mapped_column(String(16))
    storage_key: Mapped[str] = mapped_column(String(255), unique=True)
    upload_id: Mapped[str] = mapped_column(String(255))
    original_filename: Mapped[str] = mapped_column(String(255))
    declared_size: Mapped[int] = mapped_column(db.BigInteger)
    declared_type: Mapped[str | None] = mapped_column(String(127))
    part_size: Mapped[int] = mapped_column(db.BigInteger)
    title: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Video/audio length measured by the trainer's browser before uploading.
    duration_seconds: Mapped[float | None]
    language: Mapped[str] = mapped_column(String(8), default="any", server_default="any")
    #: What the browser says identifies the file (name, size, last modified, a hash of its first and last bytes):
    #: choosing the same file again resumes this upload instead of starting another.
    fingerprint: Mapped[str | None] = mapped_column(String(128), index=True)

    lesson: Mapped[Lesson] = relationship()
