"""What MCC keeps, for how long and why (shown on the privacy page; the notice's version covers this table) — and
the daily upkeep that holds to it (``privacy.retention``, also ``flask jobs run privacy.retention``).

EU-funded projects must keep the evidence of eligibility and results available for audit (Regulation (EU)
2021/1060, Art. 82: five years from 31 December of the year of the last payment to the project). Figures below
follow that rule; a programme's own contract may ask for longer. The final payment's date is set once known
(``MCC_PROJECT_FINAL_PAYMENT``); until then the evidence periods have not begun to run and nothing of it is erased.

What each period's end does (every run that changes something is recorded in the audit trail):
- failed logins in the audit trail older than a year are deleted;
- records of background work done (mails sent) older than 30 days are deleted (failed ones stay for the admins);
- at the end of the evidence period (1 January of the sixth year after the final payment's year): the audit
  trail from before it is deleted; signed attendance sheets and placement documents (scans with signatures) are
  deleted with their objects; every account not used since then (no login after the period ended, or for a year)
  is anonymised as an erasure on request would (``app.privacy.erasure``): the anonymous rows stay in the figures;
- unfinished uploads and generated downloads are removed by their own upkeep (``storage.cleanup_uploads``,
  ``downloads.remove_expired``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l, ngettext
from sqlalchemy import delete, or_, select

from app.accounts.models import User
from app.core.audit import record_event
from app.core.db import utcnow
from app.core.models import AuditEntry
from app.core.uow import after_commit
from app.extensions import db
from app.jobs.models import OutboxMessage
from app.jobs.outbox import handler
from app.jobs.schedule import every
from app.placements.models import PlacementDocument
from app.privacy.erasure import anonymise_person, remove_objects
from app.training.models import SignedSheet

log = logging.getLogger(__name__)
FAILED_LOGINS_KEPT = timedelta(days=365)
BACKGROUND_WORK_KEPT = timedelta(days=30)
#: After the evidence period, an account still in use is kept until it has not been used for this long.
UNUSED_ACCOUNT = timedelta(days=365)


class _Days:
    """A period set in the configuration, shown in the reader's language when the page is rendered."""

    def __init__(self, setting: str):
        self.setting = setting

    def __str__(self) -> str:
        days = int(current_app.config[self.setting])
        return ngettext("%(num)s day", "%(num)s days", days)


