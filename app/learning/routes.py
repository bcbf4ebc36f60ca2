"""Trainee-facing learning: dashboard, lesson progress and beacons, quizzes and their results."""

from __future__ import annotations

from functools import cache

from flask import abort, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import joinedload

from app.accounts import sessions
from app.accounts.models import User
from app.catalogue.models import Course, Lesson, Material
from app.certificates.models import Certificate
from app.core.db import utcnow
from app.core.errors import DomainError
from app.core.forms import ConfirmForm
from app.core.json import json_body
from app.core.limits import per_account
from app.core.permissions import Role, deny, has_role, load_or_403
from app.core.uow import form_page, keep, refusals, refused
from app.enrolment.models import Enrolment, EnrolmentStatus
from app.extensions import db, limiter
from app.learning import bp, completion, progress, quizzes, watching
from app.learning.forms import answers_from, attempt_form
from app.learning.models import Quiz, QuizAttempt
from app.learning.policies import (
    can_answer_attempt,
    can_see_attempt,
    can_study_lesson,
    can_take_quiz,
    can_watch_video,
)
from app.learning.schemas import BeaconSchema
from app.offline.idempotency import idempotent


@bp.get("/learning/")
def dashboard():
    # The person and their enrolments in one query (not @role_required: that loads the person in a query of its own).
    user, found = sessions.load_rows_with(_with_enrolments, page=True)
    if user is None:
        deny()  # the login page
    if not has_role(user, Role.TRAINEE):
        abort(403)
    # Most trainees hold no certificate until they complete a course: the same statement says whether they hold
    # any, and their list is read only then (a statement fewer on most views of the page).
    holds_certificates = bool(found) and found[0].holds_certificates
    found = [(row.Enrolment, row.last_meeting_at) for row in found if row.Enrolment is not None]
    enrolments = [enrolment for enrolment, _last in found]
    last_meetings = {enrolment.course_id: last for enrolment, last in found if last is not None}
    progress_by_course = progress.courses_progress(user.id, [e.course for e in enrolments])
    rows = [(e, progress_by_course[e.course_id]) for e in enrolments]
    owned = list(db.session.scalars(_certificates_statement(), {"user_id": user.id})) if holds_certificates else []
    from app.training.services import upcoming_meetings

    # The meetings' courses are among the enrolments' (loaded above): read from the session, not joined again.
    return render_template("learning/dashboard.html", rows=rows, certificates=owned,
                           meetings=upcoming_meetings(user, limit=3, with_courses=False), now=utcnow(),
                           last_meetings=last_meetings)


#: What the dashboard reads of each course (the meetings' lines read their course's title and language too).
DASHBOARD_COURSE = (Course.id, Course.title, Course.source_language, Course.status, Course.content_version)


def _with_enrolments(query):
    """For ``sessions.load_rows_with``: the person's current enrolments with their courses and last meetings, and
    whether they hold any certificate (revoked ones too: the page lists them)."""
    return (query.add_columns(Enrolment, completion.last_meeting_column(Enrolment.course_id).label("last_meeting_at"),
                              exists().where(Certificate.user_id == User.id).label("holds_certificates"))
            .outerjoin(Enrolment, (Enrolment.user_id == User.id) & (Enrolment.status == EnrolmentStatus.ENROLLED))
            # Of the course only what the page and the outlines read: its description and summary (long texts
            # in every language, parsed from JSON) are not shown here.
            .options(joinedload(Enrolment.course).load_only(*DASHBOARD_COURSE)).order_by(Enrolment.created_at))


@cache
def _certificates_statement():
    """Built once (building it cost more than running it)."""
    return (select(Certificate).where(Certificate.user_id == bindparam("user_id"))
            .order_by(Certificate.completed_at.desc()))


@bp.post("/learning/lessons/<int:lesson_id>/done")
@login_required
@idempotent  # also sent by the offline queue
def mark_done(lesson_id: int):
    lesson = load_or_403(Lesson, lesson_id, can_study_lesson)
    if ConfirmForm().validate_on_submit():
        progress.mark_done(current_user, lesson)
        flash(_("Lesson marked as done."), "success")
    return redirect(url_for("learning.lesson", course_id=lesson.course_id, lesson_id=lesson.id), 303)


