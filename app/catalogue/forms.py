from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    FloatField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, AnyOf, DataRequired, Length, NumberRange, Optional, Regexp

from app.catalogue.models import MATERIAL_LANGUAGES
from app.core.forms import FileNameField, Form, SearchFilters, web_address
from app.core.i18n import LANGUAGE_LABELS, LANGUAGE_NAMES, LANGUAGES


def language_choices():
    return list(LANGUAGE_NAMES.items())


def material_language_choices():
    """The languages a material may be in (``MATERIAL_LANGUAGES``), named in the reader's language."""
    return [*LANGUAGE_LABELS.items(), ("any", _l("No language (a drawing, a program, a silent video)"))]


def translated_fields(cls, name: str, label, field_class=StringField, max_length: int = 300, **kwargs):
    """Add ``<name>_pl``, ``<name>_lt``, ``<name>_en`` fields to a form class (one per content language)."""
    for lang in LANGUAGES:
        validators = [Optional(), Length(max=max_length)] if max_length else [Optional()]
        setattr(cls, f"{name}_{lang}", field_class(label, validators=validators,
                                                   render_kw={"lang": lang}, description=LANGUAGE_NAMES[lang],
                                                   **kwargs))
    return cls


def texts_from(form, name: str) -> dict[str, str | None]:
    return {lang: getattr(form, f"{name}_{lang}").data for lang in LANGUAGES}


def fill_texts(form, name: str, texts: dict[str, str]) -> None:
    for lang in LANGUAGES:
        getattr(form, f"{name}_{lang}").data = (texts or {}).get(lang, "")


class CatalogueFilterForm(SearchFilters):
    language = SelectField(_l("Available in"), validators=[Optional()],
                           choices=lambda: [("", _l("Any language")), *language_choices()])


class CourseForm(Form):
    specialisation = SelectField(_l("Specialisation"), coerce=int)
    source_language = SelectField(_l("Source language (shown when a translation is missing)"),
                                  choices=language_choices)
    hours = IntegerField(_l("Training hours"), default=0, validators=[NumberRange(min=0, max=2000)])
    capacity = IntegerField(_l("Places (empty: no limit)"), validators=[Optional(), NumberRange(min=1, max=10000)])
    enrolment_policy = SelectField(_l("Enrolment"), choices=lambda: [
        ("open", _l("Open: trainees enrol themselves")),
        ("approval", _l("By approval: a trainer or coordinator decides")),
        ("closed", _l("Closed: coordinators enrol people"))])
    starts_on = DateField(_l("Starts on"), validators=[Optional()])
    ends_on = DateField(_l("Ends on"), validators=[Optional()])
    submit = SubmitField(_l("Save course"))


translated_fields(CourseForm, "title", _l("Title"), max_length=200)
translated_fields(CourseForm, "summary", _l("Summary"), max_length=500)
translated_fields(CourseForm, "description", _l("Description"), TextAreaField, max_length=10000)


class ModuleForm(Form):
    submit = SubmitField(_l("Save module"))


translated_fields(ModuleForm, "title", _l("Module title"), max_length=200)


class LessonForm(Form):
    module = SelectField(_l("Module"), coerce=int)
    duration_minutes = IntegerField(_l("Duration (minutes)"), default=0, validators=[NumberRange(min=0, max=1440)])
    submit = SubmitField(_l("Save lesson"))


translated_fields(LessonForm, "title", _l("Lesson title"), max_length=200)
translated_fields(LessonForm, "body", _l("Lesson text (Markdown)"), TextAreaField, max_length=100_000)


class NewLessonForm(Form):
    submit = SubmitField(_l("Add lesson"))


translated_fields(NewLessonForm, "title", _l("Lesson title"), max_length=200)


class LinkForm(Form):
    url = URLField(_l("Address (https://…)"), validators=[DataRequired(), URL(message=_l("Enter a valid address.")),
                                                          Length(max=2000), web_address])
    submit = SubmitField(_l("Add link"))


translated_fields(LinkForm, "link_title", _l("Link title"), max_length=200)


class MaterialTitleForm(Form):
    # Not sent: the language stays as it was.
    language = SelectField(_l("Language of the material"), choices=material_language_choices,
                           validators=[Optional()],
                           description=_l("The lesson shows each reader the materials in their language first."))
    submit = SubmitField(_l("Save"))


translated_fields(MaterialTitleForm, "title", _l("Title shown to trainees"), max_length=200)


class CaptionsForm(Form):
    language = SelectField(_l("Language of the captions"), choices=language_choices(),
                           validators=[DataRequired(message=_l("Choose the language of the captions."))])
    file = FileField(_l("Caption file (WebVTT .vtt or SubRip .srt)"),
                     validators=[FileRequired(message=_l("Choose a file."))])
    submit = SubmitField(_l("Upload captions"))


class StatusForm(Form):
    status = HiddenField(validators=[DataRequired()])


class MoveForm(Form):
    direction = HiddenField(validators=[DataRequired()])


class TrainersForm(Form):
    trainers = SelectMultipleField(_l("Trainers"), coerce=int)
    submit = SubmitField(_l("Save trainers"))


class StartUploadForm(Form):
    """The browser announces an upload (JSON body; CSRF token in the X-CSRFToken header)."""

    filename = FileNameField(validators=[DataRequired(), Length(max=1000)])  # cleaned by clean_filename
    size = IntegerField(validators=[DataRequired(), NumberRange(min=1)])
    content_type = StringField(validators=[Optional(), Length(max=127)])
    title = StringField(validators=[Optional(), Length(max=200)])
    title_language = StringField(validators=[Optional(), Length(max=8)])
    duration = FloatField(validators=[Optional(), NumberRange(min=0, max=86400)])
    #: ``MATERIAL_LANGUAGES``; without it, the trainer's language (none for drawings, programs and pictures).
    language = StringField(validators=[Optional(), AnyOf(MATERIAL_LANGUAGES, message=_l(
        "Choose the language of the material from the list."))])
    # The fingerprint that lets choosing the same file again resume its upload: when the file was last modified
    # (milliseconds since 1970, as File.lastModified) and the SHA-256 of its first and last MiB.
    last_modified = IntegerField(validators=[Optional(), NumberRange(min=0, max=2**53)])
    sample_sha256 = StringField(filters=[lambda value: value if value is None or isinstance(value, str) else ""],
                                validators=[Optional(), Regexp(r"^[0-9a-f]{64}$", message=_l(
                                    "The file could not be recognised. Please choose it again."))])
