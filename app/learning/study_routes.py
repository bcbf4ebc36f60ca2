"""What a participant opens: the course page (outline, enrolment, the way in), lessons and material files.

These pages live in ``learning`` because they combine the catalogue (content), enrolment (who may study) and
learning (progress); the catalogue below them knows nothing of either.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from functools import cache, partial
from typing import Any

from flask import abort, current_app, jsonify, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import Select, bindparam, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import joinedload

from app.accounts import sessions
from app.accounts.models import User
from app.catalogue.filetypes import extension_of
from app.catalogue.models import Course, Lesson, Material, MaterialKind, MaterialStatus, Specialisation
from app.catalogue.outline import kept, lesson_body, outline_of, version_key
from app.catalogue.policies import can_manage_course
from app.core.csp import framed_by_own_pages
from app.core.db import labelled, utcnow, view_of
from app.core.files import send_stored_file, send_stored_key
from app.core.permissions import MAX_ID, Role, deny
from app.core.translated import viewer_language
from app.core.uow import discard, writes
from app.enrolment.models import Enrolment, EnrolmentStatus
from app.enrolment.policies import (
    can_access_material,
    can_study_course,
    can_view_course,
    enrolled_clause,
    known_enrolment,
)
from app.enrolment.services import box_columns, enrolment_box
from app.extensions import db
from app.learning import bp, completion, offline, progress
from app.learning.materials import by_language, shown_materials
from app.learning.models import LessonProgress
from app.learning.player import converted, fallback_rendition, player_for

log = logging.getLogger(__name__)
INLINE_KINDS = {MaterialKind.VIDEO, MaterialKind.AUDIO, MaterialKind.IMAGE}


@dataclass(frozen=True)
class Visitor:
    """The visitor's side of a course page, read with the course in the same query."""

    enrolment: Enrolment | None
    waiting_position: int | None = None
    enrolled_count: int | None = None
    last_meeting_at: datetime | None = None
    #: The lesson page's lesson: when the visitor last opened it, and whether (how) it is done.
    lesson_opened_at: datetime | None = None
    lesson_visit: progress.Visit | None = None

    @property
    def enrolled(self) -> bool:
        return self.enrolment is not None and self.enrolment.status == EnrolmentStatus.ENROLLED


#: What ``load_course_for_visitor`` reads besides the course and the enrolment.
COURSE_PAGE, LESSON_PAGE, COURSE_ONLY = "course", "lesson", "plain"


def _visitor_columns(query: Select, page: str, person) -> Select:
    """``query`` with the course (``bindparam("course_id")``), the enrolment of ``person`` (a column or a bound
    value) in it and what ``page`` shows around it, by label."""
    extra: tuple = ()
    if page == COURSE_PAGE:
        waiting, enrolled = box_columns(Enrolment)
        extra = (waiting.label("waiting_position"), enrolled.label("enrolled_count"),
                 completion.last_meeting_column().label("last_meeting_at"))
    elif page == LESSON_PAGE:
        extra = (LessonProgress.last_opened_at.label("lesson_opened_at"),
                 LessonProgress.completed_at.label("lesson_completed_at"),
                 LessonProgress.completed_via.label("lesson_completed_via"))
    query = (query.add_columns(Course, Enrolment, *extra)
             .outerjoin(Enrolment, (Enrolment.course_id == Course.id) & (Enrolment.user_id == person)))
    if page == LESSON_PAGE:
        query = query.outerjoin(LessonProgress, (LessonProgress.user_id == person)
                                & (LessonProgress.lesson_id == bindparam("lesson_id")))
    # Of the trainers and the specialisation only what the pages show and the policies ask (a third of the
    # query's cost was turning the trainers' every column into objects).
    return query.options(joinedload(Course.trainers).load_only(User.id, User.full_name),
                         *((joinedload(Course.specialisation).load_only(Specialisation.id, Specialisation.title),)
                           if page == COURSE_PAGE else ()))


def _with_login(query: Select, page: str) -> Select:
    """For ``sessions.load_with``: the login, then the course in the same statement (one query, not two)."""
    return _visitor_columns(query.outerjoin(Course, Course.id == bindparam("course_id")), page, User.id)


#: One extension per page, made once: ``load_with`` keeps the statement it builds per extension.
_WITH_LOGIN = {page: partial(_with_login, page=page) for page in (COURSE_PAGE, LESSON_PAGE, COURSE_ONLY)}


@cache
def _visitor_query(page: str) -> Select:
    """For visitors nobody logged in as. Built once: composing it costs more than running it."""
    return _visitor_columns(select().select_from(Course), page, bindparam("user_id")).where(
        Course.id == bindparam("course_id"))


