"""Quizzes, questions and the completion rule, edited by the course's trainers and the coordinators."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.catalogue.forms import fill_texts, texts_from
from app.catalogue.models import Course
from app.catalogue.policies import can_manage_course
from app.core.forms import ConfirmForm
from app.core.permissions import Role, load_or_403, role_required
from app.core.translated import pick
from app.core.uow import form_page, refusals
from app.extensions import db
from app.learning import authoring, bp
from app.learning.completion import rule_of
from app.learning.forms import CompletionRuleForm, QuestionForm, QuizForm
from app.learning.models import Question, QuestionType, Quiz
from app.learning.policies import can_author_question, can_author_quiz

TEACHERS = (Role.TRAINER, Role.COORDINATOR)


def _anchors(course: Course) -> list[tuple[str, str]]:
    result = []
    for module in course.modules:
        result.append((f"module:{module.id}", _("Module: %(title)s", title=pick(module.title, course.source_language))))
        for lesson in module.lessons:
            result.append((f"lesson:{lesson.id}", "— " + pick(lesson.title, course.source_language)))
    return result


@bp.route("/teach/courses/<int:course_id>/learning", methods=["GET", "POST"])
@role_required(*TEACHERS)
def course_learning(course_id: int):
    """The course's quizzes and its completion rule."""
    course = load_or_403(Course, course_id, can_manage_course)
    form = CompletionRuleForm(data=rule_of(course) if request.method == "GET" else None)
    if form.validate_on_submit():
        with refusals():
            authoring.save_rule(current_user, course, form.lessons.data, form.quizzes.data,
                                form.min_attendance_percent.data)
            flash(_("Completion rule saved; everyone enrolled was evaluated again."), "success")
            return redirect(url_for("learning.course_learning", course_id=course.id), 303)
    quizzes = list(db.session.scalars(select(Quiz).where(Quiz.course_id == course.id).order_by(Quiz.position)))
    return form_page("learning/teach/course.html", course=course, form=form, quizzes=quizzes)


@bp.route("/teach/courses/<int:course_id>/quizzes/new", methods=["GET", "POST"])
@bp.route("/teach/quizzes/<int:quiz_id>", methods=["GET", "POST"])
@role_required(*TEACHERS)
def edit_quiz(course_id: int | None = None, quiz_id: int | None = None):
    quiz = load_or_403(Quiz, quiz_id, can_author_quiz) if quiz_id else None
    course = quiz.course if quiz else load_or_403(Course, course_id, can_manage_course)
    form = QuizForm(obj=quiz if request.method == "GET" and quiz else None)
    form.anchor.choices = _anchors(course)
    if request.method == "GET" and quiz:
        fill_texts(form, "title", quiz.title)
        form.anchor.data = f"lesson:{quiz.lesson_id}" if quiz.lesson_id else f"module:{quiz.module_id}"
    if form.validate_on_submit():
        with refusals(form):
            saved = authoring.save_quiz(current_user, course, quiz, texts_from(form, "title"), form.anchor.data,
                                        pass_mark=form.pass_mark.data, attempts_limit=form.attempts_limit.data,
                                        time_limit_minutes=form.time_limit_minutes.data,
                                        draw_count=form.draw_count.data, shuffle_choices=form.shuffle_choices.data)
            flash(_("Quiz saved."), "success")
            return redirect(url_for("learning.edit_quiz", quiz_id=saved.id), 303)
    return form_page("learning/teach/quiz.html", course=course, quiz=quiz, form=form)


@bp.route("/teach/quizzes/<int:quiz_id>/questions/new", methods=["GET", "POST"])
@bp.route("/teach/questions/<int:question_id>", methods=["GET", "POST"])
@role_required(*TEACHERS)
def edit_question(quiz_id: int | None = None, question_id: int | None = None):
    question = load_or_403(Question, question_id, can_author_question) if question_id else None
    quiz = question.quiz if question else load_or_403(Quiz, quiz_id, can_author_quiz)
    course = quiz.course
    form = QuestionForm()
    if request.method == "GET" and question:
        form.type.data, form.points.data = question.type.value, question.points
        fill_texts(form, "text", question.text)
        data = question.data
        if question.type in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            form.choices.data = "\n".join(("* " if c["correct"] else "") + pick(c["text"], course.source_language)
                                          for c in data["choices"])
        elif question.type == QuestionType.TRUE_FALSE:
            form.correct_true.data = "true" if data["correct"] else "false"
        elif question.type == QuestionType.NUMERIC:
            form.answer.data, form.tolerance.data, form.unit.data = data["answer"], data["tolerance"], data["unit"]
        else:
            form.accepted.data = "\n".join(a for answers in data["accepted"].values() for a in answers)
    if form.validate_on_submit():
        with refusals(form):
            authoring.save_question(
                current_user, quiz, question, QuestionType(form.type.data), texts_from(form, "text"),
                form.points.data, form.choices.data, form.correct_true.data, form.answer.data, form.tolerance.data,
                form.unit.data, form.accepted.data)
            flash(_("Question saved."), "success")
            return redirect(url_for("learning.edit_quiz", quiz_id=quiz.id), 303)
    return form_page("learning/teach/question.html", course=course, quiz=quiz, question=question, form=form)


@bp.post("/teach/questions/<int:question_id>/<any(retire, restore):action>")
@role_required(*TEACHERS)
def toggle_question(question_id: int, action: str):
    question = load_or_403(Question, question_id, can_author_question)
    if ConfirmForm().validate_on_submit():
        authoring.set_question_active(current_user, question, action == "restore")
    return redirect(url_for("learning.edit_quiz", quiz_id=question.quiz_id), 303)
