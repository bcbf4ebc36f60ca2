"""Public catalogue, course pages, lesson pages and material downloads."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, send_file
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.catalogue import bp
from app.catalogue.filetypes import extension_of
from app.catalogue.forms import CatalogueFilterForm
from app.catalogue.markdown import render_markdown
from app.catalogue.models import Course, Lesson, Material, MaterialKind, Module, Specialisation
from app.catalogue.policies import (
    can_access_material,
    can_manage_course,
    can_study_course,
    can_view_course,
)
from app.catalogue.services import published_courses, search_courses
from app.catalogue.signals import lesson_viewed
from app.core.db import commit_keeping_loaded
from app.core.translated import pick
from app.extensions import db, talisman
from app.storage import get_storage
from app.storage.base import ObjectNotFound

INLINE_KINDS = {MaterialKind.VIDEO, MaterialKind.AUDIO, MaterialKind.IMAGE}


@bp.get("/courses/")
def index():
    specialisations = list(db.session.scalars(select(Specialisation).order_by(Specialisation.position)))
    form = CatalogueFilterForm(request.args)
    form.specialisation.choices = [("", "—"), *[(s.code, pick(s.title)) for s in specialisations]]
    courses = published_courses()
    if form.validate():
        courses = search_courses(courses, form.q.data, form.language.data or None)
        if form.specialisation.data:
            courses = [c for c in courses if c.specialisation.code == form.specialisation.data]
    groups = [(spec, [c for c in courses if c.specialisation_id == spec.id]) for spec in specialisations]
    return render_template("catalogue/index.html", form=form, groups=[g for g in groups if g[1]],
                           total=len(courses))


def load_course(course_id: int) -> Course:
    course = db.session.scalar(select(Course).where(Course.id == course_id).options(
        selectinload(Course.modules).selectinload(Module.lessons), selectinload(Course.trainers)))
    if course is None:
        abort(404)
    if not can_view_course(current_user, course):
        abort(403 if current_user.is_authenticated else 404)
    return course


@bp.get("/courses/<int:course_id>")
def course(course_id: int):
    course = load_course(course_id)
    return render_template("catalogue/course.html", course=course,
                           can_study=can_study_course(current_user, course),
                           can_manage=can_manage_course(current_user, course))


@bp.get("/courses/<int:course_id>/lessons/<int:lesson_id>")
@login_required
def lesson(course_id: int, lesson_id: int):
    course = load_course(course_id)
    lesson = db.get_or_404(Lesson, lesson_id)
    if lesson.course_id != course.id:
        abort(404)
    if not can_study_course(current_user, course):
        abort(403)
    lesson_viewed.send(lesson, user=current_user._get_current_object())
    commit_keeping_loaded()  # what the listeners recorded (e.g. when the lesson was first opened)
    ordered = [each for module in course.modules for each in module.lessons]
    index = ordered.index(lesson)
    materials = [m for m in lesson.materials if m.deleted_at is None]
    body = pick(lesson.body, course.source_language)
    return render_template(
        "catalogue/lesson.html", course=course, lesson=lesson, materials=materials, body=render_markdown(body),
        previous=ordered[index - 1] if index > 0 else None,
        following=ordered[index + 1] if index + 1 < len(ordered) else None,
        can_manage=can_manage_course(current_user, course))


@bp.get("/materials/<int:material_id>/file")
@login_required
# The lesson page previews PDFs in a frame: this response (only) may be framed by our own pages.
# Only allow-listed, content-checked types are ever served (no HTML or SVG), with nosniff.
@talisman(frame_options="SAMEORIGIN", content_security_policy={"frame-ancestors": "'self'"})
def material_file(material_id: int):
    """Check access, then let storage answer: S3 by redirect to a short-lived URL, local with Range support."""
    # One query for the material and its course: downloads are the hottest authorised path.
    row = db.session.execute(select(Material, Course).join(Lesson, Lesson.id == Material.lesson_id)
                             .join(Course, Course.id == Lesson.course_id).where(Material.id == material_id)).first()
    if row is None:
        abort(404)
    material, course = row
    if not can_access_material(current_user, material, course):
        abort(403)
    if material.kind == MaterialKind.LINK or not material.storage_key or material.purged_at:
        abort(404)
    # Media and PDFs open in the browser; drawings, programs and office files download.
    inline = material.kind in INLINE_KINDS or extension_of(material.original_filename or "") == "pdf"
    inline = inline and request.args.get("download") != "1"
    storage = get_storage()
    if storage.supports_presigned_urls:
        url = storage.presigned_get_url(material.storage_key, expires=current_app.config["S3_PRESIGN_EXPIRES"],
                                        filename=material.original_filename, content_type=material.content_type,
                                        inline=inline)
        response = redirect(url, 302)
        response.headers["Cache-Control"] = "private, no-store"
        return response
    try:
        path = storage.local_path(material.storage_key)
    except ObjectNotFound:
        abort(404)
    response = send_file(path, mimetype=material.content_type, as_attachment=not inline,
                         download_name=material.original_filename, conditional=True, etag=material.sha256 or True,
                         max_age=0)
    response.headers["Cache-Control"] = "private, max-age=0"
    return response