@bp.post("/learning/lessons/<int:lesson_id>/read")
@login_required
def mark_read(lesson_id: int):
    lesson = load_or_403(Lesson, lesson_id, can_study_lesson)
    try:
        progress.mark_read(current_user, lesson)
    except DomainError as error:
        return jsonify(done=False, message=refused(error)), 409
    return jsonify(done=True)


@bp.post("/learning/materials/<int:material_id>/beacon")
@login_required
@limiter.limit("120 per minute", key_func=per_account)  # per person: a class watches from one router
@idempotent  # beacons played offline are sent later by the offline queue
def beacon(material_id: int):
    """The player reports what it played since its last report (see app/learning/watching.py)."""
    material = load_or_403(Material, material_id, can_watch_video)
    beat = json_body(BeaconSchema())
    start, end, position, duration = beat["start"], beat["end"], beat["position"], beat["duration"]
    sequence = beat["sequence"]
    viewed = progress.progress_of(current_user.id, material.lesson_id)
    record = watching.record_beacon(current_user.id, material, start, end, position, duration, sequence,
                                    opened_at=viewed.last_opened_at if viewed else None)
    done = progress.check_watched(current_user, material.lesson)
    return jsonify(watched_seconds=record.watched_seconds, share=watching.watched_share(record, material),
                   lesson_done=done)


@bp.get("/learning/quizzes/<int:quiz_id>")
@login_required
def quiz(quiz_id: int):
    quiz = load_or_403(Quiz, quiz_id, can_take_quiz)
    attempts = list(db.session.scalars(select(QuizAttempt).where(
        QuizAttempt.quiz_id == quiz.id, QuizAttempt.user_id == current_user.id).order_by(QuizAttempt.started_at)))
    return render_template("learning/quiz.html", quiz=quiz, attempts=attempts,
                           open_attempt=quizzes.open_attempt(quiz, current_user),
                           used=len(attempts))


@bp.post("/learning/quizzes/<int:quiz_id>/start")
@login_required
def start_quiz(quiz_id: int):
    quiz = load_or_403(Quiz, quiz_id, can_take_quiz)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    keep()  # an expired attempt closed on the way stays closed, even when no new attempt may start
    with refusals():
        attempt = quizzes.start_attempt(quiz, current_user)
        return redirect(url_for("learning.attempt", attempt_id=attempt.id), 303)
    return redirect(url_for("learning.quiz", quiz_id=quiz.id), 303)


@bp.route("/learning/attempts/<int:attempt_id>", methods=["GET", "POST"])
@login_required
@idempotent  # answers written offline are sent by the offline queue (a submitted attempt is never graded twice)
def attempt(attempt_id: int):
    attempt = load_or_403(QuizAttempt, attempt_id, can_answer_attempt)
    if attempt.submitted_at is not None:
        return redirect(url_for("learning.result", attempt_id=attempt.id), 303)
    shown = quizzes.presented(attempt)
    course = attempt.quiz.course
    form = attempt_form(shown, current_user.language, course.source_language)
    blank = []
    if form.validate_on_submit():
        answers = answers_from(form, shown)
        blank = quizzes.unanswered(answers)
        # Blank answers are asked about once (the page lists them); past the time limit there is nothing to ask.
        if not blank or form.submit_blank.data or quizzes.time_is_up(attempt):
            keep()  # an attempt submitted after its time limit is closed and counted, its answers refused
            with refusals():
                quizzes.submit_attempt(attempt, current_user, answers)
                return redirect(url_for("learning.result", attempt_id=attempt.id), 303)
            return redirect(url_for("learning.quiz", quiz_id=attempt.quiz_id), 303)
    return form_page("learning/attempt.html", attempt=attempt, form=form, quiz=attempt.quiz, blank=blank,
                     questions=list(zip(shown, [getattr(form, f"q{i}") for i in range(len(shown))], strict=True)))


@bp.get("/learning/attempts/<int:attempt_id>/result")
@login_required
def result(attempt_id: int):
    attempt = load_or_403(QuizAttempt, attempt_id, can_see_attempt)
    if attempt.submitted_at is None:
        return redirect(url_for("learning.attempt", attempt_id=attempt.id), 303)
    return render_template("learning/result.html", attempt=attempt, quiz=attempt.quiz)
