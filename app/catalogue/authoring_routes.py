"""Trainer authoring: courses, modules, lessons, links, ordering, publishing, soft-deleting materials."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.accounts.forms import ConfirmForm
from app.accounts.models import User
from app.accounts.routes import apply_domain_error
from app.catalogue import bp, services
from app.catalogue.forms import (
    CourseForm,
    LessonForm,
    LinkForm,
    ModuleForm,
    MoveForm,
    NewLessonForm,
    StatusForm,
    TrainersForm,
    fill_texts,
    texts_from,
)
from app.catalogue.models import Course, CourseStatus, Lesson, Material, Module, Specialisation
from app.catalogue.policies import can_manage_course
from app.catalogue.uploads import UPLOAD_TOKEN_MAX_AGE
from app.core.errors import DomainError
from app.core.forms import flash_form_errors
from app.core.permissions import Role, has_role, role_required
from app.core.translated import pick
from app.extensions import db

TEACHERS = (Role.TRAINER, Role.COORDINATOR)


def managed_or_403(course: Course) -> Course:
    if not can_manage_course(current_user, course):
        abort(403)
    return course


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
        try:
            course = services.create_course(current_user, db.get_or_404(Specialisation, form.specialisation.data),
                                            texts_from(form, "title"), form.source_language.data,
                                            **_course_fields(form))
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Course created as a draft. Add modules and lessons, then publish it."), "success")
            return redirect(url_for("catalogue.edit_course", course_id=course.id), 303)
    return render_template("catalogue/teach/course_form.html", form=form, course=None), \
        200 if request.method == "GET" else 422


@bp.route("/teach/courses/<int:course_id>", methods=["GET", "POST"])
@role_required(*TEACHERS)
def edit_course(course_id: int):
    course = managed_or_403(db.get_or_404(Course, course_id))
    form = CourseForm(obj=course if request.method == "GET" else None)
    form.specialisation.choices = _specialisation_choices()
    if request.method == "GET":
        form.specialisation.data = course.specialisation_id
        form.enrolment_policy.data = course.enrolment_policy.value
        for name in ("title", "summary", "description"):
            fill_texts(form, name, getattr(course, name))
    if form.validate_on_submit():
        try:
            services.update_course(current_user, course, texts_from(form, "title"), form.source_language.data,
                                   db.get_or_404(Specialisation, form.specialisation.data), **_course_fields(form))
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Course saved."), "success")
            return redirect(url_for("catalogue.edit_course", course_id=course.id), 303)
    trainers_form = TrainersForm(prefix="tr")
    trainers_form.trainers.choices = [(u.id, f"{u.full_name} ({u.email or '—'})") for u in db.session.scalars(
        select(User).where(User.role.in_([Role.TRAINER, Role.COORDINATOR]), User.is_active.is_(True))
        .order_by(User.full_name))]
    trainers_form.trainers.data = [t.id for t in course.trainers]
    return render_template("catalogue/teach/course_edit.html", form=form, course=course, module_form=ModuleForm(
        prefix="mod"), trainers_form=trainers_form, new_lesson_form=NewLessonForm(prefix="les"),
        can_assign=has_role(current_user, Role.COORDINATOR)), 200 if request.method == "GET" else 422


@bp.post("/teach/courses/<int:course_id>/status")
@role_required(*TEACHERS)
def course_status(course_id: int):
    course = managed_or_403(db.get_or_404(Course, course_id))
    form = StatusForm()
    if form.validate_on_submit() and form.status.data in {s.value for s in CourseStatus}:
        try:
            services.set_course_status(current_user, course, CourseStatus(form.status.data))
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash({"published": _("The course is published."), "archived": _("The course is archived."),
                   "draft": _("The course is a draft again.")}[form.status.data], "success")
    else:
        flash(_("Unknown status."), "error")
    return redirect(url_for("catalogue.edit_course", course_id=course.id), 303)


@bp.post("/teach/courses/<int:course_id>/trainers")
@role_required(Role.COORDINATOR)
def course_trainers(course_id: int):
    course = db.get_or_404(Course, course_id)
    form = TrainersForm(prefix="tr")
    form.trainers.choices = [(u.id, u.full_name) for u in db.session.scalars(select(User))]
    if form.validate_on_submit():
        try:
            services.set_trainers(current_user, course, [db.session.get(User, i) for i in form.trainers.data])
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("Trainers saved."), "success")
    return redirect(url_for("catalogue.edit_course", course_id=course.id), 303)


@bp.post("/teach/courses/<int:course_id>/modules")
@role_required(*TEACHERS)
def add_module(course_id: int):
    course = managed_or_403(db.get_or_404(Course, course_id))
    form = ModuleForm(prefix="mod")
    if form.validate_on_submit():
        try:
            services.add_module(current_user, course, texts_from(form, "title"))
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("Module added."), "success")
    return redirect(url_for("catalogue.edit_course", course_id=course.id) + "#outline", 303)


@bp.route("/teach/modules/<int:module_id>", methods=["GET", "POST"])
@role_required(*TEACHERS)
def edit_module(module_id: int):
    module = db.get_or_404(Module, module_id)
    managed_or_403(module.course)
    form = ModuleForm()
    if request.method == "GET":
        fill_texts(form, "title", module.title)
    if form.validate_on_submit():
        try:
            services.update_module(current_user, module, texts_from(form, "title"))
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Module saved."), "success")
            return redirect(url_for("catalogue.edit_course", course_id=module.course_id) + "#outline", 303)
    return render_template("catalogue/teach/module_form.html", form=form, module=module), \
        200 if request.method == "GET" else 422


@bp.post("/teach/modules/<int:module_id>/move")
@role_required(*TEACHERS)
def move_module(module_id: int):
    module = db.get_or_404(Module, module_id)
    managed_or_403(module.course)
    form = MoveForm()
    if form.validate_on_submit() and form.direction.data in {"up", "down"}:
        services.move_module(current_user, module, -1 if form.direction.data == "up" else 1)
        db.session.commit()
    return redirect(url_for("catalogue.edit_course", course_id=module.course_id) + "#outline", 303)


@bp.post("/teach/modules/<int:module_id>/lessons")
@role_required(*TEACHERS)
def add_lesson(module_id: int):
    module = db.get_or_404(Module, module_id)
    managed_or_403(module.course)
    form = NewLessonForm(prefix="les")
    if form.validate_on_submit():
        try:
            lesson = services.add_lesson(current_user, module, texts_from(form, "title"), {})
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("Lesson added. Write its text and add materials."), "success")
            return redirect(url_for("catalogue.edit_lesson", lesson_id=lesson.id), 303)
    return redirect(url_for("catalogue.edit_course", course_id=module.course_id) + "#outline", 303)


@bp.route("/teach/lessons/<int:lesson_id>", methods=["GET", "POST"])
@role_required(*TEACHERS)
def edit_lesson(lesson_id: int):
    lesson = db.get_or_404(Lesson, lesson_id)
    course = managed_or_403(lesson.module.course)
    form = LessonForm(obj=lesson if request.method == "GET" else None)
    form.module.choices = [(m.id, pick(m.title, course.source_language)) for m in course.modules]
    if request.method == "GET":
        form.module.data = lesson.module_id
        fill_texts(form, "title", lesson.title)
        fill_texts(form, "body", lesson.body)
    if form.validate_on_submit():
        try:
            services.update_lesson(current_user, lesson, texts_from(form, "title"), texts_from(form, "body"),
                                   form.duration_minutes.data or 0, db.get_or_404(Module, form.module.data))
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Lesson saved."), "success")
            return redirect(url_for("catalogue.edit_lesson", lesson_id=lesson.id), 303)
    return render_template("catalogue/teach/lesson_edit.html", form=form, lesson=lesson, course=course,
                           link_form=LinkForm(prefix="link"), token_hours=UPLOAD_TOKEN_MAX_AGE // 3600), \
        200 if request.method == "GET" else 422


@bp.post("/teach/lessons/<int:lesson_id>/move")
@role_required(*TEACHERS)
def move_lesson(lesson_id: int):
    lesson = db.get_or_404(Lesson, lesson_id)
    managed_or_403(lesson.module.course)
    form = MoveForm()
    if form.validate_on_submit() and form.direction.data in {"up", "down"}:
        services.move_lesson(current_user, lesson, -1 if form.direction.data == "up" else 1)
        db.session.commit()
    return redirect(url_for("catalogue.edit_course", course_id=lesson.course_id) + "#outline", 303)


@bp.post("/teach/lessons/<int:lesson_id>/links")
@role_required(*TEACHERS)
def add_link(lesson_id: int):
    lesson = db.get_or_404(Lesson, lesson_id)
    managed_or_403(lesson.module.course)
    form = LinkForm(prefix="link")
    if form.validate_on_submit():
        try:
            services.add_link(current_user, lesson, texts_from(form, "link_title"), form.url.data)
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("Link added."), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("catalogue.edit_lesson", lesson_id=lesson.id) + "#materials", 303)


@bp.post("/teach/materials/<int:material_id>/<any(delete, restore):action>")
@role_required(*TEACHERS)
def material_action(material_id: int, action: str):
    material = db.get_or_404(Material, material_id)
    managed_or_403(material.lesson.module.course)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            if action == "delete":
                services.delete_material(current_user, material)
            else:
                services.restore_material(current_user, material)
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("Material removed. You can restore it from this page.") if action == "delete"
                  else _("Material restored."), "success")
    return redirect(url_for("catalogue.edit_lesson", lesson_id=material.lesson_id) + "#materials", 303)
