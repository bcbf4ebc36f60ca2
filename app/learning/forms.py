from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DecimalField,
    FloatField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.catalogue.forms import translated_fields
from app.core.forms import Form
from app.core.translated import pick


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def attempt_form(presented: list[dict], language: str, source_language: str, formdata=None) -> Form:
    """A form built for one attempt: one field per presented question, choices under the attempt's random ids."""

    class AttemptForm(Form):
        submit = SubmitField(_l("Submit answers"))
        #: Offered once the page has said which questions are blank: the trainee may submit them blank.
        submit_blank = SubmitField(_l("Submit anyway"))

    for index, item in enumerate(presented):
        label = pick(item["text"], source_language, language)
        name = f"q{index}"
        if item["type"] == "single":
            field = RadioField(label, choices=[(c["id"], pick(c["text"], source_language, language))
                                               for c in item["choices"]], validators=[Optional()])
        elif item["type"] == "multiple":
            field = MultiCheckboxField(label, choices=[(c["id"], pick(c["text"], source_language, language))
                                                       for c in item["choices"]], validators=[Optional()])
        elif item["type"] == "true_false":
            field = RadioField(label, choices=[("true", _l("True")), ("false", _l("False"))], validators=[Optional()])
        elif item["type"] == "numeric":
            field = StringField(label, validators=[Optional(), Length(max=50)],
                                render_kw={"inputmode": "decimal", "autocomplete": "off"},
                                description=item.get("unit") or "")
        else:
            field = StringField(label, validators=[Optional(), Length(max=200)], render_kw={"autocomplete": "off"})
        setattr(AttemptForm, name, field)
    return AttemptForm(formdata=formdata) if formdata is not None else AttemptForm()


def answers_from(form, presented: list[dict]) -> dict[str, object]:
    answers = {}
    for index, item in enumerate(presented):
        value = getattr(form, f"q{index}").data
        if item["type"] == "multiple":
            value = list(value or [])
        answers[str(index)] = value
    return answers


class QuizForm(Form):
    anchor = SelectField(_l("Attached to"), validators=[DataRequired()])
    pass_mark = IntegerField(_l("Pass mark (%)"), default=70, validators=[InputRequired(), NumberRange(min=1, max=100)])
    attempts_limit = IntegerField(_l("Attempts allowed (empty: unlimited)"),
                                  validators=[Optional(), NumberRange(min=1, max=100)])
    time_limit_minutes = IntegerField(_l("Time limit in minutes (empty: none)"),
                                      validators=[Optional(), NumberRange(min=1, max=600)])
    draw_count = IntegerField(_l("Questions drawn at random (empty: all)"),
                              validators=[Optional(), NumberRange(min=1, max=500)])
    shuffle_choices = BooleanField(_l("Shuffle the answers"), default=True)
    submit = SubmitField(_l("Save quiz"))


translated_fields(QuizForm, "title", _l("Quiz title"), max_length=200)


class QuestionForm(Form):
    type = SelectField(_l("Question type"), choices=lambda: [
        ("single", _l("Single choice")), ("multiple", _l("Multiple choice")), ("true_false", _l("True / false")),
        ("numeric", _l("Number with unit")), ("short_text", _l("Short text"))])
    points = FloatField(_l("Points"), default=1, validators=[InputRequired(), NumberRange(min=0.1, max=100)])
    choices = TextAreaField(_l("Choices, one per line; start the correct ones with *"),
                            validators=[Optional(), Length(max=5000)])
    correct_true = SelectField(_l("Correct answer"), choices=lambda: [("true", _l("True")), ("false", _l("False"))])
    answer = DecimalField(_l("Correct number"), places=None, validators=[Optional()])
    tolerance = DecimalField(_l("Tolerance (±, in the unit)"), places=None, validators=[Optional()])
    unit = StringField(_l("Unit (e.g. min⁻¹, mm, kJ/mm, %)"), validators=[Optional(), Length(max=20)])
    accepted = TextAreaField(_l("Accepted answers, one per line (any language)"),
                             validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Save question"))


translated_fields(QuestionForm, "text", _l("Question"), TextAreaField, max_length=2000)


class CompletionRuleForm(Form):
    lessons = SelectField(_l("Lessons"), choices=lambda: [("all", _l("All lessons done")),
                                                          ("none", _l("Lessons not required"))])
    quizzes = SelectField(_l("Quizzes"), choices=lambda: [("all", _l("All quizzes passed")),
                                                          ("none", _l("Quizzes not required"))])
    min_attendance_percent = IntegerField(_l("Minimum attendance at meetings (%)"), default=80,
                                          validators=[InputRequired(), NumberRange(min=0, max=100)])
    submit = SubmitField(_l("Save the completion rule"))
