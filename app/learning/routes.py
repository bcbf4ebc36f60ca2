"""Trainee-facing learning: dashboard, lesson progress and beacons, quizzes, certificates, public verification."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.catalogue.models import Lesson, Material, MaterialKind
from app.certificates.models import Certificate
from app.core.errors import DomainError
from app.core.permissions import Role, has_role, role_required
from app.enrolment.models import Enrolment, EnrolmentStatus
from app.enrolment.policies import can_access_material, can_study_course
from app.extensions import db, limiter
from app.learning import bp, progress, quizzes, watching
from app.learning.forms import answers_from, attempt_form
from app.learning.models import Quiz, QuizAttempt


@bp.get("/learning/")
@role_required(Role.TRAINEE)
def dashboard():
    enrolments = list(db.session.scalars(select(Enrolment).where(
        Enrolment.user_id == current_user.id, Enrolment.status == EnrolmentStatus.ENROLLED)
        .options(selectinload(Enrolment.course)).order_by(Enrolment.created_at)))
    progress_by_course = progress.courses_progress(current_user.id, [e.course for e in enrolments])
    rows = [(e, progress_by_course[e.course_id]) for e in enrolments]
    owned = list(db.session.scalars(select(Certificate).where(Certificate.user_id == current_user.id)
                                    .order_by(Certificate.completed_at.desc())))
    from app.training.services import upcoming_meetings

    return render_template("learning/dashboard.html", rows=rows, certificates=owned,
                           meetings=upcoming_meetings(current_user, limit=3))


def _study_or_403(lesson: Lesson) -> Lesson:
    if not can_study_course(current_user, lesson.module.course):
        abort(403)
    return lesson


@bp.post("/learning/lessons/<int:lesson_id>/done")
@login_required
def mark_done(lesson_id: int):
    lesson = _study_or_403(db.get_or_404(Lesson, lesson_id))
    from app.accounts.forms import ConfirmForm

    if ConfirmForm().validate_on_submit():
        progress.mark_done(current_user, lesson)
        db.session.commit()
        flash(_("Lesson marked as done."), "success")
    return redirect(url_for("learning.lesson", course_id=lesson.course_id, lesson_id=lesson.id), 303)


@bp.post("/learning/lessons/<int:lesson_id>/read")
@login_required
def mark_read(lesson_id: int):
    lesson = _study_or_403(db.get_or_404(Lesson, lesson_id))
    try:
        progress.mark_read(current_user, lesson)
    except DomainError as error:
        db.session.rollback()
        return jsonify(done=False, message=str(error.message)), 409
    db.session.commit()
    return jsonify(done=True)


def _number(payload: dict, name: str, default: float = 0.0) -> float:
    value = payload.get(name, default)
    if not isinstance(value, int | float) or value != value or abs(value) > 1e7:  # NaN and absurd values
        raise ValueError(name)
    return float(value)


@bp.post("/learning/materials/<int:material_id>/beacon")
@login_required
@limiter.limit("120 per minute")
def beacon(material_id: int):
    """The player reports what it played since its last report (see app/learning/watching.py)."""
    material = db.get_or_404(Material, material_id)
    if material.kind != MaterialKind.VIDEO or not can_access_material(current_user, material):
        abort(403)
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return jsonify(error="expected a JSON object"), 400
    try:
        start, end = _number(payload, "start"), _number(payload, "end")
        position, duration = _number(payload, "position"), _number(payload, "duration")
        sequence = int(_number(payload, "sequence"))
    except ValueError as error:
        return jsonify(error=f"invalid {error}"), 400
    viewed = progress.progress_of(current_user.id, material.lesson_id)
    record = watching.record_beacon(current_user.id, material, start, end, position, duration, sequence,
                                    opened_at=viewed.last_opened_at if viewed else None)
    done = progress.check_watched(current_user, material.lesson)
    db.session.commit()
    return jsonify(watched_seconds=record.watched_seconds, share=watching.watched_share(record, material),
                   lesson_done=done)


def _quiz_or_403(quiz_id: int) -> Quiz:
    quiz = db.get_or_404(Quiz, quiz_id)
    if not quizzes.can_take(current_user, quiz):
        abort(403)
    return quiz


@bp.get("/learning/quizzes/<int:quiz_id>")
@login_required
def quiz(quiz_id: int):
    quiz = _quiz_or_403(quiz_id)
    attempts = list(db.session.scalars(select(QuizAttempt).where(
        QuizAttempt.quiz_id == quiz.id, QuizAttempt.user_id == current_user.id).order_by(QuizAttempt.started_at)))
    return render_template("learning/quiz.html", quiz=quiz, attempts=attempts,
                           open_attempt=quizzes.open_attempt(quiz, current_user),
                           used=len(attempts))


@bp.post("/learning/quizzes/<int:quiz_id>/start")
@login_required
def start_quiz(quiz_id: int):
    quiz = _quiz_or_403(quiz_id)
    from app.accounts.forms import ConfirmForm

    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        attempt = quizzes.start_attempt(quiz, current_user)
    except DomainError as error:
        db.session.commit()  # an expired attempt closed on the way is kept
        flash(str(error.message), "error")
        return redirect(url_for("learning.quiz", quiz_id=quiz.id), 303)
    db.session.commit()
    return redirect(url_for("learning.attempt", attempt_id=attempt.id), 303)


@bp.route("/learning/attempts/<int:attempt_id>", methods=["GET", "POST"])
@login_required
def attempt(attempt_id: int):
    attempt = db.get_or_404(QuizAttempt, attempt_id)
    if attempt.user_id != current_user.id:
        abort(403)
    if attempt.submitted_at is not None:
        return redirect(url_for("learning.result", attempt_id=attempt.id), 303)
    shown = quizzes.presented(attempt)
    course = attempt.quiz.course
    form = attempt_form(shown, current_user.language, course.source_language)
    if form.validate_on_submit():
        try:
            quizzes.submit_attempt(attempt, current_user, answers_from(form, shown))
        except DomainError as error:
            db.session.commit()  # the expired attempt is closed and counted
            flash(str(error.message), "error")
            return redirect(url_for("learning.quiz", quiz_id=attempt.quiz_id), 303)
        db.session.commit()
        return redirect(url_for("learning.result", attempt_id=attempt.id), 303)
    return render_template("learning/attempt.html", attempt=attempt, form=form, quiz=attempt.quiz,
                           questions=list(zip(shown, [getattr(form, f"q{i}") for i in range(len(shown))],
                                              strict=True)))


@bp.get("/learning/attempts/<int:attempt_id>/result")
@login_required
def result(attempt_id: int):
    attempt = db.get_or_404(QuizAttempt, attempt_id)
    if attempt.user_id != current_user.id and not has_role(current_user, Role.COORDINATOR):
        abort(403)
    if attempt.submitted_at is None:
        return redirect(url_for("learning.attempt", attempt_id=attempt.id), 303)
    return render_template("learning/result.html", attempt=attempt, quiz=attempt.quiz)