def load_course_for_visitor(course_id: int, page: str = COURSE_ONLY, lesson_id: int = 0) -> tuple[Course, Visitor]:
    """The course (with its trainers; for the course page its specialisation too) and, in the same query as the
    person logged in (``sessions.load_with``), the visitor's enrolment and what the page says around it: for the
    course page the waiting position, free places and the last meeting; for a lesson page the visitor's progress
    in ``lesson_id``. Courses the visitor may not see are 404 to strangers, 403 to people logged in. The outline:
    ``outline_of``."""
    if not 0 < course_id <= MAX_ID:
        abort(404)
    params = {"course_id": course_id, "lesson_id": lesson_id}
    user, row = sessions.load_with(_WITH_LOGIN[page], page=True, **params)
    if user is None:  # nobody: the join finds no enrolment
        row = db.session.execute(_visitor_query(page), {**params, "user_id": 0}).unique().first()
    if row is None or row.Course is None:
        abort(404)
    course, enrolment = row.Course, row.Enrolment
    if page == COURSE_PAGE:
        visitor = Visitor(enrolment, row.waiting_position, row.enrolled_count, row.last_meeting_at)
    elif page == LESSON_PAGE:
        opened_at = row.lesson_opened_at
        visitor = Visitor(enrolment, lesson_opened_at=opened_at, lesson_visit=progress.Visit(
            row.lesson_completed_at, row.lesson_completed_via) if opened_at else None)
    else:
        visitor = Visitor(enrolment)
    if current_user.is_authenticated:  # the policies need not ask again
        known_enrolment(current_user, course.id, visitor.enrolled)
    if not can_view_course(current_user, course):
        abort(403 if current_user.is_authenticated else 404)
    return course, visitor


@bp.get("/courses/<int:course_id>")
def course(course_id: int):
    course, visitor = load_course_for_visitor(course_id, COURSE_PAGE)
    can_study = can_study_course(current_user, course)
    outline = outline_of(course)
    box = enrolment_box(current_user, course, (visitor.enrolment, visitor.waiting_position, visitor.enrolled_count))
    lesson_url = lesson_url_prefix(course.id)
    # The programme is the same for everyone reading the same language with the same access to the lessons.
    programme = kept(version_key("programme", course, viewer_language(), int(can_study)), str,
                     lambda: current_app.jinja_env.get_template("learning/_programme.html").render(
                         course=course, outline=outline, can_study=can_study, lesson_url=lesson_url))
    return render_template("learning/course.html", course=course, outline=outline, box=box,
                           programme=Markup(programme),  # noqa: S704  (rendered by the autoescaping template)
                           can_study=can_study, can_manage=can_manage_course(current_user, course),
                           lesson_url=lesson_url,
                           requirements=completion.requirements(course, visitor.last_meeting_at) if can_study
                           else None)


def lesson_url_prefix(course_id: int) -> str:
    """The URL of the course's lessons without the lesson id (the outline appends it: one ``url_for`` a page)."""
    return url_for("learning.lesson", course_id=course_id, lesson_id=0)[:-1]


@bp.get("/courses/<int:course_id>/lessons/<int:lesson_id>")
@writes  # records when the lesson was opened
def lesson(course_id: int, lesson_id: int):
    # Not @login_required: that would load the person in a query of its own; the course's query loads them.
    course, visitor = load_course_for_visitor(course_id, LESSON_PAGE, lesson_id if 0 < lesson_id <= MAX_ID else 0)
    if not current_user.is_authenticated:
        deny()  # the login page
    outline = outline_of(course)
    lesson = outline.lesson(lesson_id)
    if lesson is None:
        abort(404)
    if not can_study_course(current_user, course):
        deny()
    # A visit is worth recording, not worth failing the page for; and once a minute is enough (as Moodle's last
    # access): a reload, "back" or a second tab within the minute reads what the first recorded.
    visit = visitor.lesson_visit
    if visit is None or utcnow() - visitor.lesson_opened_at >= progress.VISIT_EVERY:
        visit = _record_visit(lesson.id, course.id)
    can_manage = can_manage_course(current_user, course)
    language = viewer_language()
    materials, other_languages = by_language(shown_materials(lesson, can_manage), language)
    body, body_language = lesson_body(course, lesson.id)
    previous, following = outline.neighbours(lesson.id)
    return render_template(
        "learning/lesson.html", course=course, lesson=lesson, module=outline.module_of(lesson.id),
        materials=materials, other_languages=other_languages,
        players={m.id: player_for(m, language, current_user.data_saver)
                 for m in materials + other_languages if m.kind == MaterialKind.VIDEO},
        body=body, body_language=body_language, previous=previous, following=following,
        lesson_url=lesson_url_prefix(course.id), can_manage=can_manage,
        info=progress.lesson_panel(current_user, lesson, outline.quizzes_of(lesson), visit))


