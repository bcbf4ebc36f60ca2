"""Erasing a person on request (GDPR Art. 17) without breaking the project's figures.

The person's row stays (indicators count people, and attendance, completion and placements point at it), but
every field that identifies them is replaced: name, e-mail, password, employer, calendar token, consent. What
they typed (attendance remarks about them, logbook tasks, motivations, mentor comments) is blanked; the files
of their placements are removed from storage; certificates keep their validity but no longer name them; audit
entries and other people's notifications keep their shape but every occurrence of the name or e-mail in them is
replaced; their own notifications are deleted, and so are all generated downloads (an export may list them: they
can be asked for again). Country and gender stay:
they are needed for the funder's anonymous breakdowns and identify nobody on their own.

Rows change in one transaction (with its own audit entry); objects are deleted after the commit (an
``after_commit`` callback of the unit of work), so a failed commit leaves the files in place, and a failed delete
leaves only an unreferenced object that ``flask storage check`` reports and ``flask storage purge`` removes.
"""

from __future__ import annotations

import json
import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select, update

from app.accounts.models import User
from app.certificates.models import Certificate
from app.core.audit import record_event
from app.core.db import utcnow
from app.core.errors import DomainError
from app.core.models import AuditEntry
from app.core.uow import after_commit
from app.downloads.services import discard_all_files
from app.enrolment.models import Enrolment, EnrolmentEvent
from app.extensions import db
from app.notifications.models import Notification
from app.placements.models import Application, LogbookEntry, Placement, PlacementDocument
from app.privacy.policies import can_erase_people
from app.storage import get_storage
from app.storage.base import StorageUnavailable
from app.training.models import Attendance, AttendanceChange

log = logging.getLogger(__name__)
ERASED = "[erased]"


def erased_name(user: User) -> str:
    return f"Erased person #{user.id}"


def _scrub(value, needles: list[str], replacement: str):
    """Replace the needles in every string inside a JSON value."""
    if isinstance(value, str):
        for needle in needles:
            value = value.replace(needle, replacement).replace(needle.lower(), replacement)
        return value
    if isinstance(value, list):
        return [_scrub(v, needles, replacement) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, needles, replacement) for k, v in value.items()}
    return value


def erase_person(actor: User, person: User, reason: str) -> list[str]:
    """Anonymise ``person`` (and the records merged into them) in the current transaction; returns the storage
    keys of their files, which are deleted once the transaction commits."""
    if not can_erase_people(actor, person):
        raise DomainError(_l("Only administrators erase people."))
    if person.id == actor.id:
        raise DomainError(_l("You cannot erase your own account."))
    if person.erased_at is not None:
        raise DomainError(_l("This person has already been erased."))
    if not (reason or "").strip():
        raise DomainError(_l("Please record why (e.g. the date and reference of the request)."), field="reason")
    needles = identifying_texts(person)
    replacement = erased_name(person)
    keys, merged = anonymise_person(person)
    record_event("privacy.person_erased", actor=actor, obj=person,
                 after={"reason": _scrub(reason.strip(), needles, replacement), "documents_removed": len(keys),
                        "merged_records": merged})
    return keys


def identifying_texts(person: User) -> list[str]:
    """The name and e-mail of ``person`` and of the records merged into them, longest first."""
    merged = list(db.session.scalars(select(User).where(User.merged_into_id == person.id)))
    return sorted({n for p in (person, *merged) for n in (p.full_name, p.email) if n and len(n) >= 3},
                  key=len, reverse=True)


def anonymise_person(person: User) -> tuple[list[str], list[int]]:
    """Replace everything that identifies ``person`` (and the records merged into them) in the current transaction;
    their files are deleted after the commit, and so is every generated download (an export may name them).
    Returns the storage keys removed and the ids of the merged records. (The erasure on request, and the retention
    period's end, ``app.privacy.retention``.)"""
    merged = list(db.session.scalars(select(User).where(User.merged_into_id == person.id)))
    needles = identifying_texts(person)
    keys = []
    for record in merged:
        keys += _erase_rows(record, needles, erased_name(record))
    keys += _erase_rows(person, needles, erased_name(person))
    after_commit(lambda: remove_objects(keys))
    discard_all_files()
    db.session.flush()
    return keys, [r.id for r in merged]


def _erase_rows(person: User, needles: list[str], replacement: str) -> list[str]:
    placements = list(db.session.scalars(select(Placement.id).where(Placement.trainee_id == person.id)))
    documents = list(db.session.scalars(select(PlacementDocument).where(or_(
        PlacementDocument.placement_id.in_(placements or [-1]), PlacementDocument.uploaded_by_id == person.id))))
    keys = [d.storage_key for d in documents]
    for document in documents:
        db.session.delete(document)
    db.session.execute(update(LogbookEntry).where(LogbookEntry.placement_id.in_(placements or [-1]))
                       .values(tasks=ERASED, mentor_comment=None))
    db.session.execute(update(Placement).where(Placement.trainee_id == person.id,
                                               Placement.cancel_reason.is_not(None)).values(cancel_reason=ERASED))
    db.session.execute(update(Application).where(Application.user_id == person.id).values(motivation=ERASED))
    attendance_ids = select(Attendance.id).where(Attendance.user_id == person.id)
    db.session.execute(update(Attendance).where(Attendance.user_id == person.id).values(remark=None))
    db.session.execute(update(AttendanceChange).where(AttendanceChange.attendance_id.in_(attendance_ids))
                       .values(from_remark=None, to_remark=None))
    db.session.execute(update(Certificate).where(Certificate.user_id == person.id).values(holder_name=replacement))
    # JSON is stored with non-ASCII letters escaped (\u0141ukasz): look for both spellings.
    spellings = {form for n in needles for form in (n, json.dumps(n)[1:-1])}
    for entry in db.session.scalars(select(AuditEntry).where(or_(
            AuditEntry.actor_id == person.id,
            (AuditEntry.object_type == "users") & (AuditEntry.object_id == str(person.id)),
            *[db.cast(AuditEntry.before, db.Text).contains(n) for n in spellings],
            *[db.cast(AuditEntry.after, db.Text).contains(n) for n in spellings]))):
        entry.before = _scrub(entry.before, needles, replacement)
        entry.after = _scrub(entry.after, needles, replacement)
    # Their own notifications go; others' that name them (a trainer told about a trainee) keep their shape.
    db.session.execute(delete(Notification).where(Notification.user_id == person.id))
    for notification in db.session.scalars(select(Notification).where(or_(
            *[db.cast(Notification.params, db.Text).contains(n) for n in spellings]))):
        notification.params = _scrub(notification.params, needles, replacement)
    enrolment_ids = select(Enrolment.id).where(Enrolment.user_id == person.id)
    db.session.execute(update(EnrolmentEvent).where(EnrolmentEvent.enrolment_id.in_(enrolment_ids),
                                                    EnrolmentEvent.reason.is_not(None)).values(reason=ERASED))
    person.full_name, person.email, person.password_hash = replacement, None, None
    person.company_name, person.employer_id = None, None
    person.calendar_token, person.last_login_at = None, None
    person.consent_version, person.consent_at = None, None
    person.is_active, person.erased_at, person.unread_notifications = False, utcnow(), 0
    return keys


def remove_objects(keys: list[str]) -> None:
    storage = get_storage()
    for key in keys:
        try:
            storage.delete(key)
        except StorageUnavailable:
            log.exception("could not remove %s after an erasure; `flask storage purge` will", key)
