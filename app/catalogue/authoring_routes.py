"""Trainer authoring: courses, modules, lessons, links, ordering, publishing, soft-deleting materials, captions."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l, ngettext
from flask_login import current_user
from sqlalchemy import select

from app.accounts.models import User
from app.catalogue import bp, captions, services
from app.catalogue.forms import (
    CaptionsForm,
    CourseForm,
    LessonForm,
    LinkForm,
    MaterialTitleForm,
    ModuleForm,
    MoveForm,
    NewLessonForm,
    StatusForm,
    TrainersForm,
    fill_texts,
    material_language_choices,
    texts_from,
)
from app.catalogue.gaps import GAP_LABELS, course_gaps, lesson_gaps
from app.catalogue.models import Course, CourseStatus, Lesson, Material, MaterialKind, Module, Specialisation
from app.catalogue.policies import (
    can_assign_trainers,
    can_manage_course,
    can_manage_lesson,
    can_manage_material,
    can_manage_module,
)
from app.catalogue.uploads import LANGUAGELESS_EXTENSIONS
from app.core.forms import ConfirmForm, flash_form_errors
from app.core.i18n import LANGUAGE_NAMES, LANGUAGES
from app.core.permissions import Role, has_role, load_or_403, load_or_404, role_required
from app.core.translated import pick
from app.core.uow import form_page, refusals
from app.extensions import db

TEACHERS = (Role.TRAINER, Role.COORDINATOR)


def _outline(course_id: int):
    return redirect(url_for("catalogue.edit_course", course_id=course_id) + "#outline", 303)


def _posted_direction() -> int | None:
    """The posted move: -1 (up) or +1 (down); None when the form is not valid."""
    form = MoveForm()
    if form.validate_on_submit() and form.direction.data in ("up", "down"):
        return -1 if form.direction.data == "up" else 1
    return None


def _materials(lesson_id: int):
    return redirect(url_for("catalogue.edit_lesson", lesson_id=lesson_id) + "#materials", 303)


def _specialisation_choices() -> list[tuple[int, str]]:
    return [(s.id, pick(s.title)) for s in db.session.scalars(select(Specialisation).order_by(Specialisation.position))]


def _course_fields(form: CourseForm) -> dict:
    return {"summary": texts_from(form, "summary"), "description": texts_from(form, "description"),
            "hours": form.hours.data or 0, "capacity": form.capacity.data,
            "enrolment_policy": form.enrolment_policy.data, "starts_on": form.starts_on.data,
            "ends_on": form.ends_on.data}


@bp.get("/teach/")
@role_required(*TEACHERS)
def teach():
    query = select(Course).order_by(Course.status, Course.id)
    if not has_role(current_user, Role.COORDINATOR):
        query = query.where(Course.trainers.any(User.id == current_user.id))
    return render_template("catalogue/teach/index.html", courses=list(db.session.scalars(query)))


@bp.route("/teach/courses/new", methods=["GET", "POST"])
@role_required(*TEACHERS)
def new_course():
    form = CourseForm()
    form.specialisation.choices = _specialisation_choices()
    if form.validate_on_submit():
        with refusals(form):
            course = services.create_course(current_user, load_or_404(Specialisation, form.specialisation.data),
                                            texts_from(form, "title"), form.source_language.data,
                                            **_course_fields(form))
            flash(_("Course created as a draft. Add modules and lessons, then publish it."), "success")
            return redirect(url_for("catalogue.edit_course", course_id=course.id), 303)
    return form_page("catalogue/teach/course_form.html", form=form, course=None)


@bp.route("/teach/courses/<int:course_id>", methods=["GET", "POST"])
@role_required(*TEACHERS)
def edit_course(course_id: int):
    course = load_or_403(Course, course_id, can_manage_course)
    form = CourseForm(obj=course if request.method == "GET" else None)
    form.specialisation.choices = _specialisation_choices()
    if request.method == "GET":
        form.specialisation.data = course.specialisation_id
        form.enrolment_policy.data = course.enrolment_policy.value
        for name in ("title", "summary", "description"):
            fill_texts(form, name, getattr(course, name))
    if form.validate_on_submit():
        with refusals(form):
            services.update_course(current_user, course, texts_from(form, "title"), form.source_language.data,
                                   load_or_404(Specialisation, form.specialisation.data), **_course_fields(form))
            flash(_("Course saved."), "success")
            return redirect(url_for("catalogue.edit_course", course_id=course.id), 303)
    trainers_form = TrainersForm(prefix="tr")
    trainers_form.trainers.choices = [(u.id, f"{u.full_name} ({u.email or '—'})") for u in db.session.scalars(
        select(User).where(User.role.in_([Role.TRAINER, Role.COORDINATOR]), User.is_active.is_(True))
        .order_by(User.full_name))]
    trainers_form.trainers.data = [t.id for t in course.trainers]
    return form_page("catalogue/teach/course_edit.html", form=form, course=course, module_form=ModuleForm(
        prefix="mod"), trainers_form=trainers_form, new_lesson_form=NewLessonForm(prefix="les"),
        can_assign=can_assign_trainers(current_user, course), gaps=course_gaps(course), gap_labels=GAP_LABELS)


STATUS_MESSAGES = {"published": _l("The course is published."), "archived": _l("The course is archived."),
                   "draft": _l("The course is a draft again.")}


@bp.post("/teach/courses/<int:course_id>/status")
@role_required(*TEACHERS)
def course_status(course_id: int):
    course = load_or_403(Course, course_id, can_manage_course)
    form = StatusForm()
    if form.validate_on_submit() and form.status.data in STATUS_MESSAGES:
        with refusals():
            services.set_course_status(current_user, course, CourseStatus(form.status.data))
            flash(str(STATUS_MESSAGES[form.status.data]), "success")
    else:
        flash(_("Unknown status."), "error")
    return redirect(url_for("catalogue.edit_course", course_id=course.id), 303)


@bp.post("/teach/courses/<int:course_id>/trainers")
@role_required(Role.COORDINATOR)
def course_trainers(course_id: int):
    course = load_or_403(Course, course_id, can_assign_trainers)
    form = TrainersForm(prefix="tr")
    form.trainers.choices = [(u.id, u.full_name) for u in db.session.scalars(select(User))]
    if form.validate_on_submit():
        with refusals():
            services.set_trainers(current_user, course, [db.session.get(User, i) for i in form.trainers.data])
            flash(_("Trainers saved."), "success")
    return redirect(url_for("catalogue.edit_course", course_id=course.id), 303)


@bp.post("/teach/courses/<int:course_id>/modules")
@role_required(*TEACHERS)
def add_module(course_id: int):
    course = load_or_403(Course, course_id, can_manage_course)
    form = ModuleForm(prefix="mod")
    if form.validate_on_submit():
        with refusals():
            services.add_module(current_user, course, texts_from(form, "title"))
            flash(_("Module added."), "success")
    return _outline(course.id)


@bp.route("/teach/modules/<int:module_id>", methods=["GET", "POST"])
@role_required(*TEACHERS)
def edit_module(module_id: int):
    module = load_or_403(Module, module_id, can_manage_module)
    form = ModuleForm()
    if request.method == "GET":
        fill_texts(form, "title", module.title)
    if form.validate_on_submit():
        with refusals(form):
            services.update_module(current_user, module, texts_from(form, "title"))
            flash(_("Module saved."), "success")
            return _outline(module.course_id)
    return form_page("catalogue/teach/module_form.html", form=form, module=module)


@bp.post("/teach/modules/<int:module_id>/move")
@role_required(*TEACHERS)
def move_module(module_id: int):
    module = load_or_403(Module, module_id, can_manage_module)
    if direction := _posted_direction():
        services.move_module(current_user, module, direction)
    return _outline(module.course_id)


@bp.post("/teach/modules/<int:module_id>/lessons")
@role_required(*TEACHERS)
def add_lesson(module_id: int):
    module = load_or_403(Module, module_id, can_manage_module)
    form = NewLessonForm(prefix="les")
    if form.validate_on_submit():
        with refusals():
            lesson = services.add_lesson(current_user, module, texts_from(form, "title"), {})
            flash(_("Lesson added. Write its text and add materials."), "success")
            return redirect(url_for("catalogue.edit_lesson", lesson_id=lesson.id), 303)
    return _outline(module.course_id)


@bp.route("/teach/lessons/<int:lesson_id>", methods=["GET", "POST"])
@role_required(*TEACHERS)
def edit_lesson(lesson_id: int):
    lesson = load_or_403(Lesson, lesson_id, can_manage_lesson)
    course = lesson.module.course
    form = LessonForm(obj=lesson if request.method == "GET" else None)
    form.module.choices = [(m.id, pick(m.title, course.source_language)) for m in course.modules]
    if request.method == "GET":
        form.module.data = lesson.module_id
        fill_texts(form, "title", lesson.title)
        fill_texts(form, "body", lesson.body)
    if form.validate_on_submit():
        with refusals(form):
            services.update_lesson(current_user, lesson, texts_from(form, "title"), texts_from(form, "body"),
                                   form.duration_minutes.data or 0, load_or_404(Module, form.module.data))
            flash(_("Lesson saved."), "success")
            return redirect(url_for("catalogue.edit_lesson", lesson_id=lesson.id), 303)
    return form_page("catalogue/teach/lesson_edit.html", form=form, lesson=lesson, course=course,
                     link_form=LinkForm(prefix="link"), material_languages=material_language_choices(),
                     languageless_extensions=LANGUAGELESS_EXTENSIONS,
                     gaps=lesson_gaps(lesson, course.source_language), gap_labels=GAP_LABELS,
                     videos_minutes=services.videos_minutes(lesson))


@bp.post("/teach/lessons/<int:lesson_id>/duration-from-videos")
@role_required(*TEACHERS)
def lesson_duration_from_videos(lesson_id: int):
    lesson = load_or_403(Lesson, lesson_id, can_manage_lesson)
    if ConfirmForm().validate_on_submit():
        with refusals():
            minutes = services.duration_from_videos(current_user, lesson)
            flash(_("Lesson duration set to the videos' length: %(duration)s.",
                    duration=ngettext("%(num)s minute", "%(num)s minutes", minutes)), "success")
    return redirect(url_for("catalogue.edit_lesson", lesson_id=lesson.id) + "#text-heading", 303)


@bp.post("/teach/lessons/<int:lesson_id>/move")
@role_required(*TEACHERS)
def move_lesson(lesson_id: int):
    lesson = load_or_403(Lesson, lesson_id, can_manage_lesson)
    if direction := _posted_direction():
        services.move_lesson(current_user, lesson, direction)
    return _outline(lesson.course_id)


@bp.post("/teach/lessons/<int:lesson_id>/links")
@role_required(*TEACHERS)
def add_link(lesson_id: int):
    lesson = load_or_403(Lesson, lesson_id, can_manage_lesson)
    form = LinkForm(prefix="link")
    if form.validate_on_submit():
        with refusals():
            services.add_link(current_user, lesson, texts_from(form, "link_title"), form.url.data)
            flash(_("Link added."), "success")
    else:
        flash_form_errors(form)
    return _materials(lesson.id)


@bp.route("/teach/materials/<int:material_id>/title", methods=["GET", "POST"])
@role_required(*TEACHERS)
def material_title(material_id: int):
    material = load_or_403(Material, material_id, can_manage_material)
    form = MaterialTitleForm()
    if request.method == "GET":
        fill_texts(form, "title", material.title)
        form.language.data = material.language
    if form.validate_on_submit():
        with refusals(form):
            services.update_material_title(current_user, material, texts_from(form, "title"),
                                           form.language.data or None)
            flash(_("Saved."), "success")
            return _materials(material.lesson_id)
    return form_page("catalogue/teach/material_title.html", form=form, material=material,
                     course=material.lesson.module.course)


@bp.route("/teach/materials/<int:material_id>/captions", methods=["GET", "POST"])
@role_required(*TEACHERS)
def material_captions(material_id: int):
    """A video's captions: one WebVTT file per language, uploaded (or replaced) and removed here."""
    material = load_or_403(Material, material_id, can_manage_material)
    if material.kind != MaterialKind.VIDEO or material.deleted_at is not None:
        abort(404)
    form = CaptionsForm()
    if request.method == "GET":
        missing = [lang for lang in LANGUAGES if lang not in {c.language for c in material.captions}]
        form.language.data = missing[0] if missing else LANGUAGES[0]
    if form.validate_on_submit():
        with refusals(form):
            upload = form.file.data
            caption = captions.store_captions(current_user, material, form.language.data,
                                              upload.stream.read(captions.MAX_CAPTION_BYTES + 1), upload.filename)
            flash(_("Captions saved: %(language)s, %(count)s cues.", language=LANGUAGE_NAMES[caption.language],
                    count=caption.cue_count), "success")
            return redirect(url_for("catalogue.material_captions", material_id=material.id), 303)
    return form_page("catalogue/teach/material_captions.html", form=form, material=material,
                     course=material.lesson.module.course, remove_form=ConfirmForm())


@bp.post("/teach/materials/<int:material_id>/captions/<language>/remove")
@role_required(*TEACHERS)
def remove_captions(material_id: int, language: str):
    material = load_or_403(Material, material_id, can_manage_material)
    caption = next((c for c in material.captions if c.language == language), None)
    if caption is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        captions.remove_captions(current_user, caption)
        flash(_("Captions removed: %(language)s.", language=LANGUAGE_NAMES[language]), "success")
    return redirect(url_for("catalogue.material_captions", material_id=material.id), 303)


@bp.post("/teach/materials/<int:material_id>/<any(delete, restore):action>")
@role_required(*TEACHERS)
def material_action(material_id: int, action: str):
    material = load_or_403(Material, material_id, can_manage_material)
    if ConfirmForm().validate_on_submit():
        with refusals():
            if action == "delete":
                services.delete_material(current_user, material)
                flash(_("Material removed. You can restore it from this page."), "success")
            else:
                services.restore_material(current_user, material)
                flash(_("Material restored."), "success")
    return _materials(material.lesson_id)
