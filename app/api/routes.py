"""The person's own side of the API: who am I, courses and lessons, my enrolments and progress, lesson progress,
meetings and check-in, certificates. Thin: a domain policy decides access, a domain service acts."""

from __future__ import annotations

from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.api import schemas as s
from app.api.core import (
    PageArgs,
    after_write,
    api_blueprint,
    current_token,
    endpoint,
    load_or_problem,
    page_of,
    paged,
    per_token,
)
from app.api.models import TokenScope
from app.catalogue.models import Course, CourseStatus, Lesson, Material, Specialisation
from app.certificates.models import Certificate
from app.core.db import utcnow
from app.core.translated import pick
from app.enrolment.models import Enrolment, EnrolmentStatus
from app.enrolment.policies import can_study_course, can_view_course
from app.extensions import db, limiter
from app.learning import progress, watching
from app.learning.policies import can_study_lesson, can_watch_video
from app.learning.schemas import BeaconSchema
from app.training import checkin
from app.training.models import Attendance, TrainingSession
from app.training.policies import can_see_meeting

READ, LEARNING, ATTENDANCE = TokenScope.READ, TokenScope.LEARNING, TokenScope.ATTENDANCE
ERRORS = (401, 403, 404, 429)

account = api_blueprint("api_account", "", "The token's owner and the token itself.")
courses = api_blueprint("api_courses", "", "Courses and lessons (what the owner may open).")
learning = api_blueprint("api_learning", "", "My enrolments, progress, lesson progress and certificates.")
meetings = api_blueprint("api_meetings", "", "Training meetings I take part in, my attendance, check-in.")


class With:
    """A row with a few values computed for the requester (dumped by the schema like the row's own)."""

    def __init__(self, row, **extra):
        self._row, self._extra = row, extra

    def __getattr__(self, name):
        return self._extra[name] if name in self._extra else getattr(self._row, name)


def documented(blp, *codes: int):
    """Document the problem responses a view may answer (besides the default one)."""
    import http

    def decorator(view):
        for code in codes:
            view = blp.alt_response(code, response=http.HTTPStatus(code).name)(view)
        return view

    return decorator


# -- me ------------------------------------------------------------------------------------------------------------
@account.route("/me")
@endpoint(None)
@account.etag
@account.response(200, s.MeSchema)
@documented(account, 401, 429)
def me():
    """Who the token acts for, and what the token allows."""
    return {"id": current_user.id, "full_name": current_user.full_name, "role": current_user.role.value,
            "language": current_user.language, "timezone": current_user.timezone, "token": current_token()}


# -- courses and lessons -------------------------------------------------------------------------------------------
@courses.route("/courses")
@endpoint(READ)
@courses.etag
@courses.arguments(s.CourseArgs, location="query", as_kwargs=True)
@courses.arguments(PageArgs, location="query", arg_name="paging")
@courses.response(200, page_of(s.CourseSchema))
@documented(courses, *ERRORS[:2], 429)
def course_list(paging, specialisation=None, language=None):
    """The catalogue: published courses, filtered by specialisation code and source language."""
    query = (select(Course).where(Course.status == CourseStatus.PUBLISHED)
             .options(selectinload(Course.specialisation)).order_by(Course.id))
    if specialisation:
        query = query.where(Course.specialisation_id.in_(
            select(Specialisation.id).where(Specialisation.code == specialisation)))
    if language:
        query = query.where(Course.source_language == language)
    return paged(query, paging)


@courses.route("/courses/<int:course_id>")
@endpoint(READ)
@courses.etag
@courses.response(200, s.CourseDetailSchema)
@documented(courses, *ERRORS)
def course_detail(course_id: int):
    """A course the owner may see; its modules and lessons only for those who may study it."""
    course = load_or_problem(Course, course_id, can_view_course)
    return With(course, modules=course.modules if can_study_course(current_user, course) else [])


