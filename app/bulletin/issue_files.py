"""The issue PDF, built by a worker (``app.downloads``), never in a request.

- Logged-in readers ask for it at ``/bulletin/issues/<id>.pdf``: it is built for them (every published post of the
  issue, in their language) and offered on their downloads page.
- Anonymous visitors get a public copy (public posts only) per issue and language, kept as a generated file nobody
  asked for (no asker: no one's downloads page offers it). A copy carries the fingerprint of what it says; when the
  issue's posts change (one edited, deleted, hidden), the copy no longer matches, is not served, and a new one is
  asked for: the page says it is being prepared. Publishing an issue asks for its public copies at once.
"""

from __future__ import annotations

import json
import logging
import tempfile
from datetime import timedelta
from hashlib import sha256
from typing import BinaryIO

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from app.accounts.models import User
from app.bulletin.models import BulletinIssue, Post, PostStatus, Visibility
from app.bulletin.pdf import issue_pdf
from app.core.db import reading_only, utcnow
from app.core.i18n import LANGUAGES, force_timezone
from app.core.uow import delete_after_commit, delete_unless_committed
from app.downloads.models import GeneratedFile, GeneratedStatus
from app.downloads.services import NotBuildable, Progress, builder, keep_days
from app.extensions import db
from app.jobs.outbox import enqueue, handler
from app.storage import generate_key, get_storage

log = logging.getLogger(__name__)
PDF = "application/pdf"
KIND = "bulletin.issue"
PUBLIC_KIND = "bulletin.issue_public"


def issue_posts(issue: BulletinIssue, *, public_only: bool) -> list[Post]:
    """The issue's published, not deleted posts (public ones only for anonymous readers), in order."""
    return [p for p in issue.posts if p.deleted_at is None and p.status == PostStatus.PUBLISHED
            and (not public_only or p.visibility == Visibility.PUBLIC)]


def filename(issue: BulletinIssue) -> str:
    return f"bulletin-{issue.number}.pdf"


# -- for a logged-in reader ------------------------------------------------------------------------------------
def _may_build(user: User, params: dict) -> bool:
    """Any active logged-in person reads every published post of an issue (members-only ones included)."""
    return bool(getattr(user, "is_active", False))


@builder(KIND, PDF, may_build=_may_build)
def _build(params: dict, asker: User, out: BinaryIO, progress: Progress) -> None:
    issue = db.session.get(BulletinIssue, params["issue"])
    if issue is None:
        raise NotBuildable(f"issue {params['issue']} is gone")
    progress(10)
    language = params.get("language") if params.get("language") in LANGUAGES else asker.language
    with force_locale(language):
        out.write(issue_pdf(issue, issue_posts(issue, public_only=False), language))


# -- the public copies -------------------------------------------------------------------------------------------
def fingerprint(issue: BulletinIssue, language: str) -> str:
    """What a public copy says: the issue's title and period and its public posts' texts and pictures."""
    posts = issue_posts(issue, public_only=True)
    data = [issue.number, issue.title, str(issue.period_start), str(issue.period_end), language,
            [(p.id, p.title, p.body, p.source_language, str(p.published_at),
              [i.storage_key for i in p.images]) for p in posts]]
    return sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def public_copy(issue: BulletinIssue, language: str) -> GeneratedFile | None:
    """The newest public copy of ``issue`` in ``language`` that still says what the issue says now, else None."""
    mark = fingerprint(issue, language)
    for row in db.session.scalars(select(GeneratedFile).where(
            GeneratedFile.kind == PUBLIC_KIND, GeneratedFile.uploaded_by_id.is_(None),
            GeneratedFile.status == GeneratedStatus.READY, GeneratedFile.storage_key.is_not(None))
            .order_by(GeneratedFile.finished_at.desc(), GeneratedFile.id.desc())):
        params = row.params or {}
        if params.get("issue") == issue.id and params.get("language") == language:
            return row if params.get("fingerprint") == mark else None
    return None


def ask_for_public_copy(issue: BulletinIssue, language: str) -> None:
    """Ask the worker for the public copy of what the issue says now (asked once per content and language)."""
    enqueue("bulletin.issue_public", {"issue": issue.id, "language": language},
            key=f"bulletin.issue_public:{issue.id}:{language}:{fingerprint(issue, language)[:16]}")


def ask_for_public_copies(issue: BulletinIssue) -> None:
    for language in LANGUAGES:
        ask_for_public_copy(issue, language)


def build_public_copy(issue_id: int, language: str) -> GeneratedFile | None:
    """Build and store the public copy (when the newest does not already say the same); older copies of the same
    issue and language go (rows now, objects after the commit)."""
    issue = db.session.get(BulletinIssue, issue_id)
    if issue is None or language not in LANGUAGES:
        return None
    if public_copy(issue, language) is not None:
        return None
    zone = current_app.config["DEFAULT_TIMEZONE"]
    with reading_only(), force_locale(language), force_timezone(zone):
        issue = db.session.get(BulletinIssue, issue_id)
        mark = fingerprint(issue, language)
        with tempfile.SpooledTemporaryFile(max_size=16 * 2**20) as out:
            out.write(issue_pdf(issue, issue_posts(issue, public_only=True), language))
            size = out.tell()
            out.seek(0)
            stored = get_storage().save(generate_key("generated"), out, PDF)
        name = filename(issue)
    delete_unless_committed(stored.key)
    now = utcnow()
    row = GeneratedFile(kind=PUBLIC_KIND, params={"issue": issue_id, "language": language, "fingerprint": mark},
                        status=GeneratedStatus.READY, progress=100, attempts=1, started_at=now, finished_at=now,
                        expires_at=now + timedelta(days=keep_days()))
    row.point_to(stored.key, stored.size or size, PDF, stored.sha256, name, None)
    db.session.add(row)
    db.session.flush()
    for older in db.session.scalars(select(GeneratedFile).where(
            GeneratedFile.kind == PUBLIC_KIND, GeneratedFile.uploaded_by_id.is_(None), GeneratedFile.id != row.id)):
        if (older.params or {}).get("issue") == issue_id and (older.params or {}).get("language") == language:
            if older.storage_key:
                delete_after_commit(older.storage_key)
            db.session.delete(older)
    db.session.flush()
    return row


@handler("bulletin.issue_public", attempts=3)
def _build_public(payload: dict) -> None:
    build_public_copy(int(payload["issue"]), str(payload["language"]))