def _record_visit(lesson_id: int, course_id: int) -> progress.Visit | None:
    try:
        if db.session.get_bind().dialect.name == "postgresql":
            # The visit is all this request writes, and a visit lost in a server crash costs nothing (the next one
            # records it): its commit need not wait for the disk (said in the visit's own statement: no round
            # trip of its own). Nothing else is written before it: a failure is rolled back whole.
            return progress.record_visit(current_user, lesson_id, course_id, durable=False)
        # SQLite under concurrent writers may refuse the write ("database is locked"): the savepoint keeps the
        # rest of the request's transaction intact.
        with db.session.begin_nested():
            return progress.record_visit(current_user, lesson_id, course_id)
    except OperationalError:
        if db.session.get_bind().dialect.name == "postgresql":
            discard()  # the failed statement ended the transaction
        log.warning("lesson visit of user %s not recorded: database busy", current_user.id)
        return None


@bp.get("/courses/<int:course_id>/offline.json")
@login_required
def offline_bundle(course_id: int):
    """What a device saves to make the course available offline (URLs and sizes; the device checks its quota)."""
    course, _visitor = load_course_for_visitor(course_id)
    if not can_study_course(current_user, course):
        deny()
    response = jsonify(offline.offline_bundle(course, outline_of(course)))
    response.headers["Cache-Control"] = "no-store"
    return response


def _with_material(query: Select) -> Select:
    """The material, its course and whether the person is enrolled, beside the login (``sessions.load_with``)."""
    return _material_joins(query.add_columns(Material, Course, enrolled_clause(User.id, Course.id).label("enrolled")))


#: What a trainee's download reads of the material and its course (``_material_columns``): the checks below, the
#: policies' questions for a trainee, and what ``send_stored_file`` and the phone-sized video need.
MATERIAL_READ = (Material.id, Material.kind, Material.status, Material.storage_key, Material.purged_at,
                 Material.deleted_at, Material.media_status, Material.media, Material.original_filename,
                 Material.content_type, Material.sha256)
COURSE_READ = (Course.id, Course.status)


def _material_columns(query: Select) -> Select:
    """``_with_material`` as plain columns, beside the ``sessions.caller_with`` login."""
    return _material_joins(query.add_columns(*labelled("material", MATERIAL_READ), *labelled("course", COURSE_READ),
                                             enrolled_clause(User.id, Course.id).label("enrolled")))


def _material_joins(query: Select) -> Select:
    return (query.outerjoin(Material, Material.id == bindparam("material_id"))
            .outerjoin(Lesson, Lesson.id == Material.lesson_id).outerjoin(Course, Course.id == Lesson.course_id))


@bp.get("/materials/<int:material_id>/file")
# The lesson page previews PDFs in a frame: this response (only) may be framed by our own pages.
# Only allow-listed, content-checked types are ever served (no HTML or SVG), with nosniff.
@framed_by_own_pages
def material_file(material_id: int):
    """Check access, then let storage answer: S3 by redirect to a short-lived URL, local with Range support.

    Downloads are the hottest authorised path, and trainees ask for most of them: for a trainee one Core
    statement reads the login, the material with its course and whether they are enrolled (``enrolled_clause``),
    no ORM object made (``sessions.caller_with``); the policies then decide on what it read. Everyone else (and
    a trainee the lean read does not find: a remember-me cookie, an ended login) takes the ORM path, a second
    query for staff (rare: previews): a trainer's rights read the course's trainers, which only the ORM's course
    has."""
    if not 0 < material_id <= MAX_ID:
        abort(404)
    found = sessions.caller_with(_material_columns, material_id=material_id)
    if found is not None and found[0].role == Role.TRAINEE:
        caller, row = found
        if row.material_id is None:
            abort(404)
        known_enrolment(caller, row.course_id, row.enrolled)
        return _send_material(caller, view_of(row, "material", MATERIAL_READ), view_of(row, "course", COURSE_READ))
    user, row = sessions.load_with(_with_material, material_id=material_id)
    if user is None:
        return current_app.login_manager.unauthorized()
    if row.Material is None:
        abort(404)
    known_enrolment(user, row.Course.id, row.enrolled)
    return _send_material(user, row.Material, row.Course)


def _send_material(user: Any, material: Material, course: Course):
    # Only verified files are served: an upload still being checked (or refused) is nobody's download yet.
    if material.kind == MaterialKind.LINK or not material.storage_key or material.purged_at \
            or material.status != MaterialStatus.READY:
        abort(404)
    if not can_access_material(user, material, course):
        abort(403)
    if converted(material) and not can_manage_course(user, course):
        # Trainees get the phone-sized rendition; the original (maybe 2 GB from a phone) is kept for trainers.
        rendition = fallback_rendition(material, user.data_saver)
        return send_stored_key(rendition["key"], "video/mp4", inline=request.args.get("download") != "1",
                               filename=f"{(material.original_filename or 'video').rsplit('.', 1)[0]}"
                                        f"-{rendition['height']}p.mp4")
    # Media and PDFs open in the browser; drawings, programs and office files download.
    inline = material.kind in INLINE_KINDS or extension_of(material.original_filename or "") == "pdf"
    inline = inline and request.args.get("download") != "1"
    return send_stored_file(material, inline=inline)