@courses.route("/lessons/<int:lesson_id>")
@endpoint(READ)
@courses.etag
@courses.response(200, s.LessonSchema)
@documented(courses, *ERRORS)
def lesson_detail(lesson_id: int):
    """A lesson of a course the owner studies (or manages), with whether they have done it."""
    lesson = load_or_problem(Lesson, lesson_id, can_study_lesson)
    done = progress.progress_of(current_user.id, lesson.id)
    return With(lesson, done=bool(done and done.completed_at is not None))


# -- my learning ---------------------------------------------------------------------------------------------------
@learning.route("/me/enrolments")
@endpoint(READ)
@learning.etag
@learning.arguments(s.EnrolmentArgs, location="query", as_kwargs=True)
@learning.arguments(PageArgs, location="query", arg_name="paging")
@learning.response(200, page_of(s.EnrolmentSchema))
@documented(learning, 401, 403, 429)
def my_enrolments(paging, status=None):
    """My enrolments (all statuses, or one), with my progress in the courses I am enrolled in."""
    query = (select(Enrolment).where(Enrolment.user_id == current_user.id)
             .options(selectinload(Enrolment.course)).order_by(Enrolment.created_at, Enrolment.id))
    if status:
        query = query.where(Enrolment.status == EnrolmentStatus(status))
    page = paged(query, paging)
    enrolled = [e.course for e in page["items"] if e.status == EnrolmentStatus.ENROLLED]
    figures = progress.courses_progress(current_user.id, enrolled)
    page["items"] = [{
        "id": e.id, "course_id": e.course_id, "course_title": pick(e.course.title, e.course.source_language),
        "status": e.status.value, "completed_at": e.completed_at,
        "progress": _progress(figures[e.course_id], e.completed_at is not None) if e.course_id in figures else None,
    } for e in page["items"]]
    return page


def _progress(figures: progress.CourseProgress, completed: bool) -> dict:
    return {"lessons_total": figures.lessons_total, "lessons_done": figures.lessons_done,
            "quizzes_total": figures.quizzes_total, "quizzes_passed": figures.quizzes_passed,
            "attendance": figures.attendance, "percent": figures.shown_percent(completed)}


def _lesson_state(record) -> dict:
    return {"lesson_id": record.lesson_id, "done": record.completed_at is not None,
            "completed_at": record.completed_at,
            "completed_via": record.completed_via.value if record.completed_via else None}


@learning.route("/lessons/<int:lesson_id>/opened", methods=["POST"])
@endpoint(LEARNING)
@learning.response(200, s.LessonDoneSchema)
@documented(learning, *ERRORS)
def lesson_opened(lesson_id: int):
    """Record that the lesson was opened (as the lesson page does): "read to the end" counts from here."""
    lesson = load_or_problem(Lesson, lesson_id, can_study_lesson)
    record = progress.lesson_opened(current_user, lesson)
    after_write({"lesson": lesson.id})
    return _lesson_state(record)


@learning.route("/lessons/<int:lesson_id>/done", methods=["POST"])
@endpoint(LEARNING)
@learning.response(200, s.LessonDoneSchema)
@documented(learning, *ERRORS)
def lesson_done(lesson_id: int):
    """Mark a lesson done by hand (the same rule as the lesson page's button)."""
    lesson = load_or_problem(Lesson, lesson_id, can_study_lesson)
    record = progress.mark_done(current_user, lesson)
    after_write({"lesson": lesson.id})
    return _lesson_state(record)


@learning.route("/lessons/<int:lesson_id>/read", methods=["POST"])
@endpoint(LEARNING)
@learning.response(200, s.LessonDoneSchema)
@documented(learning, *ERRORS, 409)
def lesson_read(lesson_id: int):
    """The end of the text was reached: accepted once the lesson has been open long enough to read it."""
    lesson = load_or_problem(Lesson, lesson_id, can_study_lesson)
    record = progress.mark_read(current_user, lesson)
    after_write({"lesson": lesson.id})
    return _lesson_state(record)


class BeaconResultSchema(s.ma.Schema):
    watched_seconds = s.fields.Float(required=True)
    share = s.fields.Float(required=True)
    lesson_done = s.fields.Boolean(required=True)


