"""What a participant opens: the course page (outline, enrolment, the way in), lessons and material files.

These pages live in ``learning`` because they combine the catalogue (content), enrolment (who may study) and
learning (progress); the catalogue below them knows nothing of either.
"""

from __future__ import annotations

import logging

from flask import abort, current_app, jsonify, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import selectinload

from app.accounts import sessions
from app.accounts.models import User
from app.catalogue.filetypes import extension_of
from app.catalogue.markdown import render_markdown
from app.catalogue.models import Course, Lesson, Material, MaterialKind, MaterialStatus, Module
from app.catalogue.policies import can_manage_course
from app.core.csp import framed_by_own_pages
from app.core.files import send_stored_file, send_stored_key
from app.core.permissions import MAX_ID, deny, load_or_404
from app.core.translated import pick, viewer_language
from app.core.uow import writes
from app.enrolment.policies import (
    can_access_material,
    can_study_course,
    can_view_course,
    enrolled_clause,
    known_enrolment,
)
from app.enrolment.services import enrolment_box
from app.extensions import db
from app.learning import bp, completion, offline, progress
from app.learning.materials import by_language, shown_materials
from app.learning.player import converted, fallback_rendition, player_for

log = logging.getLogger(__name__)
INLINE_KINDS = {MaterialKind.VIDEO, MaterialKind.AUDIO, MaterialKind.IMAGE}


def load_course(course_id: int) -> Course:
    """The course with its outline and trainers in three queries; unpublished courses are 404 to strangers."""
    course = db.session.scalar(select(Course).where(Course.id == course_id).options(
        selectinload(Course.modules).selectinload(Module.lessons), selectinload(Course.trainers))) \
        if 0 < course_id <= MAX_ID else None
    if course is None:
        abort(404)
    if not can_view_course(current_user, course):
        abort(403 if current_user.is_authenticated else 404)
    return course


@bp.get("/courses/<int:course_id>")
def course(course_id: int):
    course = load_course(course_id)
    can_study = can_study_course(current_user, course)
    return render_template("learning/course.html", course=course, box=enrolment_box(current_user, course),
                           can_study=can_study, can_manage=can_manage_course(current_user, course),
                           requirements=completion.requirements(course) if can_study else None)


@bp.get("/courses/<int:course_id>/lessons/<int:lesson_id>")
@login_required
@writes  # records when the lesson was opened
def lesson(course_id: int, lesson_id: int):
    course = load_course(course_id)
    lesson = load_or_404(Lesson, lesson_id)
    if lesson.course_id != course.id:
        abort(404)
    if not can_study_course(current_user, course):
        deny()
    # A visit is worth recording, not worth failing the page for: SQLite under concurrent writers may refuse
    # the write ("database is locked"); the savepoint keeps the rest of the request's transaction intact.
    try:
        with db.session.begin_nested():
            progress.lesson_opened(current_user, lesson)
    except OperationalError:
        log.warning("lesson visit of user %s not recorded: database busy", current_user.id)
    ordered = [each for module in course.modules for each in module.lessons]
    index = ordered.index(lesson)
    can_manage = can_manage_course(current_user, course)
    language = viewer_language()
    materials, other_languages = by_language(shown_materials(lesson, can_manage), language)
    videos = [m.id for m in materials + other_languages if m.kind == MaterialKind.VIDEO]
    if videos:  # their captions in one query
        db.session.scalars(select(Material).where(Material.id.in_(videos))
                           .options(selectinload(Material.captions))).all()
    return render_template(
        "learning/lesson.html", course=course, lesson=lesson,
        materials=materials, other_languages=other_languages,
        players={m.id: player_for(m, language, current_user.data_saver)
                 for m in materials + other_languages if m.kind == MaterialKind.VIDEO},
        body=render_markdown(pick(lesson.body, course.source_language)),
        previous=ordered[index - 1] if index > 0 else None,
        following=ordered[index + 1] if index + 1 < len(ordered) else None,
        can_manage=can_manage, info=progress.lesson_panel(current_user, lesson))


@bp.get("/courses/<int:course_id>/offline.json")
@login_required
def offline_bundle(course_id: int):
    """What a device saves to make the course available offline (URLs and sizes; the device checks its quota)."""
    course = load_course(course_id)
    if not can_study_course(current_user, course):
        deny()
    response = jsonify(offline.offline_bundle(course))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/materials/<int:material_id>/file")
# The lesson page previews PDFs in a frame: this response (only) may be framed by our own pages.
# Only allow-listed, content-checked types are ever served (no HTML or SVG), with nosniff.
@framed_by_own_pages
def material_file(material_id: int):
    """Check access, then let storage answer: S3 by redirect to a short-lived URL, local with Range support.

    Downloads are the hottest authorised path: one query loads the person (their login), the material with its
    course, and whether they are enrolled (``enrolled_clause``); the policies then decide on what it read."""
    if not 0 < material_id <= MAX_ID:
        abort(404)
    user, row = sessions.load_with(lambda query: query.add_columns(
        Material, Course, enrolled_clause(User.id, Course.id).label("enrolled"))
        .outerjoin(Material, Material.id == material_id).outerjoin(Lesson, Lesson.id == Material.lesson_id)
        .outerjoin(Course, Course.id == Lesson.course_id))
    if user is None:
        return current_app.login_manager.unauthorized()
    if row.Material is None:
        abort(404)
    material, course = row.Material, row.Course
    known_enrolment(user, course.id, row.enrolled)
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
