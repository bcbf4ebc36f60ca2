"""Files built by a worker on request, kept for a limited time."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column, synonym

from app.core.db import TimestampMixin, enum_column
from app.core.files import StoredFile
from app.extensions import db


class GeneratedStatus(enum.StrEnum):
    QUEUED = "queued"  # asked for, waiting for a worker
    WORKING = "working"  # a worker is building it (``progress`` says how far)
    READY = "ready"  # stored; offered to the person who asked until ``expires_at``
    FAILED = "failed"  # could not be built (the person asks again)


class GeneratedFile(StoredFile, TimestampMixin, db.Model):
    """A file a worker builds because someone asked: its kind and parameters say what, ``uploaded_by_id`` (alias
    ``requested_by_id``) who asked — the only person it is offered to. The file columns are filled when it is
    ready; ``original_filename`` holds the download's name from the start."""

    __tablename__ = "generated_files"
    __file_optional__ = True  # no object until it is ready

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The registered builder ("training.evidence_pack", "reporting.people", ...).
    kind: Mapped[str] = mapped_column(String(64))
    #: What the builder needs (a meeting's id, a report's filters), as given when asked.
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[GeneratedStatus] = mapped_column(enum_column(GeneratedStatus), default=GeneratedStatus.QUEUED)
    #: 0–100, written by the worker while it builds (the page polls it).
    progress: Mapped[int] = mapped_column(default=0)
    #: Builds started (a worker that died or a storage outage is retried a few times, then the file is FAILED).
    attempts: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    #: After this the file is deleted by the upkeep (``MCC_GENERATED_FILES_DAYS`` after it was finished).
    expires_at: Mapped[datetime | None] = mapped_column(index=True)

    requested_by_id = synonym("uploaded_by_id")
