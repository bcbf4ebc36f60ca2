"""Proving presence at a meeting: a rotating QR code (or its short typed code) shown by the trainer, and a
personal QR ticket a trainer can scan.

The rotating code changes every ``WINDOW_SECONDS``. A token names its meeting and its window and is signed with
the app's key (itsdangerous); a typed code is an HMAC of the meeting's own secret and the window. Both are
accepted only for the current window and the one before it (so a code read just before it changed still works),
only while the meeting is open, and only from people enrolled in the course. A photo of the code sent to a friend
stops working within a minute.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import User
from app.core.db import utcnow
from app.core.errors import DomainError
from app.core.tokens import TokenExpired, TokenInvalid, load_token, make_token
from app.enrolment.policies import is_enrolled
from app.extensions import db
from app.notifications.services import notify
from app.training.membership import belongs
from app.training.models import Attendance, AttendanceMethod, AttendanceStatus, TrainingSession
from app.training.policies import can_run_meeting
from app.training.services import meeting_params, record_attendance

WINDOW_SECONDS = 30
#: Check-in opens this long before the start and closes at the end of the meeting.
OPENS_BEFORE = timedelta(minutes=30)
CHECKIN_PURPOSE = "meeting-checkin"
TICKET_PURPOSE = "trainee-ticket"
TICKET_MAX_AGE = 3 * 365 * 86400


def window_of(moment: datetime) -> int:
    return int(moment.timestamp() // WINDOW_SECONDS)


def is_open(meeting: TrainingSession, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return not meeting.is_cancelled and meeting.starts_at - OPENS_BEFORE <= now <= meeting.ends_at


def checkin_token(meeting: TrainingSession, now: datetime | None = None) -> str:
    return make_token(CHECKIN_PURPOSE, {"m": meeting.id, "w": window_of(now or utcnow())})


def short_code(meeting: TrainingSession, window: int) -> str:
    digest = hmac.new(meeting.checkin_secret.encode(), f"{meeting.id}:{window}".encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:4], 'big') % 1_000_000:06d}"


def current_code(meeting: TrainingSession, now: datetime | None = None) -> str:
    return short_code(meeting, window_of(now or utcnow()))


def seconds_left(now: datetime | None = None) -> int:
    now = now or utcnow()
    return WINDOW_SECONDS - int(now.timestamp()) % WINDOW_SECONDS


def _require_open(meeting: TrainingSession, now: datetime) -> None:
    if meeting.is_cancelled:
        raise DomainError(_l("This meeting was cancelled."))
    if now < meeting.starts_at - OPENS_BEFORE:
        raise DomainError(_l("Check-in for this meeting has not opened yet."))
    if now > meeting.ends_at:
        raise DomainError(_l("This meeting has ended; check-in is closed."))


def _accept(meeting: TrainingSession, user: User, method: AttendanceMethod, actor: User) -> Attendance:
    if meeting.course_id is None:  # a hosted meeting (an event's): its host says who belongs
        if not belongs(user.id, meeting):
            raise DomainError(_l("%(name)s is not registered for this event.", name=user.full_name))
    elif not is_enrolled(user, meeting.course_id):
        raise DomainError(_l("%(name)s is not enrolled in this course.", name=user.full_name))
    current = db.session.scalar(select(Attendance).where(Attendance.session_id == meeting.id,
                                                         Attendance.user_id == user.id))
    if current is not None and current.status in (AttendanceStatus.PRESENT, AttendanceStatus.LATE):
        return current  # scanning twice changes nothing
    attendance = record_attendance(meeting, user, AttendanceStatus.PRESENT, None, actor, method)
    # The person's own proof that it counted (in MCC only: they are at the meeting, not at their mail).
    notify([user], "checkin.confirmed", meeting_params(meeting), link=meeting.link)
    return attendance


def check_in_with_token(meeting: TrainingSession, token: str, user: User, now: datetime | None = None) -> Attendance:
    """A trainee scanned the rotating QR code of ``meeting``."""
    now = now or utcnow()
    try:
        payload = load_token(CHECKIN_PURPOSE, token, max_age_seconds=3 * WINDOW_SECONDS)
    except TokenExpired:
        raise DomainError(_l("This check-in code has expired. Scan the code on the trainer's screen again.")) \
            from None
    except TokenInvalid:
        raise DomainError(_l("This check-in code is not valid.")) from None
    if not isinstance(payload, dict) or payload.get("m") != meeting.id:
        raise DomainError(_l("This check-in code belongs to another meeting."))
    if payload.get("w") not in (window_of(now), window_of(now) - 1):
        raise DomainError(_l("This check-in code has expired. Scan the code on the trainer's screen again."))
    _require_open(meeting, now)
    return _accept(meeting, user, AttendanceMethod.SELF_CHECKIN, user)


def check_in_with_code(meeting: TrainingSession, code: str, user: User, now: datetime | None = None) -> Attendance:
    """A trainee typed the short code shown beside the QR code."""
    now = now or utcnow()
    _require_open(meeting, now)
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    window = window_of(now)
    if not any(hmac.compare_digest(code, short_code(meeting, w)) for w in (window, window - 1)):
        raise DomainError(_l("This code is not valid or has expired. Type the code shown on the trainer's screen."),
                          field="code")
    return _accept(meeting, user, AttendanceMethod.SELF_CHECKIN, user)


def ticket_for(user: User) -> str:
    """The payload of a trainee's personal QR ticket."""
    return make_token(TICKET_PURPOSE, {"u": user.id})


