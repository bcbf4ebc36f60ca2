"""The intern's logbook (one entry per day, confirmed or returned by the mentor) and the mentor's evaluation.

Submitted days are notified to the mentors (at most once per placement and day: in the daily summary by default),
a returned day to the intern; kinds in ``app.placements.notices``."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from app.accounts.models import User
from app.core.audit import record_event
from app.core.db import utcnow
from app.core.errors import DomainError
from app.core.i18n import in_each_language
from app.core.urls import path_for
from app.extensions import db
from app.network.models import CompanyMember
from app.notifications.services import notify
from app.placements.models import EntryStatus, Evaluation, LogbookEntry, Placement
from app.placements.policies import LOGBOOK_OPEN, can_evaluate, can_mentor, can_review_logbook, is_intern

COMPETENCES = ("safety", "technical_skills", "quality", "teamwork", "communication", "independence")


def firm_mentors(placement: Placement) -> list[User]:
    """The placement's mentor and the host firm's mentors: who may see and review it besides the intern."""
    return list(db.session.scalars(select(User).where(or_(
        User.id == placement.mentor_id,
        User.id.in_(select(CompanyMember.user_id).where(CompanyMember.company_id == placement.company_id,
                                                        CompanyMember.is_mentor.is_(True))))).order_by(User.id)))


def reviewers(placement: Placement) -> list[User]:
    """Who is asked to review the logbook: the placement's mentor, or without one every mentor of the firm."""
    if placement.mentor is not None and placement.mentor.is_active:
        return [placement.mentor]
    return firm_mentors(placement)


def _day(day: date) -> dict[str, str]:
    return in_each_language(lambda language: format_date(day, "long", locale=language))


def confirmed_hours(placement: Placement) -> float:
    """Hours of the days the mentor confirmed (they count toward the planned hours and the certificate)."""
    return float(db.session.scalar(select(func.coalesce(func.sum(LogbookEntry.hours), 0)).where(
        LogbookEntry.placement_id == placement.id, LogbookEntry.status == EntryStatus.CONFIRMED)) or 0)


def save_entry(actor: User, placement: Placement, day: date, hours: float, tasks: str,
               entry: LogbookEntry | None = None) -> LogbookEntry:
    """The trainee records a day; confirmed days can no longer be changed."""
    if not is_intern(actor, placement):
        raise DomainError(_l("Only the intern writes the logbook."))
    if placement.status not in LOGBOOK_OPEN:
        raise DomainError(_l("The logbook is open while the placement is agreed or in progress."))
    if not placement.starts_on <= day <= placement.ends_on:
        raise DomainError(_l("The day must fall within the placement period."), field="day")
    if day > date.today():
        raise DomainError(_l("Days in the future cannot be logged."), field="day")
    if not 0.5 <= hours <= 12:
        raise DomainError(_l("Hours must be between 0.5 and 12."), field="hours")
    if not tasks or len(tasks.strip()) < 5:
        raise DomainError(_l("Describe the tasks done."), field="tasks")
    if entry is None:
        entry = db.session.scalar(select(LogbookEntry).where(LogbookEntry.placement_id == placement.id,
                                                             LogbookEntry.day == day))
        if entry is not None and entry.status != EntryStatus.RETURNED:
            raise DomainError(_l("This day is already in the logbook."), field="day")
    if entry is not None and entry.status == EntryStatus.CONFIRMED:
        raise DomainError(_l("A confirmed day cannot be changed."))
    entry = entry or LogbookEntry(placement_id=placement.id)
    entry.day, entry.hours, entry.tasks, entry.status = day, hours, tasks.strip(), EntryStatus.SUBMITTED
    db.session.add(entry)
    db.session.flush()
    notify(reviewers(placement), "logbook.waiting",
           {"placement": placement.id, "trainee": placement.trainee.full_name, "company": placement.company.name},
           link=path_for("placements.placement", placement_id=placement.id),
           key=f"logbook.waiting:{placement.id}:{utcnow():%Y-%m-%d}")
    return entry


def review_entry(actor: User, entry: LogbookEntry, confirm: bool, comment: str | None) -> None:
    """The mentor confirms a day (its hours count) or returns it with a comment for the intern to fix."""
    if not can_review_logbook(actor, entry):
        raise DomainError(_l("Only the intern's mentor reviews the logbook."))
    if entry.status != EntryStatus.SUBMITTED:
        raise DomainError(_l("This day has already been reviewed."))
    if not confirm and not (comment or "").strip():
        raise DomainError(_l("Say what should be corrected."), field="comment")
    entry.status = EntryStatus.CONFIRMED if confirm else EntryStatus.RETURNED
    entry.mentor_comment = (comment or "").strip() or None
    entry.reviewed_by_id, entry.reviewed_at = actor.id, utcnow()
    record_event("placements.logbook_reviewed", actor=actor, obj=entry,
                 after={"status": entry.status, "hours": entry.hours})
    db.session.flush()
    if not confirm:
        placement = entry.placement
        notify([placement.trainee], "logbook.returned",
               {"placement": placement.id, "day": _day(entry.day), "comment": entry.mentor_comment,
                "company": placement.company.name},
               link=path_for("placements.edit_logbook_day", entry_id=entry.id))


def save_evaluation(actor: User, placement: Placement, ratings: dict[str, int], comment: str | None) -> Evaluation:
    """The mentor rates every competence from 1 to 5 while the placement is in progress."""
    if not can_mentor(actor, placement):
        raise DomainError(_l("Only the intern's mentor evaluates the placement."))
    if not can_evaluate(actor, placement):
        raise DomainError(_l("The evaluation is written while the placement is in progress."))
    if set(ratings) != set(COMPETENCES) or any(not 1 <= r <= 5 for r in ratings.values()):
        raise DomainError(_l("Rate every competence from 1 to 5."))
    evaluation = db.session.scalar(select(Evaluation).where(Evaluation.placement_id == placement.id)) or \
        Evaluation(placement_id=placement.id)
    evaluation.mentor_id, evaluation.ratings, evaluation.comment = actor.id, ratings, (comment or "").strip() or None
    db.session.add(evaluation)
    db.session.flush()
    return evaluation
