"""Forms of the bulletin: a post in each language, a rejection's reason, a new issue."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.bulletin.models import PostStatus, Visibility
from app.core.forms import Form
from app.core.i18n import LANGUAGE_LABELS, LANGUAGES

VISIBILITY_LABELS = {Visibility.PUBLIC: _l("Everyone (public, also in the feed)"),
                     Visibility.MEMBERS: _l("Logged-in people only")}


STATUS_LABELS = {PostStatus.DRAFT: _l("draft"), PostStatus.PROPOSED: _l("waiting for a coordinator"),
                 PostStatus.PUBLISHED: _l("published"), PostStatus.REJECTED: _l("rejected")}


class PostForm(Form):
    source_language = SelectField(_l("Language the post is written in"), validators=[InputRequired()],
                                  choices=[(code, LANGUAGE_LABELS[code]) for code in LANGUAGES])
    title_pl = StringField(_l("Title (Polish)"), validators=[Optional(), Length(max=200)])
    body_pl = TextAreaField(_l("Text (Polish, Markdown)"), validators=[Optional(), Length(max=20000)])
    title_lt = StringField(_l("Title (Lithuanian)"), validators=[Optional(), Length(max=200)])
    body_lt = TextAreaField(_l("Text (Lithuanian, Markdown)"), validators=[Optional(), Length(max=20000)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=200)])
    body_en = TextAreaField(_l("Text (English, Markdown)"), validators=[Optional(), Length(max=20000)])
    visibility = RadioField(_l("Who may read it"), default=Visibility.PUBLIC.value,
                            choices=[(v.value, label) for v, label in VISIBILITY_LABELS.items()],
                            validators=[InputRequired()])
    save = SubmitField(_l("Save"))
    publish = SubmitField(_l("Publish"))
    submit = SubmitField(_l("Propose to the coordinators"))

    def texts(self, part: str) -> dict[str, str]:
        return {code: getattr(self, f"{part}_{code}").data for code in LANGUAGES}

    def fill(self, post) -> None:
        self.source_language.data = post.source_language
        self.visibility.data = post.visibility.value
        for code in LANGUAGES:
            getattr(self, f"title_{code}").data = post.title.get(code, "")
            getattr(self, f"body_{code}").data = post.body.get(code, "")


class RejectForm(Form):
    reason = TextAreaField(_l("Reason (the author reads it)"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Reject"))


class IssueForm(Form):
    number = IntegerField(_l("Number"), validators=[InputRequired(), NumberRange(min=1, max=100000)])
    title_pl = StringField(_l("Title (Polish)"), validators=[Optional(), Length(max=200)])
    title_lt = StringField(_l("Title (Lithuanian)"), validators=[Optional(), Length(max=200)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=200)])
    period_start = DateField(_l("Posts published from"), validators=[InputRequired()])
    period_end = DateField(_l("to"), validators=[InputRequired()])
    submit = SubmitField(_l("Publish the issue"))

    def titles(self) -> dict[str, str]:
        return {code: getattr(self, f"title_{code}").data for code in LANGUAGES}


class ImageForm(Form):
    """A picture for a post (its type is checked by its content when it is stored)."""

    file = FileField(_l("Picture (JPEG, PNG or WebP, at most 10 MB)"))
    caption = StringField(_l("What the picture shows (for people who cannot see it)"),
                          validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Add the picture"))