def check_in_with_ticket(meeting: TrainingSession, ticket: str, actor: User, now: datetime | None = None) -> Attendance:
    """A trainer scanned a trainee's personal ticket at their own meeting."""
    now = now or utcnow()
    if not can_run_meeting(actor, meeting):
        raise DomainError(_l("You may only mark attendance at your own meetings."))
    try:
        payload = load_token(TICKET_PURPOSE, ticket.strip(), TICKET_MAX_AGE)
    except TokenInvalid:
        raise DomainError(_l("This is not an MCC participant ticket.")) from None
    user = db.session.get(User, payload.get("u") if isinstance(payload, dict) else None)
    if user is None or (not user.is_active and not user.is_managed):
        raise DomainError(_l("This is not an MCC participant ticket."))
    _require_open(meeting, now)
    return _accept(meeting, user, AttendanceMethod.TICKET_SCAN, actor)


# -- a typed code sent later by the offline queue ------------------------------------------------------------------
#: A check-in typed offline may still arrive this long after the meeting ends (the trainee walks out of the
#: workshop's dead zone); later the trainer marks the person present by hand.
REPLAY_GRACE = timedelta(minutes=10)
#: A phone's clock may run ahead of the server's by this much before its moment counts as "in the future".
CLOCK_SKEW = timedelta(seconds=WINDOW_SECONDS)


def check_in_with_code_typed_at(meeting: TrainingSession, code: str, user: User, typed_at: datetime,
                                now: datetime | None = None) -> Attendance:
    """A code typed without a connection at ``typed_at`` (the phone's clock), sent now by the offline queue.

    The code proves that the person saw the trainer's screen in the window of ``typed_at`` (or the one before, as
    live); that moment must not be in the future and must lie within the meeting's check-in period, and the
    replay must arrive by the meeting's end plus ``REPLAY_GRACE``. A second replay changes nothing (``_accept``).
    """
    now = now or utcnow()
    if meeting.is_cancelled:
        raise DomainError(_l("This meeting was cancelled."))
    if now > meeting.ends_at + REPLAY_GRACE:
        raise DomainError(_l("This check-in was sent after the meeting ended; ask the trainer to mark you present."))
    if typed_at.tzinfo is None or typed_at > now + CLOCK_SKEW:
        raise DomainError(_l("The time of this check-in is not valid; check the clock of your phone."))
    if not is_open(meeting, typed_at):
        raise DomainError(_l("This code was typed outside the meeting's check-in time."))
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    window = window_of(typed_at)
    if not any(hmac.compare_digest(code, short_code(meeting, w)) for w in (window, window - 1)):
        raise DomainError(_l("This code is not valid or has expired. Type the code shown on the trainer's screen."),
                          field="code")
    return _accept(meeting, user, AttendanceMethod.SELF_CHECKIN, user)


# -- a QR code scanned offline, sent later by the offline queue ----------------------------------------------------
#: How old a scanned QR code may be when its check-in arrives: the longest meeting (a day) and the grace.
LATE_TOKEN_MAX_AGE = int((timedelta(hours=24) + REPLAY_GRACE).total_seconds())


def check_in_with_token_later(meeting: TrainingSession, token: str, user: User,
                              now: datetime | None = None) -> Attendance:
    """A QR code scanned without a connection, sent now by the offline queue.

    Unlike a typed code, the token says itself when it was shown: the server signed its window, so no phone's
    clock is trusted. The window must lie within the meeting's check-in period and the check-in must arrive by
    the meeting's end plus ``REPLAY_GRACE``. A second replay changes nothing (``_accept``).
    """
    now = now or utcnow()
    try:
        payload = load_token(CHECKIN_PURPOSE, token, max_age_seconds=LATE_TOKEN_MAX_AGE)
    except TokenExpired:
        raise DomainError(_l("This check-in was sent after the meeting ended; ask the trainer to mark you "
                             "present.")) from None
    except TokenInvalid:
        raise DomainError(_l("This check-in code is not valid.")) from None
    if not isinstance(payload, dict) or payload.get("m") != meeting.id or not isinstance(payload.get("w"), int):
        raise DomainError(_l("This check-in code belongs to another meeting."))
    if meeting.is_cancelled:
        raise DomainError(_l("This meeting was cancelled."))
    if now > meeting.ends_at + REPLAY_GRACE:
        raise DomainError(_l("This check-in was sent after the meeting ended; ask the trainer to mark you present."))
    shown_at = datetime.fromtimestamp(payload["w"] * WINDOW_SECONDS, UTC)
    if not is_open(meeting, shown_at):
        raise DomainError(_l("This code was shown outside the meeting's check-in time."))
    return _accept(meeting, user, AttendanceMethod.SELF_CHECKIN, user)
