"""What the audit trail's codes mean, in the reader's language: actions, object kinds and the fields of the
before/after records. The codes stay in the table (searchable, stable); the page shows these labels and keeps
the code beside them for the action. A code without a label is shown as it is."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import format_datetime, format_decimal, lazy_gettext as _l

from app.core.i18n import STATUS_LABELS as STATUSES
from app.core.permissions import ROLE_LABELS

ACTIONS = {
    "accounts.active_changed": _l("Account activated or deactivated"),
    "accounts.invitation_accepted": _l("Invitation accepted"),
    "accounts.invited": _l("Person invited"),
    "accounts.merged": _l("Accounts merged"),
    "accounts.registered": _l("Account registered"),
    "accounts.role_changed": _l("Role changed"),
    "api.token_created": _l("API token created"),
    "api.token_revoked": _l("API token revoked"),
    "api.write": _l("Change made through the API"),
    "auth.login": _l("Logged in"),
    "auth.login_failed": _l("Failed login"),
    "auth.password_changed": _l("Password changed"),
    "backup.scheduled": _l("Scheduled backup made"),
    "catalogue.captions_removed": _l("Captions removed"),
    "catalogue.captions_stored": _l("Captions uploaded"),
    "catalogue.course_created": _l("Course created"),
    "catalogue.course_status": _l("Course status changed"),
    "catalogue.course_updated": _l("Course edited"),
    "catalogue.lesson_added": _l("Lesson added"),
    "catalogue.lesson_moved": _l("Lesson moved"),
    "catalogue.lesson_updated": _l("Lesson edited"),
    "catalogue.link_added": _l("Link added"),
    "catalogue.material_deleted": _l("Material deleted"),
    "catalogue.material_language_changed": _l("Material's language changed"),
    "catalogue.material_purged": _l("Material's file removed for good"),
    "catalogue.material_refused": _l("Upload refused"),
    "catalogue.material_renamed": _l("Material's title changed"),
    "catalogue.material_restored": _l("Material restored"),
    "catalogue.material_uploaded": _l("Material uploaded"),
    "catalogue.material_verified": _l("Upload verified"),
    "catalogue.module_added": _l("Module added"),
    "catalogue.module_moved": _l("Module moved"),
    "catalogue.module_renamed": _l("Module renamed"),
    "catalogue.trainers_changed": _l("Course trainers changed"),
    "catalogue.uploads_abandoned": _l("Abandoned uploads removed"),
    "catalogue.video_conversion_failed": _l("Video not converted for phones"),
    "catalogue.video_converted": _l("Video converted for phones"),
    "bulletin.delete": _l("Bulletin post deleted"),
    "bulletin.image_added": _l("Picture added to a bulletin post"),
    "bulletin.image_removed": _l("Picture removed from a bulletin post"),
    "bulletin.issue_publish": _l("Bulletin issue published"),
    "bulletin.publish": _l("Bulletin post published"),
    "bulletin.reject": _l("Bulletin post rejected"),
    "cooperation.file_attached": _l("Drawing attached to a service request"),
    "cooperation.message_posted": _l("Message about a service request"),
    "cooperation.offer_accepted": _l("Offer for a service request accepted"),
    "cooperation.offer_made": _l("Offer for a service request sent"),
    "cooperation.offer_withdrawn": _l("Offer for a service request withdrawn"),
    "cooperation.rated": _l("Cooperation rated"),
    "cooperation.request_created": _l("Service request posted"),
    "cooperation.status_changed": _l("Service request status changed"),
    "cooperation.turned_into_post": _l("Completed cooperation turned into a bulletin draft"),
    "core.setting_changed": _l("Site setting changed"),
    "downloads.expired_removed": _l("Expired downloads removed"),
    "enrolment.participant_recorded": _l("Participant recorded"),
    "enrolment.status_changed": _l("Enrolment status changed"),
    "events.cancelled": _l("Event cancelled"),
    "events.changed": _l("Event changed"),
    "events.created": _l("Event planned"),
    "events.moved_up": _l("Moved up from the waiting list"),
    "events.photo_added": _l("Event photo added"),
    "events.post_drafted": _l("Bulletin post drafted from an event"),
    "events.registered": _l("Registered for an event"),
    "events.registration_cancelled": _l("Event registration cancelled"),
    "learning.certificate_issued": _l("Certificate issued"),
    "learning.certificate_revoked": _l("Certificate revoked"),
    "learning.completion_changed": _l("Course completion changed"),
    "learning.completion_rule_changed": _l("Completion rule changed"),
    "learning.question_created": _l("Question created"),
    "learning.question_restored": _l("Question restored"),
    "learning.question_updated": _l("Question edited"),
    "learning.quiz_created": _l("Quiz created"),
    "learning.quiz_submitted": _l("Quiz submitted"),
    "learning.quiz_updated": _l("Quiz edited"),
    "network.contact_added": _l("Contact person of a member added"),
    "network.employer_confirmed": _l("Employer's spelling confirmed"),
    "network.employer_dismissed": _l("Employer's spelling left unmatched"),
    "network.employer_linked": _l("Employer linked"),
    "network.entry_approved": _l("Directory entry approved"),
    "network.entry_proposed": _l("Directory entry proposed"),
    "network.entry_rejected": _l("Directory entry rejected"),
    "network.image_removed": _l("Member's photo removed"),
    "network.image_uploaded": _l("Member's photo uploaded"),
    "network.manager_confirmed": _l("Firm's manager confirmed"),
    "network.manager_invited": _l("Firm's manager invited"),
    "network.manager_removed": _l("Firm's manager removed"),
    "network.member_created": _l("Company added"),
    "network.member_registered": _l("Member registered in the directory"),
    "network.member_updated": _l("Company edited"),
    "placements.application_replaced": _l("Internship application replaced"),
    "placements.application_sent": _l("Internship application sent"),
    "placements.company_created": _l("Company added"),
    "placements.company_updated": _l("Company edited"),
    "placements.logbook_reviewed": _l("Logbook day reviewed"),
    "placements.match_accepted": _l("Matching confirmed"),
    "placements.mentor_added": _l("Mentor linked"),
    "placements.offer_created": _l("Internship offer created"),
    "placements.offer_updated": _l("Internship offer edited"),
    "placements.status_changed": _l("Internship status changed"),
    "privacy.data_exported": _l("Personal data downloaded"),
    "privacy.person_erased": _l("Person erased"),
    "privacy.retention_applied": _l("Retention periods applied"),
    "reporting.exported": _l("Report exported"),
    "reporting.indicator_saved": _l("Indicator saved"),
    "training.attendance_changed": _l("Attendance changed"),
    "training.evidence_exported": _l("Evidence pack exported"),
    "training.meeting_cancelled": _l("Meeting cancelled"),
    "training.meeting_changed": _l("Meeting changed"),
    "training.meeting_created": _l("Meeting planned"),
}

#: Object kinds: the tables rows live in, and the few names entries use for what is not one row.
OBJECTS = {
    "attendances": _l("Attendance"), "certificates": _l("Certificate"), "companies": _l("Company"),
    "courses": _l("Course"), "enrolments": _l("Enrolment"), "generated_files": _l("Generated download"),
    "indicators": _l("Indicator"), "internship_applications": _l("Internship application"),
    "internship_offers": _l("Internship offer"), "invitations": _l("Invitation"), "lessons": _l("Lesson"),
    "logbook_entries": _l("Logbook day"), "materials": _l("Material"), "modules": _l("Module"),
    "pending_uploads": _l("Upload"), "placements": _l("Internship"), "questions": _l("Question"),
    "quiz_attempts": _l("Quiz attempt"), "quizzes": _l("Quiz"), "signed_sheets": _l("Signed sheet"),
    "site_settings": _l("Site settings"), "training_sessions": _l("Meeting"), "users": _l("Person"),
    "service_requests": _l("Service request"),
    "events": _l("Event"), "event_registrations": _l("Event registration"),
    "api_tokens": _l("API token"),
    "backups": _l("Backup"), "report": _l("Report"), "retention": _l("Retention"),
}

#: The fields most entries record; others are shown by their code with spaces.
FIELDS = {
    "aborted": _l("aborted"), "cause": _l("cause"), "complete": _l("complete"), "count": _l("count"),
    "course": _l("course"), "email": _l("e-mail"), "ends_at": _l("ends"), "evidence_end": _l("evidence kept until"),
    "expired": _l("expired"), "file": _l("file"), "files": _l("files"), "filters": _l("filters"),
    "format": _l("format"), "generated_file": _l("download"), "hours": _l("hours"), "invitation": _l("invitation"),
    "is_active": _l("active"), "kept_days": _l("kept (days)"), "key": _l("key"), "kind": _l("kind"),
    "lesson": _l("lesson"), "merged_into": _l("merged into"), "objects": _l("objects"), "offer": _l("offer"),
    "passed": _l("passed"), "percent": _l("percent"), "placement": _l("internship"), "position": _l("position"),
    "quiz": _l("quiz"), "reason": _l("reason"), "remark": _l("remark"), "replaced_by": _l("replaced by"),
    "role": _l("role"), "size": _l("size"), "starts_at": _l("starts"), "status": _l("status"),
    "storage_key": _l("stored object"), "title": _l("title"), "trainers": _l("trainers"), "url": _l("address"),
    "user": _l("person"), "value": _l("value"),
}


YES, NO = _l("yes"), _l("no")


def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action))


def object_label(object_type: str | None) -> str:
    return str(OBJECTS.get(object_type, object_type)) if object_type else "—"


def field_label(name: str) -> str:
    return str(FIELDS.get(name, name.replace("_", " ")))


def shown_value(value: Any) -> str:
    """A recorded value as a reader wants it: yes/no, local times, lists joined, texts by language."""
    if isinstance(value, bool):
        return str(YES if value else NO)
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        try:
            return format_datetime(datetime.fromisoformat(value), "short")
        except ValueError:
            return value
    if isinstance(value, int | float):
        return format_decimal(value)
    if isinstance(value, list):
        return ", ".join(shown_value(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {shown_value(item)}" for key, item in value.items())
    return str(value)


def described(record: dict | None) -> list[tuple[str, str]]:
    """A before/after record as (field, value) lines."""
    words = {"role": ROLE_LABELS, "status": STATUSES}
    return [(field_label(name), str(words[name].get(value, value)) if name in words and isinstance(value, str)
             else shown_value(value)) for name, value in (record or {}).items()]