class _Hours(_Days):
    """A period set in hours in the configuration: shown in days when it is whole days."""

    def __str__(self) -> str:
        hours = int(current_app.config[self.setting])
        if hours and hours % 24 == 0:
            return ngettext("%(num)s day", "%(num)s days", hours // 24)
        return ngettext("%(num)s hour", "%(num)s hours", hours)


def evidence_end() -> datetime | None:
    """When the evidence kept "5 years after the project's final payment" may go: 1 January of the sixth year after
    the payment's year (five years from its 31 December). None while the payment's date is not set."""
    value = current_app.config.get("PROJECT_FINAL_PAYMENT")
    if not value:
        return None
    try:
        paid = date.fromisoformat(str(value))
    except ValueError:
        log.error("MCC_PROJECT_FINAL_PAYMENT=%r is not a date (YYYY-MM-DD): the evidence periods are not applied",
                  value)
        return None
    return datetime(paid.year + 6, 1, 1, tzinfo=UTC)


def remove_failed_logins(now: datetime) -> int:
    return db.session.execute(delete(AuditEntry).where(
        AuditEntry.action == "auth.login_failed", AuditEntry.created_at < now - FAILED_LOGINS_KEPT)).rowcount or 0


def remove_background_work(now: datetime) -> int:
    return db.session.execute(delete(OutboxMessage).where(
        OutboxMessage.done_at.is_not(None), OutboxMessage.done_at < now - BACKGROUND_WORK_KEPT)).rowcount or 0


def remove_old_audit_trail(now: datetime) -> int:
    end = evidence_end()
    if end is None or now < end:
        return 0
    return db.session.execute(delete(AuditEntry).where(AuditEntry.created_at < end)).rowcount or 0


def remove_signed_documents(now: datetime) -> int:
    """Scans of signed attendance sheets and placement documents: rows now, objects after the commit."""
    end = evidence_end()
    if end is None or now < end:
        return 0
    keys = []
    for model in (SignedSheet, PlacementDocument):
        rows = list(db.session.scalars(select(model)))
        keys += [row.storage_key for row in rows]
        for row in rows:
            db.session.delete(row)
    db.session.flush()
    after_commit(lambda: remove_objects(keys))
    return len(keys)


def anonymise_unused_accounts(now: datetime) -> int:
    end = evidence_end()
    if end is None or now < end:
        return 0
    unused_since = max(end, now - UNUSED_ACCOUNT)
    people = list(db.session.scalars(select(User).where(
        User.erased_at.is_(None), User.merged_into_id.is_(None),
        or_(User.last_login_at.is_(None), User.last_login_at < unused_since)).order_by(User.id)))
    for person in people:
        anonymise_person(person)
    return len(people)


@dataclass(frozen=True)
class Period:
    what: object
    kept: object
    why: object
    #: Erases or anonymises what is past the period at the given moment; returns how many things it changed.
    enforce: tuple[Callable[[datetime], int], ...] = ()
    #: Or: the scheduled upkeep that does (``flask jobs run <name>``).
    enforced_by: str | None = None

    def __iter__(self):  # the privacy page shows (what, kept, why)
        return iter((self.what, self.kept, self.why))


EVIDENCE = _l("5 years after the project's final payment")

RETENTION = [
    Period(_l("Account: name, e-mail, country, employer, language"),
           _l("while the account is used, then until 5 years after the project's final payment"),
           _l("identifying participants in the funder's checks"), (anonymise_unused_accounts,)),
    Period(_l("Enrolments, attendance and its history, signed attendance sheets"), EVIDENCE,
           _l("evidence of eligible activities for the funder's audits"), (remove_signed_documents,)),
    Period(_l("Lesson progress, quiz attempts, completion history, certificates"), EVIDENCE,
           _l("evidence of results; certificates stay verifiable")),
    Period(_l("Internship placements, logbooks, evaluations and their documents"), EVIDENCE,
           _l("evidence of placements for the funder")),
    Period(_l("Audit trail (who changed what)"), EVIDENCE, _l("accountability for evidence and security"),
           (remove_old_audit_trail,)),
    Period(_l("Failed login attempts in the audit trail"), _l("1 year"), _l("security"), (remove_failed_logins,)),
    Period(_l("Unfinished uploads"), _Hours("UPLOAD_ABANDONED_AFTER_HOURS"),
           _l("removed automatically (flask storage cleanup-uploads)"),
           enforced_by="storage.cleanup_uploads"),
    Period(_l("Files prepared for download (evidence packs, exports)"), _Days("GENERATED_FILES_DAYS"),
           _l("offered only to the person who asked, then deleted automatically"),
           enforced_by="downloads.remove_expired"),
    Period(_l("Records of the system's background work (mails sent)"), _l("30 days"),
           _l("finding out why a mail did not arrive"), (remove_background_work,)),
]


def enforce_retention(now: datetime | None = None) -> dict[str, int]:
    """Apply every period of the table at ``now``: what it changed, by rule (each recorded in the audit trail).
    The audit trail's and the documents' periods run before the accounts' (less to scrub)."""
    now = now or utcnow()
    done: dict[str, int] = {}
    first = (remove_old_audit_trail, remove_signed_documents)
    rules = [rule for period in RETENTION for rule in period.enforce]
    rules.sort(key=lambda rule: first.index(rule) if rule in first else len(first))
    for rule in rules:
        count = rule(now)
        if count:
            done[rule.__name__] = count
            end = evidence_end()
            record_event("privacy.retention_applied", object_type="retention", object_id=rule.__name__,
                         after={"count": count, "evidence_end": end.date().isoformat() if end else None})
            db.session.flush()
    return done


@handler("privacy.retention", attempts=3)
def _enforce(payload: dict) -> None:
    enforce_retention()


every("privacy.retention", "privacy.retention", hour=4, minute=15)