@learning.route("/materials/<int:material_id>/beacon", methods=["POST"])
@endpoint(LEARNING)
@limiter.limit("120 per minute", key_func=lambda: f"beacon:{per_token()}")
@learning.arguments(BeaconSchema)
@learning.response(200, BeaconResultSchema)
@documented(learning, *ERRORS, 422)
def beacon(beat, material_id: int):
    """A video player's report of what it played since its last one (as the web player's beacon)."""
    material = load_or_problem(Material, material_id, can_watch_video)
    viewed = progress.progress_of(current_user.id, material.lesson_id)
    record = watching.record_beacon(current_user.id, material, beat["start"], beat["end"], beat["position"],
                                    beat["duration"], beat["sequence"],
                                    opened_at=viewed.last_opened_at if viewed else None)
    done = progress.check_watched(current_user, material.lesson)
    after_write({"material": material.id})
    return {"watched_seconds": record.watched_seconds, "share": watching.watched_share(record, material),
            "lesson_done": done}


@learning.route("/me/certificates")
@endpoint(READ)
@learning.etag
@learning.arguments(PageArgs, location="query", arg_name="paging")
@learning.response(200, page_of(s.CertificateSchema))
@documented(learning, 401, 403, 429)
def my_certificates(paging):
    """My certificates (courses and internships), the newest first; revoked ones say so."""
    query = (select(Certificate).where(Certificate.user_id == current_user.id)
             .order_by(Certificate.completed_at.desc(), Certificate.id.desc()))
    return paged(query, paging)


# -- meetings ------------------------------------------------------------------------------------------------------
def _with_attendance(items: list[TrainingSession]) -> list[dict]:
    mine = {a.session_id: a.status.value for a in db.session.scalars(select(Attendance).where(
        Attendance.user_id == current_user.id, Attendance.session_id.in_([m.id for m in items] or [-1])))}
    return [With(m, attendance=mine.get(m.id)) for m in items]


@meetings.route("/me/meetings")
@endpoint(READ)
@meetings.etag
@meetings.arguments(s.MeetingArgs, location="query", as_kwargs=True)
@meetings.arguments(PageArgs, location="query", arg_name="paging")
@meetings.response(200, page_of(s.MeetingSchema))
@documented(meetings, 401, 403, 429)
def my_meetings(paging, upcoming=False):
    """Meetings of the courses I am enrolled in and those I lead, with my attendance."""
    enrolled = select(Enrolment.course_id).where(Enrolment.user_id == current_user.id,
                                                 Enrolment.status == EnrolmentStatus.ENROLLED)
    query = (select(TrainingSession)
             .where(or_(TrainingSession.course_id.in_(enrolled), TrainingSession.trainer_id == current_user.id))
             .order_by(TrainingSession.starts_at, TrainingSession.id))
    if upcoming:
        query = query.where(TrainingSession.ends_at >= utcnow())
    page = paged(query, paging)
    page["items"] = _with_attendance(page["items"])
    return page


@meetings.route("/meetings/<int:meeting_id>")
@endpoint(READ)
@meetings.etag
@meetings.response(200, s.MeetingSchema)
@documented(meetings, *ERRORS)
def meeting_detail(meeting_id: int):
    """A meeting the owner takes part in or runs, with their attendance."""
    meeting = load_or_problem(TrainingSession, meeting_id, can_see_meeting)
    return _with_attendance([meeting])[0]


@meetings.route("/meetings/<int:meeting_id>/checkin", methods=["POST"])
@endpoint(ATTENDANCE)
# Per token, as per person on the page: guessing codes is capped.
@limiter.limit("10 per minute", key_func=lambda: f"checkin:{per_token()}")
@meetings.arguments(s.CheckInSchema)
@meetings.response(200, s.CheckInResultSchema)
@documented(meetings, *ERRORS, 409, 422)
def check_in(body, meeting_id: int):
    """Check in with the code shown on the trainer's screen (the same rule as the check-in page)."""
    meeting = load_or_problem(TrainingSession, meeting_id)
    attendance = checkin.check_in_with_code(meeting, body["code"], current_user)
    after_write({"meeting": meeting.id})
    return {"meeting_id": meeting.id, "status": attendance.status.value, "recorded_at": attendance.recorded_at}
