"""Everything MCC holds about one person, as machine-readable JSON plus their files, in one ZIP (GDPR Art. 15, 20)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime
from enum import Enum

from sqlalchemy import or_, select

from app.accounts.models import User
from app.certificates.models import Certificate
from app.core.models import AuditEntry
from app.enrolment.models import Enrolment, EnrolmentEvent
from app.extensions import db
from app.learning.models import LessonProgress, QuizAttempt, VideoProgress
from app.placements.models import Application, LogbookEntry, Placement, PlacementDocument
from app.storage import get_storage
from app.training.models import Attendance


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def _row(obj, *skip: str) -> dict:
    return {column.key: _plain(getattr(obj, column.key)) for column in obj.__table__.columns
            if column.key not in skip}


def personal_data(user: User) -> dict:
    placements = list(db.session.scalars(select(Placement).where(Placement.trainee_id == user.id)))
    placement_ids = [p.id for p in placements] or [-1]
    enrolments = list(db.session.scalars(select(Enrolment).where(Enrolment.user_id == user.id)))
    return {
        "format": "MCC personal data export, version 1",
        "exported_at": datetime.now().astimezone().isoformat(),
        "account": _row(user, "password_hash", "calendar_token"),
        "enrolments": [_row(e) for e in enrolments],
        "enrolment_history": [_row(e) for e in db.session.scalars(select(EnrolmentEvent).where(
            EnrolmentEvent.enrolment_id.in_([e.id for e in enrolments] or [-1])))],
        "attendance": [_row(a) for a in db.session.scalars(select(Attendance).where(Attendance.user_id == user.id))],
        "lesson_progress": [_row(p) for p in db.session.scalars(select(LessonProgress).where(
            LessonProgress.user_id == user.id))],
        "video_progress": [_row(p) for p in db.session.scalars(select(VideoProgress).where(
            VideoProgress.user_id == user.id))],
        "quiz_attempts": [_row(a, "snapshot") for a in db.session.scalars(select(QuizAttempt).where(
            QuizAttempt.user_id == user.id))],
        "certificates": [_row(c) for c in db.session.scalars(select(Certificate).where(
            Certificate.user_id == user.id))],
        "internship_applications": [{**_row(a), "choices": [c.offer_id for c in a.choices]}
                                    for a in db.session.scalars(select(Application).where(
                                        Application.user_id == user.id))],
        "placements": [_row(p) for p in placements],
        "logbook": [_row(e) for e in db.session.scalars(select(LogbookEntry).where(
            LogbookEntry.placement_id.in_(placement_ids)))],
        "placement_documents": [_row(d, "storage_key", "storage_backend") for d in db.session.scalars(
            select(PlacementDocument).where(PlacementDocument.placement_id.in_(placement_ids)))],
        "audit_trail": [_row(e) for e in db.session.scalars(select(AuditEntry).where(or_(
            AuditEntry.actor_id == user.id,
            (AuditEntry.object_type == "users") & (AuditEntry.object_id == str(user.id)))).order_by(AuditEntry.id))],
    }


def export_zip(user: User) -> io.BytesIO:
    """data.json plus the person's placement documents under files/."""
    data = personal_data(user)
    buffer = io.BytesIO()
    storage = get_storage()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
        documents = db.session.scalars(select(PlacementDocument).join(Placement).where(
            Placement.trainee_id == user.id))
        for document in documents:
            with storage.open(document.storage_key) as source, \
                    archive.open(f"files/{document.id}-{document.original_filename}", "w") as target:
                while chunk := source.read(1 << 20):
                    target.write(chunk)
    buffer.seek(0)
    return buffer
